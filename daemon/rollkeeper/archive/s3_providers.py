"""The archive providers that read S3: storage class, replication status, or an archive bucket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from rollkeeper.archive.copies import check_copies
from rollkeeper.archive.model import (
    ArchiveReport,
    ArchiveRoll,
    ArchiveState,
    StoredRecord,
    archive_key,
)
from rollkeeper.config.sections import ArchiveSettings, TargetSettings
from rollkeeper.transfer.s3_client import make_client
from rollkeeper.transfer.targets import Target, TargetUnusable


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


def _primary_objects(target: TargetSettings) -> _S3Objects:
    """The objects of the primary bucket, which the target's own connection reads."""
    assert target.bucket is not None  # noqa: S101 - an s3 target always has one
    return _S3Objects(make_client(target), target.bucket, "primary bucket")


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
    objects: _S3Objects, roll: ArchiveRoll, report: ArchiveReport
) -> Iterator[tuple[StoredRecord, dict[str, Any]]]:
    """Each object of the roll still in the bucket, with its HEAD; an object gone is noted FAILED
    (an alarm) and not given."""
    for record in roll.objects:
        head = objects.head(record.key)
        if head is None:
            report.note(record, ArchiveState.FAILED, "the object is gone from the bucket")
        else:
            yield record, head


class StorageClassArchive:
    """Archived when every object sits in an archival storage class, unchanged."""

    name = "s3-storage-class"

    def __init__(self, target: TargetSettings, classes: list[str]) -> None:
        self.objects = _primary_objects(target)
        self.classes = set(classes)

    def preflight(self) -> str | None:
        return None

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        report = ArchiveReport()
        for record, head in _present(self.objects, roll, report):
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
        self.objects = _primary_objects(target)
        self.bucket = self.objects.bucket

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
        for record, head in _present(self.objects, roll, report):
            status = str(head.get("ReplicationStatus") or "")
            if status in ("COMPLETED", "COMPLETE"):
                report.note(record, ArchiveState.ARCHIVED)
            elif status == "FAILED":
                report.note(record, ArchiveState.FAILED, "replication FAILED")
            else:
                report.note(record, ArchiveState.PENDING, f"replication {status or 'not started'}")
        return report


class S3CopyArchive:
    """Archived when every object is in the archive bucket with equal size and checksum."""

    name = "s3-copy"
    where = "archive bucket"

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
        except (ClientError, BotoCoreError) as err:
            return f"archive bucket {self.archive.bucket!r} cannot be reached ({err})"
        return None

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        return check_copies(roll, self, self.settings.make_copy)

    def _key(self, record: StoredRecord) -> str:
        return archive_key(record.key, self.target.prefix, self.settings.prefix)

    def find(self, record: StoredRecord) -> dict[str, Any] | None:
        return self.archive.head(self._key(record))

    def differs(self, record: StoredRecord, found: dict[str, Any]) -> str | None:
        return _same_object(record, found)

    def make(self, record: StoredRecord) -> None:
        client, bucket, key = self.archive.client, self.archive.bucket, self._key(record)
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
