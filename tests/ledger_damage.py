"""How disks and people damage a ledger file, done to a real one for the specifications.

Every helper works on the file's bytes, never through SQLite's writing side: the damage is what
a bad sector, a cut-short copy or a mistaken save leaves behind.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path


def _read_only(ledger: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(f"file:{ledger}?mode=ro", uri=True))


def leaf_pages(ledger: Path, table: str) -> tuple[int, list[int]]:
    """The page size, and the leaf pages holding `table`."""
    with _read_only(ledger) as db:
        size = db.execute("PRAGMA page_size").fetchone()[0]
        query = "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'"
        return size, [row[0] for row in db.execute(query, (table,))]


def quick_check(ledger: Path) -> str:
    """SQLite's quick check of the file: "ok" or its first problem."""
    with _read_only(ledger) as db:
        return str(db.execute("PRAGMA quick_check").fetchone()[0])


def _overwrite(ledger: Path, offset: int, data: bytes) -> None:
    with ledger.open("r+b") as file:
        file.seek(offset)
        file.write(data)


def garble_a_page(ledger: Path, table: str) -> None:
    """Overwrite 64 bytes in the middle of a leaf page (the middle one) of `table`."""
    size, pages = leaf_pages(ledger, table)
    assert len(pages) > 2, f"the ledger should span several pages of {table}"
    _overwrite(ledger, (pages[len(pages) // 2] - 1) * size + size // 2, b"\xa5" * 64)


def garble_a_letter(ledger: Path, table: str, text: str) -> None:
    """Change the last letter of `text` where a row of `table` holds it: every page stays well
    formed (the quick check still passes), only the indexes over it no longer match."""
    size, (page, *_) = leaf_pages(ledger, table)
    content = ledger.read_bytes()[(page - 1) * size : page * size]
    _overwrite(ledger, (page - 1) * size + content.index(text.encode()) + len(text) - 1, b"X")
    assert quick_check(ledger) == "ok"


def half_truncate(ledger: Path) -> None:
    """The file cut to half its length, as an interrupted copy leaves it."""
    os.truncate(ledger, ledger.stat().st_size // 2)


def not_sqlite(ledger: Path) -> None:
    """Something else saved under the ledger's name."""
    ledger.write_text("ledger notes, saved here by mistake\n" * 200, encoding="utf-8")
