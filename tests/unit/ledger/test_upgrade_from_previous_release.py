"""Specification: upgrading rollkeeper carries the ledger forward. A ledger written by the
previous release (the schema of its migrations only) opens with the current code, which appends
the migrations since; every row it held is still there, value for value, and reads back.

The old file is built with the first `count` scripts of `MIGRATIONS` — the previous release's
(`PREVIOUS_RELEASE`, the schema main had before issue 14) and older ones — and filled with the
rows that release wrote for a roll uploaded from a RAID and verified on a shuttle.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rollkeeper.core.lifecycle import CopyState, RollState
from rollkeeper.ledger.store import LEDGER_FILE, MIGRATIONS, Ledger

#: How many migration scripts the previous release had.
PREVIOUS_RELEASE = 8
ROLL = "20261121_Day01/Camera_Media/A001R1AB"
AT = "2026-11-21T08:00:00+00:00"
XXH = '{"xxh64": "0123456789abcdef"}'
#: Rows the old release wrote, by the schema version that brought their table.
ROWS: dict[str, tuple[int, list[tuple[Any, ...]]]] = {
    "volumes": (1, [
        (1, "RAID_A", "raid", "UUID-RAID-A", "", "/media/RAID_A", 1, AT, AT, AT, "[]"),
        (2, "SHUTTLE_01", "rotation", "UUID-SH-01", "", "/media/SHUTTLE_01", 0, AT, AT, AT, "[]"),
    ]),
    "rolls": (1, [
        (ROLL, "20261121_Day01", "Camera_Media", "A001R1AB", None, "uploaded", "fp-1", AT, AT),
    ]),
    "roll_copies": (1, [
        (ROLL, 1, ROLL, "fp-1", "verified", "[]", AT, AT, AT),
        (ROLL, 2, ROLL, "fp-1", "verified", "[]", AT, AT, AT),
    ]),
    "files": (1, [
        (ROLL, 1, "CLIPS/A001C001.mxf", 1000, XXH, "ok", XXH, 1_800_000_000_000_000_000, 42, AT),
        (ROLL, 2, "CLIPS/A001C001.mxf", 1000, XXH, "ok", XXH, 1_800_000_000_000_000_001, 7, AT),
    ]),
    "events": (1, [
        (1, AT, "copy_verified", "info", ROLL, 2, f"roll {ROLL} on SHUTTLE_01: verified", "{}"),
    ]),
    "roll_uploads": (2, [
        (ROLL, "uploaded", 1, "folder /mnt/nas", ROLL, f"{ROLL}/m.rollkeeper.json",
         1000, 1000, AT, AT, AT, 1, None, None),
    ]),
}  # fmt: skip


def _old_ledger(path: Path, count: int) -> dict[str, list[tuple[Any, ...]]]:
    """A ledger file at schema `count`, with the rows of the tables it has (their first columns,
    those of the table's first schema; columns added later keep their defaults); returns them."""
    raw = sqlite3.connect(path)
    try:
        for script in MIGRATIONS[:count]:
            raw.executescript(script)
        raw.execute(f"PRAGMA user_version = {count}")
        written = {}
        for table, (since, rows) in ROWS.items():
            if since <= count:
                columns = ", ".join(_columns(raw, table)[: len(rows[0])])
                marks = ", ".join("?" * len(rows[0]))
                raw.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
                written[table] = _table(raw, table, len(rows[0]))
        raw.commit()
        return written
    finally:
        raw.close()


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")]


def _table(db: sqlite3.Connection, table: str, width: int) -> list[tuple[Any, ...]]:
    """The table's rows, its first `width` columns (those the rows give), in rowid order."""
    columns = _columns(db, table)[:width]
    query = f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid"  # noqa: S608
    return [tuple(row) for row in db.execute(query)]


@pytest.fixture(params=[1, 2, 5, PREVIOUS_RELEASE], ids=lambda count: f"schema-{count}")
def upgraded(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Ledger, dict[str, Any]]:
    path = tmp_path / LEDGER_FILE
    written = _old_ledger(path, request.param)
    ledger = Ledger(path)
    request.addfinalizer(ledger.close)
    return ledger, written


def test_opening_an_old_ledger_brings_it_to_the_current_schema(
    upgraded: tuple[Ledger, dict[str, Any]],
) -> None:
    ledger, _written = upgraded
    assert ledger.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_every_row_the_old_release_wrote_is_kept_value_for_value(
    upgraded: tuple[Ledger, dict[str, Any]],
) -> None:
    ledger, written = upgraded
    for table, rows in written.items():
        assert _table(ledger.db, table, len(rows[0])) == rows, table


def test_the_old_rolls_drives_and_evidence_read_back_through_the_ledger(
    upgraded: tuple[Ledger, dict[str, Any]],
) -> None:
    ledger, _written = upgraded
    assert [(v.label, v.role, v.fs_uuid) for v in ledger.volumes()] == [
        ("RAID_A", "raid", "UUID-RAID-A"),
        ("SHUTTLE_01", "rotation", "UUID-SH-01"),
    ]
    assert [(r.id, r.state) for r in ledger.rolls()] == [(ROLL, RollState.UPLOADED.value)]
    assert [(c.volume_id, c.state) for c in ledger.copies(roll_id=ROLL)] == [
        (1, CopyState.VERIFIED),
        (2, CopyState.VERIFIED),
    ]
    (verified,) = ledger.verified_files(ROLL, 2)
    assert (verified.path, verified.size, verified.expected) == (
        "CLIPS/A001C001.mxf", 1000, {"xxh64": "0123456789abcdef"},
    )  # fmt: skip
    assert [event.kind for event in ledger.events(roll_id=ROLL)] == ["copy_verified"]


def test_an_upload_the_previous_release_finished_is_still_finished(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_FILE
    _old_ledger(path, PREVIOUS_RELEASE)
    ledger = Ledger(path)
    try:
        upload = ledger.roll_upload(ROLL)
        assert upload is not None
        assert (upload.state, upload.bytes_done, upload.manifest_key) == (
            "uploaded", 1000, f"{ROLL}/m.rollkeeper.json",
        )  # fmt: skip
    finally:
        ledger.close()
