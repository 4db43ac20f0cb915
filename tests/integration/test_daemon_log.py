"""The daemon's log: every alarm it raises is in the state folder's JSON log at error level, with
the roll, the drive and the sentence status says, while the daemon runs (real daemon, real
folders, real ledger)."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from pathlib import Path

from rollkeeper.ledger.store import Ledger

from tests.integration.daemon_harness import (
    A001,
    ROLLKEEPER,
    Daemon,
    log_lines,
    make_roll,
    run_cli,
    sample_files,
    wait_until,
    write_config,
)


def cart(tmp_path: Path, *, extra: str = "") -> tuple[Path, Path]:
    """RAID_A (a folder volume) and its configuration; the state folder beside it."""
    raid = tmp_path / "RAID_A"
    raid.mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(raid), "raid")], extra=extra
    )
    return raid, config


def said(tmp_path: Path, kind: str) -> list[str]:
    """The sentences the ledger says for the recorded events of `kind` (as status does)."""
    ledger = Ledger.in_state_dir(tmp_path / "state", readonly=True)
    try:
        return [e.message for e in ledger.events() if e.kind == kind]
    finally:
        ledger.close()


def flip_a_byte(roll: Path) -> None:
    clip = next((roll / "Clips").iterdir())
    data = bytearray(clip.read_bytes())
    data[100] ^= 0xFF
    clip.write_bytes(bytes(data))


def test_a_mismatch_is_logged_at_error_with_roll_drive_and_sentence_while_running(
    tmp_path: Path,
) -> None:
    raid, config = cart(tmp_path)
    flip_a_byte(make_roll(raid, A001, sample_files(1)))
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: bool(log_lines(tmp_path, "copy_failed")), what="the alarm in the log")
    finally:
        daemon.stop()

    (line,) = log_lines(tmp_path, "copy_failed")
    assert (line["level"], line["roll"], line["drive"]) == ("error", A001, "RAID_A")
    assert [line["message"]] == said(tmp_path, "copy_failed")
    assert "MISMATCH" in line["message"]


def on_a_terminal(*args: str) -> tuple[int, str]:
    """`rollkeeper ARGS` with stderr on a real pseudo-terminal (`pty`), as a DIT runs it by
    hand: its exit code and what the terminal showed, colours taken out."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [ROLLKEEPER, *args], stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    code = process.wait(timeout=120)
    return code, re.sub(r"\x1b\[[0-9;]*m", "", shown.decode(errors="replace"))


def test_the_terminal_shows_an_alarm_s_level(tmp_path: Path) -> None:
    raid, config = cart(tmp_path)
    flip_a_byte(make_roll(raid, A001, sample_files(1)))

    code, shown = on_a_terminal("run", "--once", "--config", str(config))

    assert code == 1
    assert re.search(r"\[error\s*\] copy\.failed .*MISMATCH", shown)


def test_a_pipe_gets_the_alarm_as_a_json_line(tmp_path: Path) -> None:
    raid, config = cart(tmp_path)
    flip_a_byte(make_roll(raid, A001, sample_files(1)))

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    (alarm,) = [line for line in lines if line["event"] == "copy.failed"]
    assert (alarm["level"], alarm["kind"], alarm["roll"]) == ("error", "copy_failed", A001)


def test_an_incomplete_roll_is_logged_at_error(tmp_path: Path) -> None:
    raid, config = cart(tmp_path)
    roll = make_roll(raid, A001, sample_files(1))
    next((roll / "Clips").iterdir()).unlink()  # listed in the MHL, never to arrive
    daemon = Daemon(config).start()
    try:
        wait_until(
            lambda: bool(log_lines(tmp_path, "copy_failed")), timeout=60, what="INCOMPLETE logged"
        )
    finally:
        daemon.stop()

    (line,) = log_lines(tmp_path, "copy_failed")
    assert (line["level"], line["roll"], line["drive"]) == ("error", A001, "RAID_A")
    assert line["message"].startswith("INCOMPLETE")
    assert [line["message"]] == said(tmp_path, "copy_failed")


def test_an_unusable_target_is_logged_as_an_error_and_the_waiting_roll_as_a_warning(
    tmp_path: Path,
) -> None:
    nas = tmp_path / "NAS_not_mounted"
    raid, config = cart(tmp_path, extra=f'[target]\nkind = "fs"\npath = "{nas}"\n')
    make_roll(raid, A001, sample_files(1))

    assert run_cli("run", "--once", "--config", str(config)).returncode == 1

    (unusable,) = log_lines(tmp_path, "target_unusable")
    assert unusable["level"] == "error"
    (waiting,) = log_lines(tmp_path, "storage_waiting")
    assert (waiting["level"], waiting["roll"], waiting["drive"]) == ("warning", A001, "RAID_A")
    assert [waiting["message"]] == said(tmp_path, "storage_waiting")
    assert log_lines(tmp_path, "upload_failed") == []


def test_a_restart_does_not_log_the_events_of_the_last_run_again(tmp_path: Path) -> None:
    raid, config = cart(tmp_path)
    flip_a_byte(make_roll(raid, A001, sample_files(1)))
    assert run_cli("run", "--once", "--config", str(config)).returncode == 1
    first = len(log_lines(tmp_path, "copy_failed"))

    assert run_cli("run", "--once", "--config", str(config)).returncode == 1

    ids = [line["event_id"] for line in log_lines(tmp_path) if "event_id" in line]
    assert first == 1
    assert ids and len(ids) == len(set(ids))
