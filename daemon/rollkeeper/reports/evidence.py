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
from rollkeeper.ledger.contents import RollContent
from rollkeeper.ledger.rows import CopyRow, FileIdentity, FileUpload, RollUpload, VolumeRow
from rollkeeper.ledger.store import Ledger
from rollkeeper.mhl.verify import FileStatus
from rollkeeper.reports.live_objects import LOST_STATES, LiveObjects

#: Is the stored object still there as uploaded? True, False (gone or changed) or None (not
#: known: storage could not be checked).
ObjectCheck = Callable[[FileUpload], bool | None]


@dataclass(frozen=True, slots=True)
class Rechecks:
    """Which live re-checks to make. Without them the facts they prove stay unknown (None)."""

    sources: bool = True  # stat the files on mounted drives
    objects: ObjectCheck | None = None  # look each stored object up again
    # take the last listing's "storage cannot be checked" as standing (a preliminary judgment
    # followed by a live look-up need not: the look-up finds out)
    storage_errors: bool = True


def as_recorded(upload: FileUpload) -> bool:
    """The preliminary judgement takes a proven upload as still present (as the last listing
    of storage left it); an announced clearance never does (it is judged again with a live
    object check, `reports.live_objects`)."""
    return upload.state == "stored"


def _object_facts(
    rechecks: Rechecks, upload: RollUpload | None
) -> tuple[Callable[[FileUpload], bool | None] | None, Callable[[], str | None]]:
    """How the roll's stored objects are checked, and then why storage could not be checked:
    what a live check met (which looks every object up while the last listing of the roll
    could not check storage), or else what that listing met."""
    check = rechecks.objects
    recorded = upload.objects_check_error if upload is not None else None
    if isinstance(check, LiveObjects):
        live = check

        def looked_up(stored: FileUpload) -> bool | None:
            return live(stored, distrust=recorded is not None)

        return looked_up, lambda: live.problem
    return check, lambda: recorded if rechecks.storage_errors else None


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


def _holding(copies: list[CopyRow], content: RollContent | None) -> list[CopyRow]:
    """The copies holding the roll's content: a copy with other content under the roll's name
    is not the roll (neither its problems nor its count are the roll's). A copy whose MHL did
    not read is kept: nothing says it is another roll."""
    if content is None:
        return copies
    return [c for c in copies if c.mhl_fingerprint in (None, content.fingerprint)]


@dataclass(frozen=True, slots=True)
class CopyLook:
    """One copy's file records and each file's live re-check, as its drive's judgment took
    them: a roll uploaded from the drive being judged is not read and stat'ed a second time."""

    volume_id: int
    records: list[FileIdentity]
    unchanged: dict[str, bool | None]


def _source_files(
    ledger: Ledger,
    roll_id: str,
    source: tuple[int | None, CopyRow | None],
    rechecks: Rechecks,
    seen: CopyLook | None,
) -> tuple[list[FileIdentity], Callable[[FileIdentity], bool | None]]:
    """The upload copy's file records (`source`: the volume uploaded from, and the copy there),
    and how each file is re-checked on its drive."""
    volume_id, copy = source
    if volume_id is None:
        return [], lambda record: None
    if seen is not None and seen.volume_id == volume_id:
        return seen.records, lambda record: seen.unchanged[record.path]
    records = ledger.file_identities(roll_id, volume_id)
    root = (
        _copy_root(ledger, volume_id, copy.folder if copy else None) if rechecks.sources else None
    )
    return records, lambda record: _unchanged(root, record)


def roll_evidence(
    ledger: Ledger,
    roll_id: str,
    *,
    archive_provider: str,
    rechecks: Rechecks,
    seen: CopyLook | None = None,
) -> RollEvidence:
    """Everything proven about one roll: its upload copy's verification, the stored objects,
    their archive, and the re-checks asked for (`seen`: a copy already looked at)."""
    roll = ledger.roll(roll_id)
    copies = ledger.copies(roll_id=roll_id)
    upload = ledger.roll_upload(roll_id)
    uploads = ledger.file_uploads(roll_id)
    archive, archived_objects = _archive_status(ledger, roll_id, archive_provider)
    content = ledger.roll_content(roll_id)
    source_volume = upload.volume_id if upload is not None else None
    source_copy = next((c for c in copies if c.volume_id == source_volume), None)
    records, unchanged = _source_files(
        ledger, roll_id, (source_volume, source_copy), rechecks, seen
    )
    source_still_verified = source_copy is not None and source_copy.state is CopyState.VERIFIED
    objects, storage_problem = _object_facts(rechecks, upload)
    files = []
    for record in records:
        stored = uploads.get(record.path)
        live = unchanged(record)
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
                object_present=objects(stored) if objects and stored is not None else None,
            )
        )
    held = _holding(copies, content)
    problems = tuple(p for c in held if c.state in FAILED_COPY_STATES for p in c.problems)
    return RollEvidence(
        roll_id=roll_id,
        state=str(roll.state) if roll is not None else "unknown",
        problems=problems,
        files=tuple(files),
        manifest_written=bool(upload is not None and upload.manifest_key),
        archive=archive,
        onset_copies=sum(1 for c in held if c.state is CopyState.VERIFIED),
        storage_problem=storage_problem() if uploads else None,
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
        content = ledger.roll_content(copy.roll_id)
        records = ledger.file_identities(copy.roll_id, volume.id)
        root = os.path.join(mount, copy.folder) if mount is not None and rechecks.sources else None
        seen = CopyLook(volume.id, records, {r.path: _unchanged(root, r) for r in records})
        rolls.append(
            RollOnDrive(
                roll=roll_evidence(
                    ledger,
                    copy.roll_id,
                    archive_provider=archive_provider,
                    rechecks=rechecks,
                    seen=seen,
                ),
                copy_state=_copy_state(copy.state, root),
                extras=tuple(r.path for r in records if not _listed(r)),
                copy_files=tuple(
                    CopyFileEvidence(
                        path=r.path,
                        listed_in_mhl=_listed(r),
                        hidden=_hidden(r),
                        verified=r.status == _OK,
                        unchanged=seen.unchanged[r.path],
                    )
                    for r in records
                ),
                same_content=(
                    None if content is None else copy.mhl_fingerprint == content.fingerprint
                ),
                content_drive=content.label if content is not None else None,
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


def _copy_state(state: CopyState, root: str | None) -> str:
    """The copy's state as the drive shows it: a copy recorded erased whose folder is on the
    drive after all (the erase was said, not done) is not erased: it is to be verified again."""
    if state is CopyState.ERASED and root is not None and os.path.isdir(root):
        return CopyState.SETTLING.value
    return state.value


#: Upload states in which a file is simply not stored yet (still going, or to be retried).
_NOT_YET_STORED = frozenset({"uploading", "failed"})


def _stored_proven(stored: FileUpload | None) -> bool | None:
    """True: stored and proven; None: not stored yet; False: stored (or found) without proof."""
    if stored is None or stored.state in _NOT_YET_STORED:
        return None
    if stored.state in LOST_STATES:  # proven at upload; the storage re-check says what became
        return bool(stored.proof)
    return stored.state == "stored" and bool(stored.proof)


def as_json(value: Any) -> Any:
    """Evidence and verdict dataclasses as plain JSON data (for the audit trail)."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: as_json(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, tuple | list):
        return [as_json(v) for v in value]
    return value
