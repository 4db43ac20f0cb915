"""The real daemon's log: JSON lines in the file and on a stderr that is not a terminal, one
dotted name per happening with its kind kept, and a log file renamed or deleted under the running
daemon followed by a new file at the same path (real daemon, real folders)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration.daemon_harness import (
    A001,
    Daemon,
    log_lines,
    make_roll,
    sample_files,
    wait_until,
    write_config,
)

A002 = A001.replace("A001", "A002")


def cart(tmp_path: Path) -> tuple[Path, Path]:
    raid = tmp_path / "RAID_A"
    raid.mkdir()
    config = write_config(tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(raid), "raid")])
    return raid, config


def lines_of(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def verified(path: Path, roll: str) -> bool:
    return any(
        line.get("event") == "copy.verified" and line.get("roll") == roll for line in lines_of(path)
    )


def test_a_renamed_log_file_is_followed_by_a_new_one_at_its_path(tmp_path: Path) -> None:
    raid, config = cart(tmp_path)
    log_file = tmp_path / "state" / "rollkeeper.log"
    rotated = tmp_path / "state" / "rollkeeper.log.0"
    make_roll(raid, A001, sample_files(1))
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: verified(log_file, A001), timeout=60, what="A001 verified in the log")
        log_file.rename(rotated)
        make_roll(raid, A002, sample_files(2))
        wait_until(lambda: verified(log_file, A002), timeout=60, what="A002 in a new log file")
    finally:
        daemon.stop()

    assert not any(line.get("roll") == A002 for line in lines_of(rotated))
    assert not any(line.get("roll") == A001 for line in lines_of(log_file))


def test_a_deleted_log_file_is_followed_by_a_new_one_at_its_path(tmp_path: Path) -> None:
    raid, config = cart(tmp_path)
    log_file = tmp_path / "state" / "rollkeeper.log"
    make_roll(raid, A001, sample_files(1))
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: verified(log_file, A001), timeout=60, what="A001 verified in the log")
        log_file.unlink()
        make_roll(raid, A002, sample_files(2))
        wait_until(lambda: verified(log_file, A002), timeout=60, what="A002 in a new log file")
    finally:
        daemon.stop()


def test_the_daemon_logs_json_lines_with_dotted_names_and_kinds(tmp_path: Path) -> None:
    """stderr is a pipe here, as under systemd: JSON lines there too."""
    raid, config = cart(tmp_path)
    make_roll(raid, A001, sample_files(1))
    daemon = Daemon(config).start()
    try:
        wait_until(
            lambda: bool(log_lines(tmp_path, "copy_verified")), timeout=60, what="A001 verified"
        )
    finally:
        printed = daemon.stop()

    shown = [json.loads(line) for line in printed.splitlines() if line.strip()]
    (line,) = [s for s in shown if s.get("kind") == "copy_verified"]
    assert (line["event"], line["roll"], line["drive"]) == ("copy.verified", A001, "RAID_A")
    assert not [s for s in shown if s.get("logger", "").startswith(("apscheduler", "watchdog"))]
