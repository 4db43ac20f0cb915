"""What the ledger hands out: frozen records in domain words, each with its one mapping from
the row it is read from. No `sqlite3.Row` leaves the ledger package; JSON columns the readers
parse themselves (events' `data`, a check's `reasons`, a verdict) stay the text as stored.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, fields
from typing import Any, NamedTuple, TypeVar

from rollkeeper.core import happened
from rollkeeper.core.events import Event, EventKind, Severity
from rollkeeper.core.lifecycle import CopyState, UploadStage
from rollkeeper.core.words import say

Record = TypeVar("Record")


_COLUMNS: dict[type[Any], tuple[str, ...]] = {}


def _columns(record: type[Any]) -> tuple[str, ...]:
    if record not in _COLUMNS:
        _COLUMNS[record] = tuple(f.name for f in fields(record))
    return _COLUMNS[record]


def from_row(record: type[Record], row: sqlite3.Row, **converted: Any) -> Record:
    """A record whose fields are read from the row's columns of the same names, except those
    given already `converted` (JSON parsed, flags made bool, a column of another name)."""
    values = {name: row[name] for name in _columns(record) if name not in converted}
    return record(**values, **converted)


@dataclass(frozen=True, slots=True)
class VolumeRow:
    id: int
    label: str
    role: str
    fs_uuid: str
    subpath: str
    mount_path: str | None
    mounted: bool
    last_full_scan: str | None
    scan_problems: list[str]
    unaccounted: list[str]
    erased_at: str | None


@dataclass(frozen=True, slots=True)
class CopyRow:
    roll_id: str
    volume_id: int
    folder: str
    mhl_fingerprint: str | None
    state: CopyState
    problems: list[str]
    verified_at: str | None
    mhl_format: str | None = None  # as the roll report shows it (None: not recorded yet)
    mhl_digests: tuple[tuple[str, str], ...] = ()  # (MHL file, its xxh64)


@dataclass(frozen=True, slots=True)
class CopyObservation:
    """A roll folder as a scan found it: identity, where, and a digest of its MHL content."""

    roll_id: str
    shoot_day: str
    media_type: str
    roll: str
    camera_format: str | None
    volume_id: int
    folder: str
    mhl_fingerprint: str | None
    mhl_format: str | None = None  # `mhl.described`: the MHLs' format and files' digests
    mhl_digests: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class VerifiedFile:
    """A file as verification found it, with the identity used later to notice changes."""

    path: str
    size: int | None
    expected: dict[str, str]
    status: str
    verified: dict[str, str]
    mtime_ns: int | None
    inode: int | None


class FileIdentity(NamedTuple):
    """A verified file as recorded, for noticing later changes: no hashes."""

    path: str
    size: int | None
    mtime_ns: int | None
    inode: int | None
    status: str


@dataclass(frozen=True, slots=True)
class FileUpload:
    """One file's upload as recorded: where it went and the proof that it arrived intact."""

    path: str
    key: str
    size: int
    state: str
    checksum_algorithm: str | None = None
    local_checksum: str | None = None
    stored_checksum: str | None = None
    xxh64: str | None = None
    etag: str | None = None
    version_id: str | None = None
    proof: str | None = None
    detail: str | None = None
    source_size: int | None = None
    source_mtime_ns: int | None = None
    source_inode: int | None = None
    listed_etag: str | None = None  # the ETag (folder: mtime/inode) a listing first saw
    checked_at: str | None = None  # when an upload or a listing last found it as stored


@dataclass(frozen=True, slots=True)
class FinishedTransfer:
    """One pass that verified and uploaded a copy, as it ended: the copy's verdict and
    evidence, every file's upload, the roll's upload `stage` with its manifest, every problem
    of the pass, and when a failed upload is tried again. `storage_problem`: the target's
    sentence when the upload waits for storage (the copy's own problems stay its own)."""

    copy_state: CopyState
    evidence: list[VerifiedFile]
    uploads: list[FileUpload]
    stage: UploadStage
    manifest_key: str | None
    problems: list[str]
    retry_at: str | None = None
    storage_problem: str | None = None


def upload_fields(upload: FileUpload) -> tuple[Any, ...]:
    return (
        upload.path, upload.key, upload.size, upload.state, upload.checksum_algorithm,
        upload.local_checksum, upload.stored_checksum, upload.xxh64, upload.etag,
        upload.version_id, upload.proof, upload.detail, upload.source_size,
        upload.source_mtime_ns, upload.source_inode,
    )  # fmt: skip


def verified_file(row: sqlite3.Row) -> VerifiedFile:
    """A `files` row as the evidence reads it."""
    return from_row(
        VerifiedFile,
        row,
        expected=json.loads(row["expected"]),
        verified=json.loads(row["verified"]),
    )


def volume_row(row: sqlite3.Row) -> VolumeRow:
    """A `volumes` row."""
    return from_row(
        VolumeRow,
        row,
        mounted=bool(row["mounted"]),
        scan_problems=json.loads(row["scan_problems"]),
        unaccounted=json.loads(row["unaccounted"]),
    )


def copy_row(row: sqlite3.Row) -> CopyRow:
    """A `roll_copies` row."""
    return from_row(
        CopyRow,
        row,
        state=CopyState(row["state"]),
        problems=json.loads(row["problems"]),
        mhl_digests=tuple(tuple(d) for d in json.loads(row["mhl_digests"] or "[]")),
    )


