"""Specification, against the real daemon: a real failing read (EIO from the kernel, through a
FUSE pass-through, as a dying card reader gives one) while a roll is verified. The copy is
MISMATCH with one alarm naming the file; the unreadable file is not stored and the roll's
manifest is not written (what was read well may be, proven), and no drive is cleared; once the
reads work again, `rollkeeper reverify` sends the copy back, and it is verified and uploaded
byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.transfer.keys import MANIFEST_SUFFIX

from tests.fusefail import FailingFolder, usable
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_state_in_ledger,
    run_cli,
    sample_files,
    status,
    wait_until,
    write_config,
)
from tests.integration.test_upload_fs import events

BAD = "C001_01.mov"


@pytest.fixture
def failing_drive(tmp_path: Path) -> Iterator[FailingFolder]:
    """RAID_A seen through FUSE, its reads of `BAD` failing; unmounted after the test."""
    why = usable()
    if why is not None:
        pytest.skip(f"no FUSE here: {why}")
    source = tmp_path / "raid-disk"
    make_roll(source, A001, sample_files(1))
    drive = FailingFolder(source, tmp_path / "RAID_A")
    drive.failing.add(BAD)
    drive.mount()
    try:
        yield drive
    finally:
        drive.unmount()


def test_a_read_error_is_a_mismatch_alarm_clears_nothing_and_reverify_recovers(
    tmp_path: Path, failing_drive: FailingFolder
) -> None:
    nas, state = tmp_path / "NAS", tmp_path / "state"
    nas.mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml", state, [(str(failing_drive.mountpoint), "raid")],
        settle=0, extra=f'[target]\nkind = "fs"\npath = "{nas}"\n',
    )  # fmt: skip
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: roll_state_in_ledger(state, A001) == "mismatch", what="the alarm")
        (roll,) = status(config)["rolls"]
        stored = {p.name for p in nas.rglob("*") if p.is_file()}
        failing_drive.failing.clear()  # the reader works again
        asked = run_cli("reverify", A001, "--config", str(config))
        wait_until(lambda: roll_state_in_ledger(state, A001) == "uploaded", what="recovered")
    finally:
        output = daemon.stop()
    assert "Traceback" not in output
    assert any(BAD in problem for problem in roll["problems"]), roll["problems"]
    assert not roll["clearance"]["cards_clear"]
    assert BAD not in stored and not any(n.endswith(MANIFEST_SUFFIX) for n in stored)
    (alarm,) = events(state, "upload_failed")  # one alarm, not one per pass
    assert (
        alarm.startswith("MISMATCH: ")
        and f"{BAD}: failed: source unreadable: Input/output" in alarm
    )
    assert asked.returncode == 0, asked.stderr
    for name, content in sample_files(1).items():
        (copy,) = nas.rglob(f"{A001}/{name}")
        assert copy.read_bytes() == content
