"""Specification: the evidence a roll's clearance is judged from (`reports.evidence`), as the
ledger recorded it: a file not stored yet is "not yet", never "stored with a wrong checksum"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.core import happened
from rollkeeper.core.clearance import judge_roll
from rollkeeper.core.lifecycle import CopyState, UploadStage
from rollkeeper.ledger.rows import FileUpload, FinishedTransfer, VerifiedFile
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.evidence import Rechecks, as_recorded, roll_evidence

from tests.unit.ledger.records import CLIP, ROLL_ID, seen, started


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = Ledger.in_state_dir(tmp_path / "state")
    yield opened
    opened.close()


def uploaded_as(ledger: Ledger, state: str, stage: UploadStage) -> None:
    """The roll's one clip verified on RAID_A, its upload ending in `state`."""
    volume_id = ledger.volume_mounted(
        label="RAID_A", role="raid", fs_uuid="UUID-A", subpath="", mount_path="/Volumes/RAID_A"
    ).id
    ledger.observe_copy(seen(volume_id))
    ledger.set_copy_state(
        ROLL_ID, volume_id, CopyState.VERIFYING, event=started(volume_id, uploading=True)
    )
    ledger.upload_started(ROLL_ID, volume_id, target="fs", key_prefix="p/", bytes_total=3)
    finished = FinishedTransfer(
        copy_state=CopyState.VERIFIED,
        evidence=[VerifiedFile(CLIP, 3, {"xxh64": "ab"}, "ok", {"xxh64": "ab"}, 7, 9)],
        uploads=[FileUpload(CLIP, f"p/{CLIP}", 3, state, xxh64="ab")],
        stage=stage,
        manifest_key=None,
        problems=[],
    )
    told = happened.upload_failed(
        ROLL_ID, volume_id, stage=stage, label="RAID_A", manifest=None, problems=[],
        upload_problems=["the target is gone"],
    )  # fmt: skip
    ledger.record_transfer(ROLL_ID, volume_id, finished, event=told)


def stored_proven(ledger: Ledger) -> bool | None:
    evidence = roll_evidence(
        ledger, ROLL_ID, archive_provider="none", rechecks=Rechecks(objects=as_recorded)
    )
    (file,) = evidence.files
    return file.stored_proven


@pytest.mark.parametrize("state", ["failed", "uploading"])
def test_a_file_whose_upload_has_not_stored_it_yet_is_not_yet_proven(
    ledger: Ledger, state: str
) -> None:
    uploaded_as(ledger, state, UploadStage.UPLOAD_FAILED)

    assert stored_proven(ledger) is None
    reasons = judge_roll(
        roll_evidence(
            ledger, ROLL_ID, archive_provider="none", rechecks=Rechecks(objects=as_recorded)
        )
    ).reasons
    assert f"{ROLL_ID}: {CLIP} not yet uploaded and proven in storage" in reasons
    assert not any("checksum that does not match" in r for r in reasons)


def test_a_file_whose_key_holds_other_content_is_not_proven(ledger: Ledger) -> None:
    uploaded_as(ledger, "conflict", UploadStage.CONFLICT)
    assert stored_proven(ledger) is False
