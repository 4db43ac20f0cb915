"""Gathering clearance evidence: what the ledger recorded, re-checked against the world.

`core.clearance` judges; this module only collects facts. A fact that was not (re-)checked is
`None`, which the judge treats as not proven. Re-checks are what make an announced clearance
safe: the source files on the drive are stat'ed again (size, mtime, inode as when verified) and
the stored objects are looked up again (present, same size and checksum).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rollkeeper.core.clearance import (
    ArchiveStatus,
    CopyFileEvidence,
    DriveEvidence,
    FileEvidence,
    RollEvidence,
    RollOnDrive,
)
from rollkeeper.core.lifecycle import FAILED_COPY_STATES, CopyState
from rollkeeper.ledger.rows import FileIdentity, FileUpload, VolumeRow
from rollkeeper.ledger.store import Ledger
from rollkeeper.mhl.verify import FileStatus

ObjectCheck = Callable[[FileUpload], bool | None]  # None: the storage cannot be checked


@dataclass(frozen=True, slots=True)
class Rechecks:
    """Which live re-checks to make. Without them the facts they prove stay unknown (None)."""

    sources: bool = True  # stat the files on mounted drives
    objects: ObjectCheck | None = None  # look each stored object up again


def as_recorded(upload: FileUpload) -> bool:
    """The preliminary judgement takes a proven upload as still present; an announced
    clearance never does (it is judged again with a live object check)."""
    return upload.state == "stored"


def _unchanged(root: str | None, record: FileIdentity) -> bool | None:
    """Is the file on disk as it was verified? None when the drive is not here to ask."""
    if root is None or record.mtime_ns is None or record.inode is None:
        return None
    try:
        info = os.stat(f"{root}/{record.path}")
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns, info.st_ino) == (
        record.size,
        record.mtime_ns,
        record.inode,
    )


_EXTRA = FileStatus.EXTRA.value
_IGNORED = FileStatus.IGNORED.value
_OK = FileStatus.OK.value


def _listed(record: FileIdentity) -> bool:
    return record.status != _EXTRA


def _hidden(record: FileIdentity) -> bool:
    return record.status == _IGNORED


_ARCHIVE_STATES: dict[str, ArchiveStatus] = {
    "pending": "pending",
    "archived": "archived",
    "failed": "failed",
}


def _archive_status(
    ledger: Ledger, roll_id: str, provider: str
) -> tuple[ArchiveStatus, dict[str, str]]:
    if provider == "none":
        return "none", {}
    row = ledger.archive_check(roll_id)
    if row is None:
        return "unknown", {}
    objects: dict[str, str] = json.loads(row.objects)
    return _ARCHIVE_STATES.get(row.state, "unknown"), objects


def _copy_root(ledger: Ledger, volume_id: int | None, folder: str | None) -> str | None:
    if volume_id is None or folder is None:
        return None
    volume = ledger.volume(volume_id)
    if volume is None or not volume.mounted or not volume.mount_path:
        return None
    return os.path.join(volume.mount_path, folder)


def roll_evidence(
    ledger: Ledger, roll_id: str, *, archive_provider: str, rechecks: Rechecks
) -> RollEvidence:
    """Everything proven about one roll: its upload copy's verification, the stored objects,
    their archive, and the re-checks asked for."""
    roll = ledger.roll(roll_id)
    copies = ledger.copies(roll_id=roll_id)
    upload = ledger.roll_upload(roll_id)
    uploads = ledger.file_uploads(roll_id)
    archive, archived_objects = _archive_status(ledger, roll_id, archive_provider)
    source_volume = upload.volume_id if upload is not None else None
    source_copy = next((c for c in copies if c.volume_id == source_volume), None)
    records = ledger.file_identities(roll_id, source_volume) if source_volume is not None else []
    root = (
        _copy_root(ledger, source_volume, source_copy.folder if source_copy else None)
        if rechecks.sources
        else None
    )
    source_still_verified = source_copy is not None and source_copy.state is CopyState.VERIFIED
    files = []
    for record in records:
        stored = uploads.get(record.path)
        live = _unchanged(root, record)
        files.append(
            FileEvidence(
                path=record.path,
                listed_in_mhl=_listed(record),
                hidden=_hidden(record),
                verified=record.status == _OK,
                stored_proven=_stored_proven(stored),
                archived=(archived_objects.get(stored.key) == "archived") if stored else None,
                # The daemon marks a changed copy stale; a live stat is better when possible.
                source_unchanged=live
                if live is not None
                else (True if source_still_verified else None),
                object_present=(
                    rechecks.objects(stored) if rechecks.objects and stored is not None else None
                ),
            )
        )
    problems = tuple(p for c in copies if c.state in FAILED_COPY_STATES for p in c.problems)
    return RollEvidence(
        roll_id=roll_id,
        state=str(roll.state) if roll is not None else "unknown",
        problems=problems,
        files=tuple(files),
        manifest_written=bool(upload is not None and upload.manifest_key),
        archive=archive,
        onset_copies=sum(1 for c in copies if c.state is CopyState.VERIFIED),
    )


def drive_evidence(
    ledger: Ledger, volume: VolumeRow, *, archive_provider: str, rechecks: Rechecks
) -> DriveEvidence:
    """Everything on one drive, each roll folder on it judged by its own copy's evidence."""
    mount = volume.mount_path if volume.mounted and volume.mount_path else None
    rolls = []
    for copy in ledger.copies(volume_id=volume.id):
        if copy.state is CopyState.GONE:
            continue
        records = ledger.file_identities(copy.roll_id, volume.id)
        root = os.path.join(mount, copy.folder) if mount is not None and rechecks.sources else None
        rolls.append(
            RollOnDrive(
                roll=roll_evidence(
                    ledger, copy.roll_id, archive_provider=archive_provider, rechecks=rechecks
                ),
                copy_state=copy.state.value,
                extras=tuple(r.path for r in records if not _listed(r)),
                copy_files=tuple(
                    CopyFileEvidence(
                        path=r.path,
                        listed_in_mhl=_listed(r),
                        hidden=_hidden(r),
                        verified=r.status == _OK,
                        unchanged=_unchanged(root, r),
                    )
                    for r in records
                ),
            )
        )
    return DriveEvidence(
        label=volume.label,
        role="raid" if volume.role == "raid" else "rotation",
        volume_id=volume.id,
        mounted=volume.mounted,
        fully_scanned=volume.mounted and volume.last_full_scan is not None,
        problems=tuple(p for p in volume.scan_problems if not p.startswith("warning:")),
        unaccounted=tuple(volume.unaccounted),
        rolls=tuple(rolls),
    )


#: Upload states in which a file is simply not stored yet (still going, or to be retried).
_NOT_YET_STORED = frozenset({"uploading", "failed"})


def _stored_proven(stored: FileUpload | None) -> bool | None:
    """True: stored and proven; None: not stored yet; False: stored (or found) without proof."""
    if stored is None or stored.state in _NOT_YET_STORED:
        return None
    return stored.state == "stored" and bool(stored.proof)


def as_json(value: Any) -> Any:
    """Evidence and verdict dataclasses as plain JSON data (for the audit trail)."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: as_json(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, tuple | list):
        return [as_json(v) for v in value]
    return value
