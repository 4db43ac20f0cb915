"""What the ledger hands out: its own frozen records, with the values recorded; and no room but
the ledger touches SQLite."""

from __future__ import annotations

import ast
import json
from dataclasses import FrozenInstanceError, asdict
from pathlib import Path

import pytest
import rollkeeper
from rollkeeper.core import happened
from rollkeeper.core.lifecycle import CopyState, UploadStage
from rollkeeper.ledger.rows import (
    ArchiveCheck,
    ArchiveDue,
    CopyRow,
    DriveClearance,
    FileIdentity,
    FileUpload,
    MultipartCheckpoint,
    PartRecord,
    RecordedEvent,
    RollRecord,
    RollUpload,
    StoredObjectRecord,
    VerifiedFile,
    VolumeRow,
)
from rollkeeper.ledger.store import Ledger

from tests.unit.ledger.records import CLIP, ROLL_ID, seen, store_roll

FOLDER = "20261121/Camera_Media/A001R1AB"
FAR = "9999-01-01T00:00:00+00:00"


def mounted(ledger: Ledger) -> int:
    volume = ledger.volume_mounted(
        label="RAID_A", role="raid", fs_uuid="UUID-A", subpath="", mount_path="/Volumes/RAID_A"
    )
    ledger.observe_copy(seen(volume.id, folder=FOLDER, camera_format="arri"))
    return volume.id


def verified(ledger: Ledger) -> int:
    volume_id = mounted(ledger)
    store_roll(ledger, volume_id)
    return volume_id


def test_volume_is_a_volume_row(ledger: Ledger) -> None:
    volume_id = mounted(ledger)
    volume = ledger.volume(volume_id)
    assert isinstance(volume, VolumeRow)
    assert (volume.label, volume.role, volume.fs_uuid, volume.mounted) == (
        "RAID_A", "raid", "UUID-A", True,
    )  # fmt: skip
    assert volume.mount_path == "/Volumes/RAID_A"


def test_copy_is_a_copy_row(ledger: Ledger) -> None:
    volume_id = mounted(ledger)
    copy = ledger.copy(ROLL_ID, volume_id)
    assert isinstance(copy, CopyRow)
    assert (copy.folder, copy.mhl_fingerprint, copy.state) == (FOLDER, "fp-1", CopyState.SETTLING)


def test_events_are_recorded_events(ledger: Ledger) -> None:
    ledger.record(happened.archive_failed(ROLL_ID, provider="glacier", reasons=["no restore"]))
    (event,) = ledger.events()
    sentence = f"ARCHIVE FAILED: roll {ROLL_ID} (glacier): no restore"
    assert isinstance(event, RecordedEvent)
    assert (event.kind, event.message, event.severity, event.roll_id) == (
        "archive_failed", sentence, "alarm", ROLL_ID,
    )  # fmt: skip
    assert json.loads(event.data) == {"provider": "glacier", "reasons": ["no restore"]}
    assert asdict(event)["message"] == sentence
    with pytest.raises(FrozenInstanceError):
        event.message = "changed"  # type: ignore[misc]


def test_roll_and_rolls_are_roll_records(ledger: Ledger) -> None:
    mounted(ledger)
    roll = ledger.roll(ROLL_ID)
    assert isinstance(roll, RollRecord)
    assert (roll.id, roll.shoot_day, roll.media_type, roll.roll, roll.camera_format) == (
        ROLL_ID, "20261121", "Camera_Media", "A001R1AB", "arri",
    )  # fmt: skip
    assert ledger.rolls() == [roll]
    assert ledger.roll("nope") is None


def test_roll_upload_is_a_roll_upload(ledger: Ledger) -> None:
    volume_id = verified(ledger)
    upload = ledger.roll_upload(ROLL_ID)
    assert isinstance(upload, RollUpload)
    assert (upload.state, upload.volume_id, upload.target, upload.key_prefix) == (
        UploadStage.UPLOADED.value, volume_id, "fs", "p/",
    )  # fmt: skip
    assert (upload.manifest_key, upload.bytes_total, upload.bytes_done) == ("p/manifest", 3, 3)
    assert upload.attempts == 1
    assert ledger.roll_upload("nope") is None


