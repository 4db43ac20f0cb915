"""A ledger file we cannot believe or cannot use: one sentence for a person, never a traceback.

Every statement the ledger runs goes through a `GuardedConnection`, whose cursors turn any
`sqlite3.DatabaseError` (a garbled page, a file cut short, a file that is not SQLite, one we
may not read or write) into `LedgerUnusable`, an `EnvironmentProblem` (exit code 3) naming the
file, what is wrong and what to do. The file itself is never touched: not repaired, not moved,
not deleted; a person decides.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Self

from rollkeeper.core.errors import EnvironmentProblem

KEPT = "it is kept untouched"
NOTHING_CLEARED = "nothing will be cleared for erasure from it"
#: Rows a cursor fetches at a time when iterated.
ROWS_PER_FETCH = 512

# SQLite's primary result codes (https://sqlite.org/rescode.html) that say what is wrong.
_DAMAGE = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_ACCESS = {3, 14, 23}  # SQLITE_PERM, SQLITE_CANTOPEN, SQLITE_AUTH
_READONLY = 8  # SQLITE_READONLY
_BUSY = 5  # SQLITE_BUSY: another connection holds the lock past our timeout
_FULL = 13  # SQLITE_FULL: the disk holding it is full
# What Python's sqlite3 says (no result code) when a garbled row's text is not UTF-8.
_NOT_TEXT = re.compile(r"Could not decode to UTF-8 column '([^']*)'")


class LedgerUnusable(EnvironmentProblem):
    """The ledger file is damaged, or cannot be read or written; `str()` is the whole sentence."""


def damaged(path: Path, problem: str) -> LedgerUnusable:
    """The ledger at `path` fails its check or cannot be parsed."""
    return LedgerUnusable(
        f"{path} is damaged ({problem}); {KEPT}: move it aside and restart, or restore it from "
        f"a backup; {NOTHING_CLEARED}"
    )


def unusable(path: Path, err: sqlite3.Error) -> LedgerUnusable:
    """The sentence for an error SQLite raised while using the ledger at `path`."""
    code = getattr(err, "sqlite_errorcode", 0) & 0xFF
    problem = str(err) or type(err).__name__
    if code in _DAMAGE:
        return damaged(path, problem)
    if not_text := _NOT_TEXT.match(problem):
        return damaged(path, f"column {not_text[1]!r} holds bytes that are not text")
    if code in _ACCESS:
        return LedgerUnusable(
            f"{path} cannot be read ({problem}); {KEPT}: let the user running rollkeeper read "
            f"and write it and its folder; {NOTHING_CLEARED}"
        )
    if code == _BUSY:
        return LedgerUnusable(
            f"{path} is locked by another process ({problem}); {KEPT}: stop whatever holds it "
            "(another rollkeeper, a backup, an SQLite browser) and try again"
        )
    if code == _FULL:
        return LedgerUnusable(
            f"the disk holding {path} is full ({problem}); {KEPT}: free space on it and start "
            f"rollkeeper again (what was recorded before is all there); {NOTHING_CLEARED} "
            "meanwhile"
        )
    if code == _READONLY:
        return LedgerUnusable(
            f"{path} cannot be written ({problem}); {KEPT}: let the user running rollkeeper "
            f"write it and its folder; {NOTHING_CLEARED}"
        )
    return LedgerUnusable(f"{path} could not be used ({problem}); {KEPT}; {NOTHING_CLEARED}")


class GuardedCursor(sqlite3.Cursor):
    """A cursor whose every step maps SQLite's errors to `LedgerUnusable`."""

    def _fault(self, err: sqlite3.Error) -> LedgerUnusable:
        connection = self.connection
        return unusable(getattr(connection, "ledger_path", Path("ledger")), err)

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        try:
            return super().execute(sql, parameters)
        except sqlite3.DatabaseError as err:
            raise self._fault(err) from err

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> Self:
        try:
            return super().executemany(sql, seq_of_parameters)
        except sqlite3.DatabaseError as err:
            raise self._fault(err) from err

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as err:
            raise self._fault(err) from err

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        try:
            return super().fetchmany(size)
        except sqlite3.DatabaseError as err:
            raise self._fault(err) from err

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as err:
            raise self._fault(err) from err

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.DatabaseError as err:
            raise self._fault(err) from err

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        """The rows, fetched a batch at a time: a Python `__next__` per row made reading a
        200,000-file drive's records cost a second and a half of a clearance judgment."""
        while batch := self.fetchmany(ROWS_PER_FETCH):
            yield from batch


class GuardedConnection(sqlite3.Connection):
    """The ledger's connection: statements run on `GuardedCursor`s, named after `ledger_path`."""

    ledger_path: Path

    def execute(self, sql: str, parameters: Any = (), /) -> GuardedCursor:
        return self.cursor(GuardedCursor).execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> GuardedCursor:
        return self.cursor(GuardedCursor).executemany(sql, parameters)


def connect(path: Path, target: str, *, uri: bool) -> GuardedConnection:
    """Open `target` (the file, or a URI naming it) as the ledger at `path`, guarded."""
    try:
        db = sqlite3.connect(
            target,
            uri=uri,
            isolation_level=None,
            timeout=30,
            check_same_thread=False,
            factory=GuardedConnection,
        )
    except sqlite3.DatabaseError as err:
        raise unusable(path, err) from err
    db.ledger_path = path
    return db
