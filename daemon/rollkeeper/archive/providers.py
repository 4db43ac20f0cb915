"""Archive providers: each answers "is this roll's archival copy made and verified?".

A provider sees only the objects the ledger proved were stored (key, size, checksum, xxh64) and
answers archived, pending or failed for each, with a reason a person can act on.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import xxhash
from botocore.exceptions import BotoCoreError, ClientError

from rollkeeper.config.sections import ArchiveSettings, TargetSettings
from rollkeeper.fs.durable import fsync_folder, full_fsync
from rollkeeper.mhl.hashing import CHUNK_SIZE
from rollkeeper.transfer.s3_client import make_client
from rollkeeper.transfer.targets import Target, TargetUnusable


class ArchiveState(StrEnum):
    PENDING = "pending"
    ARCHIVED = "archived"
    FAILED = "failed"  # the archive reports failure, or holds something else: an alarm


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One object of the roll as the upload proved it."""

    path: str
    key: str
    size: int
    checksum: str | None
    xxh64: str | None


@dataclass(frozen=True, slots=True)
class ArchiveRoll:
    roll_id: str
    shoot_day: str
    media_type: str
    roll: str
    objects: tuple[StoredRecord, ...]


@dataclass(slots=True)
class ArchiveReport:
    """A roll's archive status: per object, and the roll's (the worst of its objects)."""

    objects: dict[str, ArchiveState] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def note(self, record: StoredRecord, state: ArchiveState, reason: str | None = None) -> None:
        self.objects[record.key] = state
        if reason:
            self.reasons.append(f"{record.path}: {reason}")

    @property
    def state(self) -> ArchiveState:
        states = set(self.objects.values())
        if ArchiveState.FAILED in states:
            return ArchiveState.FAILED
        if not states or ArchiveState.PENDING in states:
            return ArchiveState.PENDING
        return ArchiveState.ARCHIVED


class ArchiveProvider(Protocol):
    name: str

    def preflight(self) -> str | None:
        """A problem that means this provider can never report archived, said at start-up."""
        ...

    def check(self, roll: ArchiveRoll) -> ArchiveReport: ...


class NoArchive:
    """No archive tier: nothing is ever archived, so no RAID is ever cleared."""

    name = "none"

    def preflight(self) -> str | None:
        return (
            "no archive tier is configured ([archive] provider = 'none'): RAIDs will never be "
            "cleared for erasure"
        )

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        report = ArchiveReport()
        for record in roll.objects:
            report.note(record, ArchiveState.PENDING)
        report.reasons.append("no archive tier is configured")
        return report


def _checksum_of(head: dict[str, Any]) -> str | None:
    for name in ("ChecksumCRC64NVME", "ChecksumCRC32C", "ChecksumSHA256"):
        if head.get(name):
            return str(head[name])
    return None


class _S3Objects:
    """Looking objects up in one bucket, with errors that say what to fix."""

    def __init__(self, client: Any, bucket: str, where: str) -> None:
        self.client = client
        self.bucket = bucket
        self.where = where

    def head(self, key: str) -> dict[str, Any] | None:
        try:
            answer: dict[str, Any] = self.client.head_object(
                Bucket=self.bucket, Key=key, ChecksumMode="ENABLED"
            )
        except ClientError as err:
            status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404:
                return None
            if status in (401, 403):
                raise TargetUnusable(
                    f"{self.where}: access to bucket {self.bucket!r} refused; check the credentials"
                ) from err
            raise
        return answer


def _same_object(record: StoredRecord, head: dict[str, Any]) -> str | None:
    """Why `head` is not the proven object (None when size and checksum agree)."""
    size = int(head.get("ContentLength", -1))
    if size != record.size:
        return f"size is {size}, not the uploaded {record.size}"
    stored = _checksum_of(head)
    if record.checksum and stored and stored != record.checksum:
        return f"checksum is {stored}, not the uploaded {record.checksum}"
    if record.checksum and not stored:
        return "the store reports no checksum to prove it by"
    return None


def _present(
    objects: _S3Objects, record: StoredRecord, report: ArchiveReport
) -> dict[str, Any] | None:
    """The object's HEAD, or None after noting that the proven object is gone (an alarm)."""
    head = objects.head(record.key)
    if head is None:
        report.note(record, ArchiveState.FAILED, "the object is gone from the bucket")
    return head