def test_file_uploads_verified_files_and_identities(ledger: Ledger) -> None:
    volume_id = verified(ledger)
    upload = ledger.file_uploads(ROLL_ID)[CLIP]
    assert isinstance(upload, FileUpload)
    assert (upload.key, upload.size, upload.state, upload.xxh64) == (f"p/{CLIP}", 3, "stored", "ab")
    (evidence,) = ledger.verified_files(ROLL_ID, volume_id)
    assert evidence == VerifiedFile(CLIP, 3, {"xxh64": "ab"}, "ok", {"xxh64": "ab"}, 7, 9)
    assert ledger.file_identities(ROLL_ID, volume_id) == [FileIdentity(CLIP, 3, 7, 9, "ok")]


def test_checkpoint_of_is_a_multipart_checkpoint(ledger: Ledger) -> None:
    mounted(ledger)
    ledger.checkpoint_started(ROLL_ID, CLIP, f"p/{CLIP}", 10, "up-1", 5)
    ledger.checkpoint_part(ROLL_ID, CLIP, "up-1", 2, 5, "etag-2", None)
    ledger.checkpoint_part(ROLL_ID, CLIP, "up-1", 1, 5, "etag-1", "sum-1")
    assert ledger.checkpoint_of(ROLL_ID, CLIP) == MultipartCheckpoint(
        "up-1", 5, (PartRecord(1, 5, "etag-1", "sum-1"), PartRecord(2, 5, "etag-2", None))
    )
    assert ledger.checkpoint_of(ROLL_ID, "other.mov") is None


def test_archive_due_and_stored_objects(ledger: Ledger) -> None:
    verified(ledger)
    (due,) = ledger.archive_due(FAR)
    assert isinstance(due, ArchiveDue)
    assert (due.roll_id, due.shoot_day, due.media_type, due.roll) == (
        ROLL_ID, "20261121", "Camera_Media", "A001R1AB",
    )  # fmt: skip
    assert due.finished_at == ledger.roll_upload(ROLL_ID).finished_at  # type: ignore[union-attr]
    assert ledger.stored_objects(ROLL_ID) == [StoredObjectRecord(CLIP, f"p/{CLIP}", 3, "c", "ab")]


def test_archive_check_is_an_archive_check(ledger: Ledger) -> None:
    verified(ledger)
    ledger.record_archive_check(
        ROLL_ID, provider="glacier", state="pending", reasons=["not yet"],
        objects={f"p/{CLIP}": "pending"}, next_check_at=FAR, overdue=False,
    )  # fmt: skip
    check = ledger.archive_check(ROLL_ID)
    assert isinstance(check, ArchiveCheck)
    assert (check.state, check.provider, check.next_check_at, check.archived_at) == (
        "pending", "glacier", FAR, None,
    )  # fmt: skip
    assert json.loads(check.reasons) == ["not yet"]
    assert json.loads(check.objects) == {f"p/{CLIP}": "pending"}
    assert ledger.archive_check("nope") is None


def test_last_drive_clearance_is_a_drive_clearance(ledger: Ledger) -> None:
    volume_id = mounted(ledger)
    assert ledger.last_drive_clearance(volume_id) is None
    for clear, level in ((False, "none"), (True, "raid")):
        ledger.record_clearance(
            volume_id=volume_id, clear=clear, level=level, verdict={"blocking": []},
            evidence={"rolls": 1},
        )  # fmt: skip
    last = ledger.last_drive_clearance(volume_id)
    assert isinstance(last, DriveClearance)
    assert (last.volume_id, last.clear, last.level) == (volume_id, True, "raid")
    assert json.loads(last.verdict) == {"blocking": []}
    assert json.loads(last.evidence) == {"rolls": 1}


def test_no_room_but_the_ledger_imports_sqlite3() -> None:
    package = Path(rollkeeper.__file__).parent
    offenders: list[str] = []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] == "ledger":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            if any(name.split(".")[0] == "sqlite3" for name in names):
                offenders.append(str(path.relative_to(package)))
    assert offenders == []
