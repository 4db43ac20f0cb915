"""The states a roll and each of its on-set copies move through, and how a roll's state follows.

Pure: the ledger stores these values, the service moves copies between them, and a roll's own
state is always derived from its copies, never set by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum


class CopyState(StrEnum):
    """One roll folder on one volume."""

    SETTLING = "settling"  # MHL seen; files still arriving or changing
    READY = "ready"  # MHL parses, every listed file has its listed size, quiet for settle time
    VERIFYING = "verifying"
    VERIFIED = "verified"
    MISMATCH = "mismatch"  # a file's bytes (or size, after settling) do not match the MHL
    INCOMPLETE = "incomplete"  # listed files missing or short after the roll settled
    INVALID_MHL = "invalid_mhl"  # the MHL cannot be read or trusted
    GONE = "gone"  # the folder or its MHL disappeared while the volume was mounted
    ERASED = "erased"  # the drive was wiped after it was cleared (or the DIT said so)


class RollState(StrEnum):
    """A roll across all its copies (later stages add upload and archive states)."""

    DISCOVERED = "discovered"
    READY = "ready"
    VERIFYING = "verifying"
    VERIFIED = "verified"
    MISMATCH = "mismatch"
    INCOMPLETE = "incomplete"
    INVALID_MHL = "invalid_mhl"
    CONFLICT = "conflict"  # the roll's storage key already held other content
    UPLOADING = "uploading"
    UPLOADED = "uploaded"  # primary copy stored and proven: cards and rotation drives may go
    ARCHIVED = "archived"  # archival copy verified too: RAIDs may go
    UPLOAD_FAILED = "upload_failed"  # gave up for now; retried later on its own


class UploadStage(StrEnum):
    """A roll's upload to primary storage (ledger table `roll_uploads`)."""

    UPLOADING = "uploading"
    UPLOADED = "uploaded"
    UPLOAD_FAILED = "upload_failed"
    MISMATCH = "mismatch"  # a file did not match its MHL during the upload pass
    CONFLICT = "conflict"  # a key already held other content
    #: verified, not stored: the target is unusable (not mounted, full, unreachable); uploaded
    #: as soon as it is usable again. The roll reads as its copies do (`verified`).
    WAITING_FOR_STORAGE = "waiting_for_storage"


#: Copies that are no longer on their drive: they count for nothing and block nothing.
ABSENT_COPY_STATES = frozenset({CopyState.GONE, CopyState.ERASED})

FAILED_COPY_STATES = frozenset({CopyState.MISMATCH, CopyState.INCOMPLETE, CopyState.INVALID_MHL})
FAILED_ROLL_STATES = frozenset(
    {
        RollState.MISMATCH,
        RollState.INCOMPLETE,
        RollState.INVALID_MHL,
        RollState.CONFLICT,
        RollState.UPLOAD_FAILED,
    }
)

_PROGRESS_ORDER = (
    (CopyState.VERIFIED, RollState.VERIFIED),
    (CopyState.VERIFYING, RollState.VERIFYING),
    (CopyState.READY, RollState.READY),
)


def derive_roll_state(
    copy_states: Iterable[CopyState],
    *,
    conflict: bool,
    upload: UploadStage | None = None,
    archived: bool = False,
) -> RollState:
    """A roll's state from its copies and its upload: any failure wins (fail closed), else the
    furthest stage reached. The copies given are those holding the roll's content (a copy with
    other content under the same name is judged on its own drive, see `differing_paths`);
    copies gone or erased count for nothing."""
    states = [s for s in copy_states if s not in ABSENT_COPY_STATES]
    if conflict or upload is UploadStage.CONFLICT:
        return RollState.CONFLICT
    if upload is UploadStage.MISMATCH:
        return RollState.MISMATCH
    for failed in (CopyState.MISMATCH, CopyState.INVALID_MHL, CopyState.INCOMPLETE):
        if failed in states:
            return RollState(failed.value)
    if upload is UploadStage.UPLOADED and archived:
        return RollState.ARCHIVED
    if upload is not None and upload is not UploadStage.WAITING_FOR_STORAGE:
        return RollState(upload.value)
    for copy_state, roll_state in _PROGRESS_ORDER:
        if copy_state in states:
            return roll_state
    return RollState.DISCOVERED


#: One file of a roll's content, by its relative path: its size, and its hashes as the MHL
#: lists them ({kind: value}).
ContentEntry = tuple[int | None, Mapping[str, str]]


def differing_paths(
    stored: Mapping[str, ContentEntry], other: Mapping[str, ContentEntry]
) -> list[str]:
    """The paths where two contents of a roll disagree: listed in one only, or listed in both
    with another size or another hash (or no hash kind in common, so no proof they agree).

    A roll's content identity is its set of (relative path, size, hash); two copies hold the
    same roll exactly when this is empty."""
    return sorted(
        path
        for path in stored.keys() | other.keys()
        if path not in stored or path not in other or not _same_file(stored[path], other[path])
    )


def _same_file(a: ContentEntry, b: ContentEntry) -> bool:
    (size_a, hashes_a), (size_b, hashes_b) = a, b
    common = hashes_a.keys() & hashes_b.keys()
    return size_a == size_b and bool(common) and all(hashes_a[k] == hashes_b[k] for k in common)
