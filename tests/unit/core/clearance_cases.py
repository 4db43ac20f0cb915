"""Clearance evidence builders: everything proven, then each test takes one fact away."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from rollkeeper.core.clearance import (
    CopyFileEvidence,
    DriveEvidence,
    DriveVerdict,
    FileEvidence,
    Policy,
    RollEvidence,
    RollOnDrive,
)
from rollkeeper.core.lifecycle import CopyState, RollState

CLEARABLE = (RollState.UPLOADED.value, RollState.ARCHIVED.value)
CARD_FACTS = ("verified", "stored_proven", "source_unchanged", "object_present")
COPY_FACTS = ("verified", "unchanged")
LENIENT_ARCHIVE = Policy(archive_required_for_raid=False)


def proven_file(path: str = "Clips/C001.mov", **facts: Any) -> FileEvidence:
    base = FileEvidence(
        path=path,
        listed_in_mhl=True,
        hidden=False,
        verified=True,
        stored_proven=True,
        archived=True,
        source_unchanged=True,
        object_present=True,
    )
    return replace(base, **facts)


def proven_roll(roll_id: str = "A001R1AB", *files: FileEvidence, **fields: Any) -> RollEvidence:
    base = RollEvidence(
        roll_id=roll_id,
        state=RollState.UPLOADED.value,
        problems=(),
        files=files or (proven_file("Clips/C001.mov"), proven_file("Clips/C002.mov")),
        manifest_written=True,
        archive="archived",
        onset_copies=3,
    )
    return replace(base, **fields)


def proven_copy_file(path: str, **facts: Any) -> CopyFileEvidence:
    base = CopyFileEvidence(
        path=path, listed_in_mhl=True, hidden=False, verified=True, unchanged=True
    )
    return replace(base, **facts)


def on_drive(roll: RollEvidence, **fields: Any) -> RollOnDrive:
    base = RollOnDrive(
        roll=roll,
        copy_state=CopyState.VERIFIED.value,
        extras=(),
        copy_files=tuple(proven_copy_file(f.path) for f in roll.files if f.listed_in_mhl),
        same_content=True,
        content_drive="RAID_A",
    )
    return replace(base, **fields)


def proven_drive(
    label: str = "SHUTTLE_01", role: str = "rotation", *rolls: RollOnDrive, **fields: Any
) -> DriveEvidence:
    base = DriveEvidence(
        label=label,
        role=cast(Any, role),
        volume_id=7,
        mounted=True,
        fully_scanned=True,
        problems=(),
        unaccounted=(),
        rolls=rolls or (on_drive(proven_roll("A001R1AB")), on_drive(proven_roll("B001R2CD"))),
    )
    return replace(base, **fields)


def reasons_of(verdict: DriveVerdict) -> list[str]:
    return [b.reason for b in verdict.blocking]
