"""The real daemon with a roll that stops short, and one whose listed file is a link out of
the roll: status says what a settling copy waits for; a stalled copy becomes INCOMPLETE after
`stall_after`, a linked one is refused at once, each an alarm naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration.daemon_harness import (
    A001,
    Daemon,
    log_lines,
    make_roll,
    run_cli,
    sample_files,
    wait_until,
    write_config,
)

CLIP = "Clips/C001_00.mov"


def configured(tmp_path: Path, *, settle: float = 0.5, stall_after: float) -> Path:
    """RAID_A (a folder volume) and its configuration; the state folder beside it."""
    raid = tmp_path / "RAID_A"
    raid.mkdir(exist_ok=True)
    return write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(raid), "raid")],
        settle=settle,
        stall_after=stall_after,
    )


def the_copy(config: Path) -> dict[str, Any] | None:
    """A001's copy on RAID_A as `status --json` shows it (None before it is seen)."""
    done = run_cli("status", "--config", str(config), "--json")
    if done.returncode != 0:  # no ledger yet: the daemon is still starting
        return None
    rolls = [roll for roll in json.loads(done.stdout)["rolls"] if roll["id"] == A001]
    return rolls[0]["copies"][0] if rolls and rolls[0]["copies"] else None


def incomplete(config: Path) -> bool:
    copy = the_copy(config)
    return copy is not None and copy["state"] == "incomplete"


def test_a_file_that_stops_short_is_shown_waited_for_then_is_incomplete_after_stall_after(
    tmp_path: Path,
) -> None:
    config = configured(tmp_path, stall_after=3600)
    roll = make_roll(tmp_path / "RAID_A", A001, sample_files(1))
    (roll / CLIP).write_bytes((roll / CLIP).read_bytes()[:11])  # the copy stopped here
    daemon = Daemon(config).start()
    try:
        wait_until(
            lambda: bool((copy := the_copy(config)) and copy["waiting_for"]),
            what="the copy to show what it waits for",
        )
        copy = the_copy(config)
        assert copy is not None and copy["state"] == "settling"
        assert copy["waiting_for"] == [{"path": CLIP, "have": 11, "want": 4096}]
    finally:
        daemon.stop()

    configured(tmp_path, stall_after=0.5)
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: incomplete(config), what="the stalled copy to be INCOMPLETE")
    finally:
        daemon.stop()

    (alarm,) = log_lines(tmp_path, "copy_failed")
    assert alarm["level"] == "error"
    assert alarm["message"] == (
        f"INCOMPLETE: roll {A001} on RAID_A has been quiet but is waiting for 1 file(s): "
        f"{CLIP} (11 of 4096 bytes)"
    )


def test_a_listed_file_linking_out_of_the_roll_is_refused_at_once_with_its_reason(
    tmp_path: Path,
) -> None:
    config = configured(tmp_path, settle=3600, stall_after=3600)
    roll = make_roll(tmp_path / "RAID_A", A001, sample_files(1))
    elsewhere = tmp_path / "elsewhere.mov"
    elsewhere.write_bytes((roll / CLIP).read_bytes())
    (roll / CLIP).unlink()
    (roll / CLIP).symlink_to(elsewhere)
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: incomplete(config), what="the linked copy to be refused")
    finally:
        daemon.stop()

    reason = (
        f"{CLIP} is a symbolic link to somewhere outside the roll; copy the file itself, not a link"
    )
    copy = the_copy(config)
    assert copy is not None and copy["problems"] == [reason]
    (alarm,) = log_lines(tmp_path, "copy_failed")
    assert alarm["level"] == "error"
    assert alarm["message"] == f"REFUSED: roll {A001} on RAID_A: {reason}"
