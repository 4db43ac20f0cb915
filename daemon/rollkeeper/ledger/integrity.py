"""The ledger is checked before it is believed: SQLite's own consistency checks, read-only.

`integrity_check` reads every page and every index entry (on the benchmark's ledger of 1,000
rolls and 100,000 files, about 0.17 s); it catches a garbled row that leaves the b-trees sound,
which `quick_check` (about 0.05 s: the pages and records, not the indexes) misses. The daemon
and `clearance` run the thorough one before they believe the file, and `status` before an answer
that would say a drive or a roll may be erased.
Nothing here writes: the file is checked through a read-only connection and never repaired.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rollkeeper.ledger.unusable import connect, damaged


def check(db: sqlite3.Connection, path: Path, *, thorough: bool) -> None:
    """Raise `LedgerUnusable` naming the first problem SQLite finds in the open ledger."""
    pragma = "integrity_check" if thorough else "quick_check"
    found = [str(row[0]) for row in db.execute(f"PRAGMA {pragma}(1)").fetchall()]
    if found != ["ok"]:
        lines = [line for text in found for line in text.splitlines() if not line.startswith("***")]
        raise damaged(path, f"{pragma}: {lines[0] if lines else 'no answer'}")


def check_file(path: Path) -> None:
    """Check the ledger file at `path` thoroughly through a read-only connection of its own, so
    a damaged file is not opened for writing at all (closing a writer may checkpoint into it)."""
    db = connect(path, f"file:{path}?mode=ro", uri=True)
    try:
        check(db, path, thorough=True)
    finally:
        db.close()
