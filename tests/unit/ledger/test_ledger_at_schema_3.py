"""Specification: a ledger written before the ledger became a package opens, reads and takes new
writes unchanged — same tables, same schema version, same facts.

The ledger file is built from `ledger_at_schema_3.sql`: the schema-3 DDL frozen verbatim, and the
rows that code wrote through a roll's whole life, its events as prose (which read back verbatim).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.core.events import RECORDED_TEXT, EventKind, Severity
from rollkeeper.core.lifecycle import CopyState, RollState, UploadStage
from rollkeeper.ledger.store import LEDGER_FILE, MIGRATIONS, Ledger

from tests.unit.ledger.records import seen, store_roll

FROZEN = Path(__file__).with_name("ledger_at_schema_3.sql")
SCHEMA_3 = 3
ROLL = "20261121/Camera_Media/A001R1AB"
OTHER = "20261121/Camera_Media/B002R3CD"
RAID, SHUTTLE = 1, 2

Schema = set[tuple[str, str, str, str | None]]


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    """The ledger file as the schema-3 code left it."""
    path = tmp_path / LEDGER_FILE
    raw = sqlite3.connect(path)
    try:
        raw.executescript(FROZEN.read_text(encoding="utf-8"))
    finally:
        raw.close()
    return path


@pytest.fixture
def reopened(old_file: Path) -> Iterator[Ledger]:
    opened = Ledger(old_file)
    yield opened
    opened.close()


def schema_of(db: sqlite3.Connection) -> Schema:
    rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
    return {(str(t), str(n), str(tbl), sql) for t, n, tbl, sql in rows}


def frozen_schema(path: Path) -> Schema:
    raw = sqlite3.connect(path)
    try:
        return schema_of(raw)
    finally:
        raw.close()


def test_a_new_ledger_has_the_frozen_schema_and_only_adds_to_it(
    tmp_path: Path, old_file: Path
) -> None:
    fresh = Ledger(tmp_path / "fresh" / LEDGER_FILE)
    try:
        assert frozen_schema(old_file) <= schema_of(fresh.db)
        assert fresh.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    finally:
        fresh.close()


def test_opening_the_old_ledger_keeps_its_schema_and_applies_only_later_migrations(
    old_file: Path,
) -> None:
    before = frozen_schema(old_file)
    opened = Ledger(old_file)
    try:
        assert before <= schema_of(opened.db)
        assert len(MIGRATIONS) >= SCHEMA_3
        assert opened.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    finally:
        opened.close()


def test_the_old_ledger_opens_read_only_too_once_upgraded(old_file: Path) -> None:
    Ledger(old_file).close()  # the daemon's first start upgrades it
    reader = Ledger(old_file, readonly=True)
    try:
        assert [v.label for v in reader.volumes()] == ["RAID_A", "SHUTTLE_03"]
    finally:
        reader.close()


def test_the_old_ledgers_volumes_read_back(reopened: Ledger) -> None:
    raid, shuttle = reopened.volumes()
    assert (raid.id, raid.label, raid.role, raid.fs_uuid, raid.mounted) == (
        RAID, "RAID_A", "raid", "UUID-RAID-A", True,
    )  # fmt: skip
    assert raid.scan_problems == ["20261121/Stray: not a roll folder"]
    assert raid.unaccounted == ["20261121/notes.txt"]
    assert (shuttle.label, shuttle.subpath, shuttle.mounted) == ("SHUTTLE_03", "DIT", False)
    assert reopened.find_volume(label="SHUTTLE_03", fs_uuid="", subpath="DIT") == shuttle


def test_the_old_ledgers_rolls_and_copies_read_back(reopened: Ledger) -> None:
    assert [(r.id, r.state, r.camera_format) for r in reopened.rolls()] == [
        (ROLL, RollState.ARCHIVED.value, "arri"),
        (OTHER, RollState.DISCOVERED.value, None),
    ]
    assert [(c.roll_id, c.volume_id, c.state) for c in reopened.copies()] == [
        (ROLL, RAID, CopyState.VERIFIED),
        (ROLL, SHUTTLE, CopyState.VERIFIED),
        (OTHER, RAID, CopyState.SETTLING),
    ]
    assert [c.roll_id for c in reopened.copies_waiting()] == [OTHER]


def test_the_old_ledgers_verification_evidence_reads_back(reopened: Ledger) -> None:
    first, second = reopened.verified_files(ROLL, SHUTTLE)
    assert (first.path, first.size, first.expected, first.status) == (
        "A001C001.mov", 1000, {"xxh64": "0123456789abcdef"}, "ok",
    )  # fmt: skip
    assert second.verified == {"md5": "d41d8cd98f00b204e9800998ecf8427e"}
    assert [(f.path, f.mtime_ns, f.inode) for f in reopened.file_identities(ROLL, RAID)] == [
        ("A001C001.mov", 1_800_000_000_000_000_000, 42),
        ("A001C002.mov", 1_800_000_000_000_000_001, 43),
    ]


def test_the_old_ledgers_uploads_read_back(reopened: Ledger) -> None:
    upload = reopened.roll_upload(ROLL)
    assert upload is not None
    assert (upload.state, upload.bytes_done, upload.manifest_key) == (
        UploadStage.UPLOADED.value, 3000, "show/20261121/A001R1AB.mhl",
    )  # fmt: skip
    stored = reopened.file_uploads(ROLL)["A001C001.mov"]
    assert (stored.key, stored.checksum_algorithm, stored.version_id, stored.proof) == (
        "show/20261121/A001C001.mov", "CRC64NVME", "v1", "checksum",
    )  # fmt: skip
    assert [o.key for o in reopened.stored_objects(ROLL)] == [
        "show/20261121/A001C001.mov",
        "show/20261121/A001C002.mov",
    ]


def test_the_old_ledgers_unfinished_multipart_upload_resumes(reopened: Ledger) -> None:
    checkpoint = reopened.checkpoint_of(OTHER, "B002C001.mov")
    assert checkpoint is not None
    assert (checkpoint.upload_id, checkpoint.part_size) == ("upload-2", 1000)
    assert [(p.number, p.etag) for p in checkpoint.parts] == [(1, '"etag-b1"'), (2, '"etag-b2"')]
    assert reopened.open_upload_ids() == {"upload-2"}


def test_the_old_ledgers_archive_check_and_clearance_read_back(reopened: Ledger) -> None:
    check = reopened.archive_check(ROLL)
    assert check is not None
    assert (check.state, check.provider, check.next_check_at) == (
        "archived", "glacier", "2026-11-29T00:00:00+00:00",
    )  # fmt: skip
    clearance = reopened.last_drive_clearance(SHUTTLE)
    assert clearance is not None
    assert (clearance.clear, clearance.level) == (True, "archived")
    assert reopened.archive_due("9999-01-01T00:00:00+00:00") == []


def test_the_old_ledgers_events_read_back(reopened: Ledger) -> None:
    events = reopened.events()
    assert len(events) == 21
    assert [e.kind for e in events[-3:]] == ["clearance_granted", "volume_unmounted", "note"]
    assert json.loads(events[-1].data) == {"n": 1}
    assert [e.kind for e in reopened.events(roll_id=OTHER)] == ["copy_discovered"]


def test_the_old_ledger_takes_a_new_rolls_whole_life(reopened: Ledger) -> None:
    roll_id = "20261122/Camera_Media/C003R5EF"
    copy = reopened.observe_copy(seen(RAID, "fp-3", roll_id=roll_id))
    assert copy.state is CopyState.SETTLING
    state = store_roll(reopened, RAID, roll_id=roll_id, clip="C003C001.mov")
    assert state is RollState.UPLOADED
    assert reopened.archive_due("9999-01-01T00:00:00+00:00")[0].roll_id == roll_id
    assert reopened.events()[-1].id > 21


def test_the_old_ledgers_outbox_takes_new_announcements_after_its_own(reopened: Ledger) -> None:
    reopened.record_archive_check(
        OTHER, provider="glacier", state="failed", reasons=["no restore"], objects={},
        next_check_at="2026-11-23T00:00:00+00:00", overdue=False,
    )  # fmt: skip
    (alarm,) = reopened.events(since_id=21)
    outbox = reopened.db.execute("SELECT event_id FROM outbox ORDER BY id").fetchall()
    assert [row[0] for row in outbox] == [14, 16, 17, 19, alarm.id]


def test_the_old_ledger_is_consistent_after_new_writes(reopened: Ledger) -> None:
    reopened.checkpoint_forget(OTHER, "B002C001.mov")
    reopened.observe_copy(seen(SHUTTLE, "fp-2", roll_id=OTHER))
    reopened.volume_unmounted(RAID)
    assert [tuple(r) for r in reopened.db.execute("PRAGMA integrity_check")] == [("ok",)]
    assert reopened.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_old_ledgers_events_read_back_in_the_words_they_were_written(
    reopened: Ledger, old_file: Path
) -> None:
    raw = sqlite3.connect(old_file)
    try:
        written = [row[0] for row in raw.execute("SELECT message FROM events ORDER BY id")]
    finally:
        raw.close()
    assert [e.message for e in reopened.events()] == written
    upload_done = reopened.events()[13]
    assert upload_done.message == "RAID_A: uploaded roll 20261121/Camera_Media/A001R1AB"


def test_the_old_ledgers_events_read_back_typed_with_their_sentence_as_a_fact(
    reopened: Ledger,
) -> None:
    first = reopened.events()[0].event
    assert first is not None
    assert (first.kind, first.severity, first.volume_id) == (
        EventKind.VOLUME_MOUNTED, Severity.INFO, RAID,
    )  # fmt: skip
    assert first.facts == {RECORDED_TEXT: "RAID_A (raid) mounted at /Volumes/RAID_A"}
    roll_state = reopened.events()[7].event
    assert roll_state is not None
    assert roll_state.facts["to"] == "verifying"


def test_the_old_ledgers_event_of_a_kind_unknown_today_reads_back_untyped(
    reopened: Ledger,
) -> None:
    note = reopened.events()[-1]
    assert (note.kind, note.message, note.event) == ("note", "written by today's code", None)


def test_the_old_ledger_takes_new_events_as_facts_beside_its_prose(reopened: Ledger) -> None:
    reopened.volume_unmounted(RAID)
    (new,) = reopened.events(since_id=21)
    assert new.message == "RAID_A is no longer mounted"
    stored = reopened.db.execute("SELECT message, data FROM events WHERE id = ?", (new.id,))
    assert tuple(stored.fetchone()) == ("", '{"label": "RAID_A"}')
