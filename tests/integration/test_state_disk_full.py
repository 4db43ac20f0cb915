"""Specification, against the real daemon: the disk holding the state folder fills up. The daemon
stops with one sentence naming the ledger, that its disk is full and the fix (exit 3), keeps the
ledger as it was, clears nothing; once there is room again, the next start carries on from what
was recorded — the roll that arrived meanwhile is verified and uploaded, byte for byte.

The state folder lives on a tmpfs of its own (mounting one needs root, as CI has; elsewhere the
test is skipped and says why)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_states,
    run_cli,
    sample_files,
    upload_state_in_ledger,
    wait_until,
    write_config,
)

A002 = "20261121_Day01/Camera_Media/A002R1AB"


@pytest.fixture
def state_disk(tmp_path: Path) -> Iterator[Path]:
    """A 300 MB tmpfs mounted for the state folder (the ledger asks 268 MB free before uploads)."""
    disk = tmp_path / "statefs"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=300m", "tmpfs", str(disk)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path) -> Path:
    """Take every byte left on `disk`; the file that holds them."""
    filler = disk / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as handle:
        while True:
            handle.write(b"\0" * (1 << 20))
            handle.flush()
    with contextlib.suppress(OSError), filler.open("ab") as handle:
        while True:  # the last few KiB
            handle.write(b"\0" * 4096)
            handle.flush()
    return filler


def test_a_full_state_disk_stops_the_daemon_with_the_fix_and_a_restart_carries_on(
    tmp_path: Path, state_disk: Path
) -> None:
    nas, raid = tmp_path / "NAS", tmp_path / "RAID_A"
    nas.mkdir()
    make_roll(raid, A001, sample_files(1))
    state = state_disk / "state"
    config = write_config(
        tmp_path / "rollkeeper.toml", state, [(str(raid), "raid")], settle=0,
        extra=f'[target]\nkind = "fs"\npath = "{nas}"\n',
    )  # fmt: skip
    daemon = Daemon(config).start()
    assert daemon.process is not None
    wait_until(lambda: upload_state_in_ledger(state, A001) == "uploaded", what="A001 uploaded")
    filler = _fill(state_disk)
    make_roll(raid, A002, sample_files(2))  # something to record, on a disk with no room
    output, _ = daemon.process.communicate(timeout=60)
    assert daemon.process.returncode == 3
    assert f"the disk holding {state / 'ledger.sqlite3'} is full" in output
    assert "free space on it and start rollkeeper again" in output
    assert "Traceback" not in output

    os.unlink(filler)
    done = run_cli("status", "--config", str(config))
    assert done.returncode == 0 and "A001R1AB" in done.stdout
    assert "MAY BE ERASED" not in done.stdout  # a RAID without an archive tier: never
    again = Daemon(config).start()
    try:
        wait_until(lambda: upload_state_in_ledger(state, A002) == "uploaded", what="A002 uploaded")
    finally:
        again.stop()
    assert roll_states(config) == {A001: "uploaded", A002: "uploaded"}
    for roll, seed in ((A001, 1), (A002, 2)):
        for name, content in sample_files(seed).items():
            (copy,) = nas.rglob(f"{roll}/{name}")
            assert copy.read_bytes() == content
