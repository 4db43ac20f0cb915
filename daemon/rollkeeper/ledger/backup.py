"""Copies of the ledger made while it is in use: SQLite's online backup API, written atomically.

`back_up` copies an open ledger page by page into a temporary file beside the destination,
checks the copy (`PRAGMA quick_check`), syncs it and only then gives it its name: a crash or a
full disk leaves the old backup or the new one, never a torn one. The daemon keeps
`[state] keep_backups` daily copies in `<state_dir>/backups/` (`DailyBackups`, on the loop's
thread: never inside a transaction), and `rollkeeper ledger backup PATH` makes one on demand.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rollkeeper.core.errors import EnvironmentProblem
from rollkeeper.fs.durable import fsync_folder, full_fsync
from rollkeeper.ledger.connection import LedgerConnection

BACKUP_FOLDER = "backups"
#: Daily backups are named `ledger-<UTC time>.sqlite3`: their names sort as their ages.
PREFIX, SUFFIX = "ledger-", ".sqlite3"
#: A daily backup is made when the newest one is older than this (seconds).
DAY = 24 * 3600.0


def _copy_into(ledger: LedgerConnection, temporary: Path, path: Path) -> None:
    """The whole ledger, as of one moment, into `temporary` (to become `path`); checked before
    it is trusted."""
    copy = sqlite3.connect(temporary)
    try:
        ledger.db.backup(copy)
        verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        copy.close()
    if verdict != "ok":
        raise EnvironmentProblem(
            f"{path}: the copy of {ledger.path} failed SQLite's check ({verdict}); nothing was "
            "written there. Check the ledger (`rollkeeper status` refuses a damaged one)"
        )
    fd = os.open(temporary, os.O_RDONLY)
    try:
        full_fsync(fd)
    finally:
        os.close(fd)


def back_up(ledger: LedgerConnection, path: Path, *, replace: bool = False) -> None:
    """Copy the open `ledger` to `path` atomically; an existing `path` is replaced only with
    `replace` (else FileExistsError). Never inside one of its transactions: the copy would
    not hold what that transaction writes."""
    if ledger.db.in_transaction:
        raise RuntimeError("a ledger backup was asked for inside a transaction")
    temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        _copy_into(ledger, temporary, path)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # never over an existing file, even one made meanwhile
    except sqlite3.Error as err:
        raise EnvironmentProblem(f"{path}: the ledger could not be copied there ({err})") from err
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    fsync_folder(path.parent)


def backup_name(moment: datetime) -> str:
    return f"{PREFIX}{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"


def daily_backups(folder: Path) -> list[Path]:
    """The daily backups in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.name.endswith(SUFFIX)
    )


class DailyBackups:
    """Keeps `keep` daily backups of the ledger in `folder` (0: none): one is made when the
    newest is a day old (or there is none), then the oldest beyond `keep` are removed."""

    def __init__(self, folder: Path, keep: int, clock: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.keep = keep
        self.clock = clock

    def due(self) -> bool:
        if self.keep <= 0:
            return False
        existing = daily_backups(self.folder)
        return not existing or self.clock() - existing[-1].stat().st_mtime >= DAY

    def make(self, ledger: LedgerConnection) -> Path:
        """One backup now, then the oldest pruned; where it went."""
        self.folder.mkdir(exist_ok=True)
        path = self.folder / backup_name(datetime.fromtimestamp(self.clock(), UTC))
        back_up(ledger, path, replace=True)
        for old in daily_backups(self.folder)[: -self.keep]:
            old.unlink(missing_ok=True)
        return path
