"""The ledger is checked before it is believed: SQLite's own consistency checks, read-only.

`integrity_check` reads every page and every index entry (on the benchmark's ledger of 1,000
rolls and 100,000 files, about 0.17 s); it catches a garbled row that leaves the b-trees sound,
which `quick_check` (about 0.05 s: the pages and records, not the indexes) misses. The daemon
and `clearance` run the thorough one before they believe the file, and `status` before an answer
that would say a drive or a roll may be erased.
A thorough check costs about 0.5 s on a ledger of 200,000 uploaded files, and `status` (and the
dashboard, every 5 s) would pay it on each answer. So a check that passed is remembered beside
the ledger (`ledger.checked.json`: when, and the size, modification time and inode of the ledger
and its write-ahead log as the checking connection found them before reading anything); an
answer on the very same file — as it found it, and as it is when it would check — within
`[clearance] max_evidence_age`, takes that check as its own. rollkeeper's own writes carry it
forward: a transaction notes the file as it found it once it holds the write lock, and if the
check stands for that file, it stands for the file as the transaction left it too
(`carry_forward`: SQLite wrote every byte of the difference; the last few such states are kept,
so an answer drawn while the daemon writes still takes it). Any other change (another program's
write, a copy, a cut, a restored backup) and the next answer checks in full. A page garbled in
place by the disk changes none of the three: what the remembered check trusts, within
`max_evidence_age`, is the disk since it was checked. Nothing here writes to the ledger: it is
checked through a read-only connection and never repaired; the remembered check is a small file
of its own, written when the folder can be. The daemon makes the check again before the
remembered one lapses (`renew`), so an answer rarely has to, and a page garbled meanwhile is
found within `max_evidence_age`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rollkeeper.core.clearance.freshness import is_stale
from rollkeeper.ledger.unusable import connect, damaged

#: Where a passing thorough check is remembered, beside the ledger.
CHECKED_FILE = "ledger.checked.json"

#: The ledger file's and its log's (size, mtime in ns, inode); None where there is no log.
FileState = tuple[tuple[int, int, int] | None, ...]

#: How many file states, written by rollkeeper since, a remembered check stands for.
CARRIED = 32


def check(db: sqlite3.Connection, path: Path, *, thorough: bool) -> None:
    """Raise `LedgerUnusable` naming the first problem SQLite finds in the open ledger."""
    pragma = "integrity_check" if thorough else "quick_check"
    found = [str(row[0]) for row in db.execute(f"PRAGMA {pragma}(1)").fetchall()]
    if found != ["ok"]:
        lines = [line for text in found for line in text.splitlines() if not line.startswith("***")]
        raise damaged(path, f"{pragma}: {lines[0] if lines else 'no answer'}")


def check_file(path: Path) -> None:
    """Check the ledger file at `path` thoroughly through a read-only connection of its own, so
    a damaged file is not opened for writing at all (closing a writer may checkpoint into it);
    a pass is remembered (`check_unless_checked`)."""
    found = file_state(path)
    db = connect(path, f"file:{path}?mode=ro", uri=True)
    try:
        _check_remembering(db, path, found)
    finally:
        db.close()


def file_state(path: Path) -> FileState:
    """The ledger's and its write-ahead log's size, modification time and inode (None: absent,
    or an empty log, which a reader opening the ledger creates). Any write to the ledger changes
    one of them (a write goes to the log, a checkpoint to the ledger)."""
    ledger = _identity(path, empty_is_none=False)
    log = _identity(path.with_name(path.name + "-wal"), empty_is_none=True)
    return ledger, log


def _identity(file: Path, *, empty_is_none: bool) -> tuple[int, int, int] | None:
    try:
        info = file.stat()
    except OSError:
        return None
    if empty_is_none and info.st_size == 0:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def check_unless_checked(
    db: sqlite3.Connection, path: Path, found: FileState, *, trust_for: float
) -> None:
    """The thorough check of the open ledger, unless one passed within `trust_for` seconds on
    the file as the connection `found` it and as it is now (the same, or changed since only by
    rollkeeper's own transactions); a check that passes is remembered."""
    if not _checked_before(path, (found, file_state(path)), trust_for):
        _check_remembering(db, path, found)


def renew(path: Path, *, trust_for: float, margin: float) -> bool:
    """Check the ledger at `path` thoroughly again when its remembered check lapses within
    `margin` seconds, or stands for another file (the daemon's loop, the ledger's only writer,
    calls this: the file stays as checked while it is read); True when it checked."""
    if _checked_before(path, (file_state(path),), trust_for - margin):
        return False
    check_file(path)
    return True


def _check_remembering(db: sqlite3.Connection, path: Path, found: FileState) -> None:
    """The thorough check, remembered when the file is still as the connection `found` it
    (else what it checked is not what is there)."""
    check(db, path, thorough=True)
    if file_state(path) == found:
        _remember(path, [found], datetime.now(UTC))


def carry_forward(path: Path, before: FileState) -> None:
    """After a rollkeeper transaction on the ledger at `path`, which found the file as `before`
    once it held the write lock: a remembered check of that very file now stands for the file as
    the transaction left it too (only SQLite wrote between the two). The last `CARRIED` states
    are kept, so an answer that found the file a moment before a write still takes it."""
    kept = _remembered(path)
    if kept is None or before not in kept[1]:
        return
    after = file_state(path)
    if after != before:
        _remember(path, [*kept[1], after][-CARRIED:], kept[0])


def _checked_before(path: Path, seen: tuple[FileState, ...], trust_for: float) -> bool:
    kept = _remembered(path)
    if kept is None:
        return False
    at, states = kept
    return not is_stale(at, datetime.now(UTC), trust_for) and all(s in states for s in seen)


def _remembered(path: Path) -> tuple[datetime, list[FileState]] | None:
    """When the remembered check was made, and the file states it stands for (None: none,
    unreadable, garbled or without a time zone, each meaning "check in full")."""
    try:
        kept = json.loads((path.parent / CHECKED_FILE).read_text(encoding="utf-8"))
        at = datetime.fromisoformat(kept["checked_at"])
        states = [_state(state) for state in kept["file_states"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (at, states) if at.tzinfo is not None else None


def _state(recorded: Any) -> FileState:
    return tuple(tuple(f) if f is not None else None for f in recorded)


def _remember(path: Path, states: list[FileState], at: datetime) -> None:
    """Keep the record, replaced atomically but not synced: after a power cut a lost or stale
    record only means the next answer checks in full."""
    file = path.parent / CHECKED_FILE
    temporary = file.with_name(f".{CHECKED_FILE}.{secrets.token_hex(4)}")  # threads share a pid
    record = {"checked_at": at.isoformat(), "file_states": states}
    try:  # a reader who may not write the folder checks each time
        temporary.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temporary, file)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
