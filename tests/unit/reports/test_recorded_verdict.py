"""Specification: a roll's verdict, kept by the daemon for `status` (`reports.recorded_verdict`,
`ledger.roll_verdicts`), is always the verdict a fresh judgment of the ledger gives.

The ledger drops a kept verdict when any row it was drawn from changes (its triggers). Rather
than list the changes that matter, every column of every table a verdict reads is changed in
turn, on one roll, to every other value that column holds on the ledger (and to NULL): after
each change, every verdict still kept must be what judging afresh gives. And no change to any
other table may change a verdict: those six are all it is drawn from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.ledger.store import Ledger
from rollkeeper.ledger.unusable import LedgerUnusable
from rollkeeper.reports.recorded_verdict import (
    recorded_clearance,
    recorded_clearances,
    recorded_judge,
)

from tests.unit.reports.status_ledger import fill, keep_every_verdict, roll_id

#: The tables a roll's verdict is drawn from, with the column naming the roll.
VERDICT_TABLES = {
    "rolls": "id",
    "roll_copies": "roll_id",
    "files": "roll_id",
    "roll_uploads": "roll_id",
    "uploads": "roll_id",
    "archive_checks": "roll_id",
}
ROLLS = 12


def _proven(ledger: Ledger, index: int, *, archived: bool) -> None:
    """Make roll `index` proven: its copies verified (holding its content), its files stored
    with proof and its manifest written; with `archived`, its archive copy too (so its RAIDs
    may be erased)."""
    rid, db = roll_id(index), ledger.db
    db.execute(
        "UPDATE rolls SET state = ?, content_fingerprint = 'fp-' || id WHERE id = ?",
        ("archived" if archived else "uploaded", rid),
    )
    db.execute(
        "UPDATE roll_copies SET state = 'verified', problems = '[]', "
        "mhl_fingerprint = 'fp-' || roll_id WHERE roll_id = ?",
        (rid,),
    )
    db.execute("UPDATE files SET status = 'ok' WHERE roll_id = ? AND path LIKE 'C%'", (rid,))
    db.execute(
        "UPDATE roll_uploads SET state = 'uploaded', manifest_key = roll_id || '/m.json' "
        "WHERE roll_id = ?",
        (rid,),
    )
    db.execute(
        "UPDATE uploads SET state = 'stored', proof = 'crc64nvme equal' WHERE roll_id = ?", (rid,)
    )
    db.execute(
        "UPDATE archive_checks SET state = ?, objects = ? WHERE roll_id = ?",
        ("archived" if archived else "pending",
         json.dumps({f"{rid}/{p}": "archived" if archived else "pending"
                     for p in ("C001.mov", "C002.mov")}), rid),
    )  # fmt: skip


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    """The status ledger, with rolls whose cards may be erased and rolls whose RAIDs may be
    too, beside those that may not: a change can only be seen to matter where it turns one
    verdict into another."""
    opened = Ledger.in_state_dir(tmp_path)
    with opened.transaction():
        fill(opened, rolls=ROLLS)
        for index, archived in ((0, True), (8, False)):
            _proven(opened, index, archived=archived)
        opened.db.execute(
            "UPDATE roll_uploads SET objects_check_error = 'the bucket answered AccessDenied' "
            "WHERE roll_id = ?",
            (roll_id(3),),
        )
    verdicts = recorded_clearances(opened, [roll_id(i) for i in range(ROLLS)], "s3-copy")
    assert {(v["cards_clear"], v["raid_clear"]) for v in verdicts.values()} == {
        (False, False),
        (True, False),
        (True, True),
    }
    yield opened
    opened.close()


def _columns(ledger: Ledger, table: str) -> list[str]:
    return [str(row[1]) for row in ledger.db.execute(f"PRAGMA table_info({table})")]


def _values(ledger: Ledger, table: str, column: str) -> list[object]:
    rows = ledger.db.execute(f"SELECT DISTINCT {column} FROM {table}")  # noqa: S608
    return [None, *(row[0] for row in rows if row[0] is not None)]


def _stale(ledger: Ledger, provider: str, rolls: set[object]) -> list[str]:
    """The `rolls` whose kept verdict is not what judging them afresh gives."""
    kept = ledger.kept_roll_verdicts(recorded_judge(provider))
    return [
        r for r, v in kept.items() if r in rolls and v != recorded_clearance(ledger, r, provider)
    ]


def _changes(ledger: Ledger, table: str) -> Iterator[tuple[str, object]]:
    for column in _columns(ledger, table):
        for value in _values(ledger, table, column):
            yield column, value


@pytest.mark.parametrize("provider", ["none", "s3-copy"])
@pytest.mark.parametrize("table", sorted(VERDICT_TABLES))
def test_no_change_to_a_table_a_verdict_reads_leaves_a_kept_verdict_stale(
    ledger: Ledger, table: str, provider: str
) -> None:
    keep_every_verdict(ledger, provider)
    key = VERDICT_TABLES[table]
    stale: list[str] = []
    for index in range(ROLLS):
        for column, value in _changes(ledger, table):
            ledger.db.execute("SAVEPOINT change")
            try:
                ledger.db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {key} = ?",  # noqa: S608
                    (value, roll_id(index)),
                )
            except LedgerUnusable:
                pass  # a value the schema refuses here is no change
            else:
                # the rows changed are the roll's (and, with its key changed, another's)
                touched = {roll_id(index), value}
                stale += [
                    f"{table}.{column}={value!r}: {r}" for r in _stale(ledger, provider, touched)
                ]
            ledger.db.execute("ROLLBACK TO change")
            ledger.db.execute("RELEASE change")
    assert stale == []


def test_no_change_to_any_other_table_changes_a_verdict(ledger: Ledger) -> None:
    rolls = [roll_id(i) for i in range(ROLLS)]
    before = recorded_clearances(ledger, rolls, "s3-copy")
    tables = [
        str(row[0])
        for row in ledger.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if row[0] not in {*VERDICT_TABLES, "roll_verdicts", "sqlite_sequence"}
    ]
    changed: list[str] = []
    for table in tables:
        for column, value in _changes(ledger, table):
            ledger.db.execute("SAVEPOINT change")
            try:
                ledger.db.execute(f"UPDATE {table} SET {column} = ?", (value,))  # noqa: S608
            except LedgerUnusable:
                pass
            else:
                if recorded_clearances(ledger, rolls, "s3-copy") != before:
                    changed.append(f"{table}.{column}={value!r}")
            ledger.db.execute("ROLLBACK TO change")
            ledger.db.execute("RELEASE change")
    assert "volumes" in tables
    assert changed == []


@pytest.mark.parametrize("table", sorted(VERDICT_TABLES))
def test_a_row_removed_or_added_drops_the_verdict_of_its_roll_alone(
    ledger: Ledger, table: str
) -> None:
    keep_every_verdict(ledger, "s3-copy")
    judge, key, first = recorded_judge("s3-copy"), VERDICT_TABLES[table], roll_id(0)
    ledger.db.execute("PRAGMA foreign_keys = OFF")  # the roll's rows go, not its copies' files
    rows = [tuple(r) for r in ledger.db.execute(f"SELECT * FROM {table} WHERE {key} = ?", (first,))]  # noqa: S608
    ledger.db.execute(f"DELETE FROM {table} WHERE {key} = ?", (first,))  # noqa: S608
    after_removal = set(ledger.kept_roll_verdicts(judge))
    keep_every_verdict(ledger, "s3-copy")
    marks = ", ".join("?" * len(rows[0]))
    ledger.db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
    after_addition = set(ledger.kept_roll_verdicts(judge))

    assert after_removal == after_addition == {roll_id(i) for i in range(1, ROLLS)}


def test_checking_stored_objects_again_keeps_every_verdict(ledger: Ledger) -> None:
    keep_every_verdict(ledger, "s3-copy")
    judge = recorded_judge("s3-copy")
    before = ledger.kept_roll_verdicts(judge)

    ledger.db.execute("UPDATE uploads SET checked_at = '2026-11-21T11:00:00+00:00'")
    ledger.db.execute(
        "UPDATE roll_uploads SET objects_checked_at = '2026-11-21T11:00:00+00:00', "
        "objects_check_error = objects_check_error, bytes_done = bytes_total"
    )
    ledger.db.execute("UPDATE archive_checks SET checked_at = '2026-11-21T11:00:00+00:00'")

    assert ledger.kept_roll_verdicts(judge) == before


def test_a_verdict_kept_with_another_archive_provider_is_not_taken(ledger: Ledger) -> None:
    keep_every_verdict(ledger, "none")

    assert ledger.kept_roll_verdicts(recorded_judge("s3-copy")) == {}
    assert ledger.rolls_unjudged(recorded_judge("s3-copy"), limit=100) == sorted(
        roll_id(i) for i in range(ROLLS)
    )


def test_rolls_without_a_kept_verdict_are_judged_by_the_reader(ledger: Ledger) -> None:
    keep_every_verdict(ledger, "s3-copy")
    ledger.db.execute("DELETE FROM roll_verdicts WHERE roll_id = ?", (roll_id(0),))
    ledger.db.execute(
        "UPDATE roll_verdicts SET clearance = '{\"kept\": true}' WHERE roll_id = ?", (roll_id(1),)
    )

    found = recorded_clearances(ledger, [roll_id(0), roll_id(1)], "s3-copy")

    assert found == {
        roll_id(0): recorded_clearance(ledger, roll_id(0), "s3-copy"),
        roll_id(1): {"kept": True},
    }


def test_forgetting_drops_every_kept_verdict(ledger: Ledger) -> None:
    keep_every_verdict(ledger, "s3-copy")

    ledger.forget_roll_verdicts()

    assert ledger.kept_roll_verdicts(recorded_judge("s3-copy")) == {}
