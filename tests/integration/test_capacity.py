"""Free space with the real daemon: a roll that cannot fit on the folder target is verified,
waits saying why, and goes up once there is room.

The target is a real tmpfs (root only; skipped with the reason otherwise), grown in place
(`mount -o remount,size=…`) to make room.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_states,
    status,
    upload_state_in_ledger,
    wait_until,
    write_config,
)
from tests.integration.test_upload_fs import events

MiB = 1024 * 1024


@pytest.fixture
def small_nas(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    point = tmp_path / "NAS"
    point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(point)], check=True)
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_a_roll_that_cannot_fit_waits_saying_why_and_goes_up_once_there_is_room(
    tmp_path: Path, small_nas: Path
) -> None:
    volume = tmp_path / "RAID_A"
    volume.mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(volume), "raid")], settle=0,
        extra=f'[target]\nkind = "fs"\npath = "{small_nas}"\nretry_after = "1h"\n',
    )  # fmt: skip
    content = clip(31, 6 * MiB)
    make_roll(volume, A001, {"Clips/A.mov": content})
    state = tmp_path / "state"
    daemon = Daemon(config).start()
    try:
        wait_until(
            lambda: upload_state_in_ledger(state, A001) == "waiting_for_storage", what="waiting"
        )
        (roll,) = status(config)["rolls"]
        assert roll["state"] == "verified"
        assert roll["upload"]["last_error"].startswith(f"SPACE LOW: target folder {small_nas} has")
        (warned,) = events(state, "space_low")
        assert "it waits until there is room: make room there" in warned

        subprocess.run(["mount", "-o", "remount,size=64m", str(small_nas)], check=True)

        wait_until(lambda: roll_states(config) == {A001: "uploaded"}, what="uploaded", timeout=60)
    finally:
        output = daemon.stop()
    assert "Traceback" not in output
    assert (small_nas / A001 / "Clips/A.mov").read_bytes() == content