class StorageClassArchive:
    """Archived when every object sits in an archival storage class, unchanged."""

    name = "s3-storage-class"

    def __init__(self, target: TargetSettings, classes: list[str]) -> None:
        assert target.bucket is not None  # noqa: S101 - an s3 target always has one
        self.objects = _S3Objects(make_client(target), target.bucket, "primary bucket")
        self.classes = set(classes)

    def preflight(self) -> str | None:
        return None

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        report = ArchiveReport()
        for record in roll.objects:
            head = _present(self.objects, record, report)
            if head is None:
                continue
            problem = _same_object(record, head)
            if problem:
                report.note(record, ArchiveState.FAILED, problem)
                continue
            storage_class = str(head.get("StorageClass") or "STANDARD")
            if storage_class in self.classes:
                report.note(record, ArchiveState.ARCHIVED)
            else:
                report.note(record, ArchiveState.PENDING, f"still in {storage_class}")
        return report


class ReplicationArchive:
    """Archived when the store reports every object replicated (ReplicationStatus)."""

    name = "s3-replication"

    def __init__(self, target: TargetSettings) -> None:
        assert target.bucket is not None  # noqa: S101
        self.bucket = target.bucket
        self.objects = _S3Objects(make_client(target), target.bucket, "primary bucket")

    def preflight(self) -> str | None:
        try:
            self.objects.client.get_bucket_replication(Bucket=self.bucket)
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code", "")
            return (
                f"bucket {self.bucket!r} has no replication configured ({code or 'not found'}); "
                "provider 's3-replication' can never report an archived roll: configure "
                "replication on the bucket or choose another [archive] provider"
            )
        except BotoCoreError as err:
            return f"cannot read the replication configuration of {self.bucket!r}: {err}"
        return None

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        report = ArchiveReport()
        for record in roll.objects:
            head = _present(self.objects, record, report)
            if head is None:
                continue
            status = str(head.get("ReplicationStatus") or "")
            if status in ("COMPLETED", "COMPLETE"):
                report.note(record, ArchiveState.ARCHIVED)
            elif status == "FAILED":
                report.note(record, ArchiveState.FAILED, "replication FAILED")
            else:
                report.note(record, ArchiveState.PENDING, f"replication {status or 'not started'}")
        return report


def _archive_key(key: str, source_prefix: str, archive_prefix: str | None) -> str:
    if archive_prefix is None:
        return key
    source = source_prefix.strip("/")
    rest = key[len(source) + 1 :] if source and key.startswith(source + "/") else key
    prefix = archive_prefix.strip("/")
    return f"{prefix}/{rest}" if prefix else rest


class S3CopyArchive:
    """Archived when every object is in the archive bucket with equal size and checksum."""

    name = "s3-copy"

    def __init__(self, settings: ArchiveSettings, target: TargetSettings, primary: Target) -> None:
        assert settings.bucket is not None  # noqa: S101 - the schema requires it
        self.settings = settings
        self.target = target
        self.primary = primary
        client = make_client(settings)
        self.archive = _S3Objects(client, settings.bucket, "archive bucket")
        same_endpoint = (settings.endpoint_url or None) == (target.endpoint_url or None)
        self.server_side = same_endpoint and target.kind == "s3"

    def preflight(self) -> str | None:
        try:
            self.archive.client.head_bucket(Bucket=self.archive.bucket)
        except ClientError as err:
            return f"archive bucket {self.archive.bucket!r} cannot be reached ({err})"
        except BotoCoreError as err:
            return f"archive bucket {self.archive.bucket!r} cannot be reached ({err})"
        return None

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        report = ArchiveReport()
        for record in roll.objects:
            key = _archive_key(record.key, self.target.prefix, self.settings.prefix)
            head = self.archive.head(key)
            if head is None and self.settings.make_copy:
                self._copy(record, key)
                head = self.archive.head(key)
            if head is None:
                report.note(record, ArchiveState.PENDING, "not in the archive bucket yet")
                continue
            problem = _same_object(record, head)
            if problem:
                report.note(record, ArchiveState.FAILED, f"archive copy differs: {problem}")
            else:
                report.note(record, ArchiveState.ARCHIVED)
        return report

    def _copy(self, record: StoredRecord, key: str) -> None:
        client, bucket = self.archive.client, self.archive.bucket
        if self.server_side:
            client.copy_object(
                Bucket=bucket,
                Key=key,
                CopySource={"Bucket": self.target.bucket, "Key": record.key},
                ChecksumAlgorithm="CRC64NVME",
            )
            return
        with self.primary.open_read(record.key) as stream:
            client.upload_fileobj(stream, bucket, key, ExtraArgs={"ChecksumAlgorithm": "CRC64NVME"})