#: The columns of a `FileUpload` from `uploads u` joined with its `roll_uploads r`, in its
#: fields' order: a judgment reads 200,000 of them on a big RAID, built from their values in
#: order (a third of the time by name). An object held as stored was last found so by the
#: roll's last listing (or upload): a listing stamps the roll, not each of its files.
FILE_UPLOAD_COLUMNS = ", ".join(
    "CASE WHEN u.state = 'stored' THEN COALESCE(r.objects_checked_at, u.checked_at) "
    "ELSE u.checked_at END"
    if f.name == "checked_at"
    else f"u.{f.name}"
    for f in fields(FileUpload)
)


def file_upload(row: sqlite3.Row) -> FileUpload:
    """A row read as `SELECT {FILE_UPLOAD_COLUMNS}`, as the evidence reads it."""
    return FileUpload(*row)


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """One fact of the event log: `message` is its sentence (as `core.words` says it), `data` its
    facts' JSON text as stored, `event` the typed event; `None` for a kind (or severity) this
    rollkeeper does not know, whose `kind` and `severity` are kept as stored."""

    id: int
    at: str
    kind: str
    severity: str
    roll_id: str | None
    volume_id: int | None
    message: str
    data: str
    event: Event | None


def recorded_event(row: sqlite3.Row) -> RecordedEvent:
    """An `events` row; one recorded as prose (before events carried facts) reads verbatim."""
    event = _typed_event(row)
    message = row["message"] if event is None else say(event)
    return from_row(RecordedEvent, row, message=message, event=event)


def _typed_event(row: sqlite3.Row) -> Event | None:
    try:
        kind, severity = EventKind(row["kind"]), Severity(row["severity"])
    except ValueError:
        return None
    return happened.recorded(
        kind,
        severity,
        roll_id=row["roll_id"],
        volume_id=row["volume_id"],
        text=row["message"],
        facts=json.loads(row["data"]),
    )


@dataclass(frozen=True, slots=True)
class RollRecord:
    """A roll as recorded: its identity and derived state."""

    id: str
    shoot_day: str
    media_type: str
    roll: str
    camera_format: str | None
    state: str
    mhl_fingerprint: str | None  # the content first seen
    first_seen: str
    updated_at: str
    content_fingerprint: str | None  # the content claimed as the roll (`ledger.contents`)
    content_volume_id: int | None


def roll_record(row: sqlite3.Row) -> RollRecord:
    """A `rolls` row."""
    return from_row(RollRecord, row)


@dataclass(frozen=True, slots=True)
class RollUpload:
    """A roll's upload to primary storage: where, how far, and how its last attempt ended."""

    roll_id: str
    state: str
    volume_id: int | None
    target: str
    key_prefix: str
    manifest_key: str | None
    bytes_total: int
    bytes_done: int
    started_at: str | None
    progress_at: str | None
    finished_at: str | None
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    objects_checked_at: str | None = None  # the last listing of the roll's stored objects
    objects_check_error: str | None = None  # why that listing could not check storage
    listing_digest: str | None = None  # of the last listing found as recorded (None: none)


def roll_upload(row: sqlite3.Row) -> RollUpload:
    """A `roll_uploads` row."""
    return from_row(RollUpload, row)


@dataclass(frozen=True, slots=True)
class PartRecord:
    """One multipart part's receipt as checkpointed."""

    number: int
    size: int
    etag: str
    checksum: str | None


def part_record(row: sqlite3.Row) -> PartRecord:
    """An `upload_parts` row."""
    return from_row(PartRecord, row)


@dataclass(frozen=True, slots=True)
class MultipartCheckpoint:
    """An unfinished multipart upload the ledger means to resume: its id, part size, parts."""

    upload_id: str
    part_size: int
    parts: tuple[PartRecord, ...]


@dataclass(frozen=True, slots=True)
class ArchiveDue:
    """An uploaded roll whose archive status is due to be asked, and when its upload ended."""

    roll_id: str
    shoot_day: str
    media_type: str
    roll: str
    finished_at: str | None


def archive_due(row: sqlite3.Row) -> ArchiveDue:
    """A row of `Ledger.archive_due`'s join."""
    return from_row(ArchiveDue, row, roll_id=row["id"])


@dataclass(frozen=True, slots=True)
class StoredObjectRecord:
    """An object the upload stored and proved: what the archive must hold."""

    path: str
    key: str
    size: int
    stored_checksum: str | None
    xxh64: str | None


def stored_object(row: sqlite3.Row) -> StoredObjectRecord:
    """A stored `uploads` row."""
    return from_row(StoredObjectRecord, row)


@dataclass(frozen=True, slots=True)
class ArchiveCheck:
    """The archive's last answer for a roll; `reasons` and `objects` are JSON text as stored."""

    roll_id: str
    state: str
    provider: str
    checked_at: str
    next_check_at: str
    archived_at: str | None
    overdue_alarm_at: str | None
    reasons: str
    objects: str


def archive_check(row: sqlite3.Row) -> ArchiveCheck:
    """An `archive_checks` row."""
    return from_row(ArchiveCheck, row)


@dataclass(frozen=True, slots=True)
class DriveClearance:
    """A recorded drive verdict; `verdict` and `evidence` are JSON text as stored."""

    id: int
    at: str
    volume_id: int
    clear: bool
    level: str
    verdict: str
    evidence: str


def drive_clearance(row: sqlite3.Row) -> DriveClearance:
    """A `clearances` row of subject 'drive'."""
    return from_row(DriveClearance, row, clear=bool(row["clear"]))
