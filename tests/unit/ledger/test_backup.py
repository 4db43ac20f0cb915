"""Specification: copies of the open ledger (`ledger.backup`): SQLite's online backup API,
written atomically, checked, and kept `[state] keep_backups` days."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from rollkeeper.ledger.backup import DAY, DailyBackups, back_up, daily_backups
from rollkeeper.ledger.store import Ledger


def remember_a_drive(ledger: Ledger, label: str = "RAID_A") -> None:
    ledger.volume_mounted(
        label=label, role="raid", fs_uuid=f"uuid-{label}", subpath="", mount_path=f"/{label}"
    )


def labels_in(path: Path) -> list[str]:
    """The drives the copy at `path` holds, after SQLite's full integrity check of it."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [row[0] for row in db.execute("SELECT label FROM volumes ORDER BY label")]


def test_a_backup_holds_what_the_ledger_holds_and_passes_an_integrity_check(
    ledger: Ledger, tmp_path: Path
) -> None:
    remember_a_drive(ledger)
    back_up(ledger, tmp_path / "copy.sqlite3")
    assert labels_in(tmp_path / "copy.sqlite3") == ["RAID_A"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_backup_never_replaces_an_existing_file_unless_asked(
    ledger: Ledger, tmp_path: Path
) -> None:
    existing = tmp_path / "copy.sqlite3"
    existing.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        back_up(ledger, existing)
    assert existing.read_bytes() == b"keep me"
    back_up(ledger, existing, replace=True)
    assert labels_in(existing) == []


def test_no_backup_is_made_inside_a_transaction(ledger: Ledger, tmp_path: Path) -> None:
    with ledger.transaction(), pytest.raises(RuntimeError):
        back_up(ledger, tmp_path / "copy.sqlite3")
    assert not (tmp_path / "copy.sqlite3").exists()


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_daily_backup_is_due_when_there_is_none_and_a_day_after_the_last(
    ledger: Ledger, tmp_path: Path
) -> None:
    clock = Clock()
    daily = DailyBackups(tmp_path / "backups", keep=7, clock=clock)
    assert daily.due()
    made = daily.make(ledger)
    os.utime(made, (clock.now, clock.now))
    clock.now += DAY - 1
    assert not daily.due()
    clock.now += 1
    assert daily.due()


def test_the_oldest_daily_backups_beyond_keep_are_removed(ledger: Ledger, tmp_path: Path) -> None:
    clock = Clock()
    daily = DailyBackups(tmp_path / "backups", keep=2, clock=clock)
    names = []
    for day in range(3):
        remember_a_drive(ledger, f"DRIVE_{day}")
        names.append(daily.make(ledger).name)
        clock.now += DAY
    kept = daily_backups(tmp_path / "backups")
    assert [p.name for p in kept] == names[1:]
    assert labels_in(kept[-1]) == ["DRIVE_0", "DRIVE_1", "DRIVE_2"]


def test_keep_backups_zero_makes_none(tmp_path: Path) -> None:
    assert not DailyBackups(tmp_path / "backups", keep=0).due()