class FolderArchive:
    """Archived when every file is in the archive folder and hashes right when read back."""

    name = "fs-copy"

    def __init__(self, settings: ArchiveSettings, target: TargetSettings, primary: Target) -> None:
        assert settings.path is not None  # noqa: S101 - the schema requires it
        self.root = settings.path
        self.settings = settings
        self.target = target
        self.primary = primary

    def preflight(self) -> str | None:
        if not self.root.is_dir():
            return f"archive folder {self.root} does not exist or is not mounted"
        return None

    def _path(self, key: str) -> Path:
        return self.root / _archive_key(key, self.target.prefix, self.settings.prefix)

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        report = ArchiveReport()
        if not self.root.is_dir():
            for record in roll.objects:
                report.note(record, ArchiveState.PENDING)
            report.reasons.append(f"archive folder {self.root} is not mounted")
            return report
        for record in roll.objects:
            path = self._path(record.key)
            if not path.exists() and self.settings.make_copy:
                self._copy(record, path)
            if not path.exists():
                report.note(record, ArchiveState.PENDING, "not in the archive folder yet")
                continue
            size, digest = _read_back(path)
            if size != record.size or (record.xxh64 and digest != record.xxh64):
                report.note(
                    record,
                    ArchiveState.FAILED,
                    f"archive copy differs: {size} bytes, xxh64 {digest} (uploaded: "
                    f"{record.size} bytes, xxh64 {record.xxh64})",
                )
            else:
                report.note(record, ArchiveState.ARCHIVED)
        return report

    def _copy(self, record: StoredRecord, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.rollkeeper-archiving"
        try:
            with self.primary.open_read(record.key) as stream, temporary.open("wb") as out:
                while chunk := stream.read(CHUNK_SIZE):
                    out.write(chunk)
                out.flush()
                full_fsync(out.fileno())
            os.link(temporary, path)  # never replaces anything already there
            fsync_folder(path.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


def _read_back(path: Path) -> tuple[int, str]:
    digest = xxhash.xxh64()
    size = 0
    with path.open("rb", buffering=0) as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 JSON pointer lookup; KeyError when the path is absent."""
    if pointer in ("", "/"):
        return document
    node = document
    for raw in pointer.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict):
            node = node[token]
        else:
            raise KeyError(token)
    return node


class HttpArchive:
    """A MAM or vendor portal that reports each roll's archive status over HTTP(S)."""

    name = "http"

    def __init__(self, settings: ArchiveSettings, timeout: float = 20.0) -> None:
        assert settings.url is not None  # noqa: S101 - the schema requires it
        self.settings = settings
        self.timeout = timeout

    def preflight(self) -> str | None:
        env = self.settings.auth_header_env
        if env and not os.environ.get(env):
            return f"the environment variable {env} (the archive portal's credentials) is not set"
        return None

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        settings = self.settings
        url = (settings.url or "").format(
            shoot_day=urllib.parse.quote(roll.shoot_day, safe=""),
            media_type=urllib.parse.quote(roll.media_type, safe=""),
            roll=urllib.parse.quote(roll.roll, safe=""),
        )
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        if settings.auth_header_env and os.environ.get(settings.auth_header_env):
            request.add_header("Authorization", os.environ[settings.auth_header_env])
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                document = json.loads(answer.read(1024 * 1024))
            value = str(resolve_pointer(document, settings.status_pointer))
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            return self._all(roll, ArchiveState.PENDING, f"archive portal unreachable ({err})")
        except (ValueError, KeyError, IndexError, TypeError):
            return self._all(
                roll,
                ArchiveState.PENDING,
                f"archive portal answer has no status at {settings.status_pointer}",
            )
        if value in settings.archived_values:
            return self._all(roll, ArchiveState.ARCHIVED, None)
        if value in settings.failed_values:
            return self._all(roll, ArchiveState.FAILED, f"archive portal says {value!r}")
        return self._all(roll, ArchiveState.PENDING, f"archive portal says {value!r}")

    @staticmethod
    def _all(roll: ArchiveRoll, state: ArchiveState, reason: str | None) -> ArchiveReport:
        report = ArchiveReport()
        for record in roll.objects:
            report.note(record, state)
        if reason:
            report.reasons.append(reason)
        return report


def build_provider(
    settings: ArchiveSettings, target: TargetSettings | None, primary: Target | None
) -> ArchiveProvider:
    """The configured provider; those that read the primary store need a target."""
    if settings.provider == "none":
        return NoArchive()
    if settings.provider == "http":
        return HttpArchive(settings)
    if target is None or primary is None:
        raise TargetUnusable(
            f"[archive] provider {settings.provider!r} needs a [target] (the primary copy)"
        )
    if settings.provider in ("s3-storage-class", "s3-replication") and target.kind != "s3":
        raise TargetUnusable(f"[archive] provider {settings.provider!r} needs an s3 [target]")
    if settings.provider == "s3-storage-class":
        return StorageClassArchive(target, settings.storage_classes)
    if settings.provider == "s3-replication":
        return ReplicationArchive(target)
    if settings.provider == "s3-copy":
        return S3CopyArchive(settings, target, primary)
    return FolderArchive(settings, target, primary)
