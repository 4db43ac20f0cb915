"""The configuration's storage sections: how S3 is reached, the primary target, the archive."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from rollkeeper.config.fields import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_PART_SIZE,
    AbsolutePath,
    BytesPerSecond,
    PartSize,
    Seconds,
    Section,
)
from rollkeeper.core.units import parse_rate


class S3Connection(Section):
    """How to reach an S3-compatible service (shared by the target and the s3-copy archive)."""

    endpoint_url: str | None = Field(
        None, description="s3: endpoint of an S3-compatible service (default: AWS)."
    )
    region: str | None = Field(None, description="s3: region, e.g. us-west-2.")
    profile: str | None = Field(
        None, description="s3: AWS credentials profile (default: the standard credential chain)."
    )
    access_key_id_env: str | None = Field(
        None, description="s3: name of the environment variable holding the access key id."
    )
    secret_access_key_env: str | None = Field(
        None, description="s3: name of the environment variable holding the secret key."
    )
    compatibility: bool = Field(
        False,
        description="s3: for stores that reject boto3's default checksums: send checksums only "
        "where the API requires them (the MHL hash and read-back still prove every object).",
    )
    verify_tls: bool = Field(True, description="s3: verify the server's TLS certificate.")
    sign_payload: bool = Field(
        False,
        description="s3: also sign each request body's SHA-256 (SigV4). Off by default: the body "
        "is bound by its signed checksum header (the store rejects a mismatch) and every object "
        "is proven after; turn on for plain-http endpoints on untrusted networks (costs ~1.7 CPU "
        "seconds per GB).",
    )
    ca_bundle: AbsolutePath | None = Field(
        None, description="s3: CA bundle to verify the server's certificate with."
    )

    @model_validator(mode="after")
    def _both_keys_or_neither(self) -> S3Connection:
        if (self.access_key_id_env is None) != (self.secret_access_key_env is None):
            raise ValueError("set both access_key_id_env and secret_access_key_env, or neither")
        return self


_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MINUTES_A_DAY = 24 * 60


def _time_of_day(value: str) -> str:
    if not _CLOCK.match(value):
        raise ValueError(f"{value!r} is not a time of day; write it HH:MM, 24-hour, e.g. '19:00'")
    return value


def _rate_or_none(value: object) -> object:
    """A rate such as '20MB/s', or 'none' for no limit."""
    if isinstance(value, str) and value.strip().lower() == "none":
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            return parse_rate(value)
        except ValueError as err:
            raise ValueError(f"{err}, or 'none' for no limit") from err
    return value


TimeOfDay = Annotated[str, AfterValidator(_time_of_day)]
RateOrNone = Annotated[Annotated[int, Field(gt=0)] | None, BeforeValidator(_rate_or_none)]


def minute_of_day(clock: str) -> int:
    """Minutes since midnight of an "HH:MM" time."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class BandwidthWindow(Section):
    """A time of day (the cart's local time) with its own upload bandwidth limit."""

    start: TimeOfDay = Field(description="When the window opens, HH:MM (local time).")
    end: TimeOfDay = Field(
        description="When it closes, HH:MM; earlier than start: it runs past midnight."
    )
    limit: RateOrNone = Field(description="The limit inside it, e.g. '20MB/s', or 'none'.")

    @model_validator(mode="after")
    def _not_empty(self) -> BandwidthWindow:
        if self.start == self.end:
            raise ValueError(
                f"a window from {self.start} to {self.end} is empty; for the whole day set "
                "bandwidth_limit instead"
            )
        return self

    def minutes(self) -> set[int]:
        """Every minute of the day inside the window (from start, up to but not at end)."""
        start, end = minute_of_day(self.start), minute_of_day(self.end)
        length = (end - start) % MINUTES_A_DAY
        return {(start + step) % MINUTES_A_DAY for step in range(length)}


def _overlaps(windows: list[BandwidthWindow]) -> str | None:
    """The first two windows that share a minute, said; None when none do."""
    for index, window in enumerate(windows):
        for other in windows[index + 1 :]:
            if window.minutes() & other.minutes():
                return (
                    f"bandwidth windows {window.start}-{window.end} and {other.start}-{other.end} "
                    "overlap; make each time of day belong to one window at most"
                )
    return None


class TargetSettings(S3Connection):
    """Primary storage: where every verified roll is uploaded and proven."""

    kind: Literal["fs", "s3"] = Field("fs", description="fs | s3")
    path: AbsolutePath | None = Field(
        None, description="fs: folder (NAS, second RAID) that rolls are copied into."
    )
    must_be_mount: bool | None = Field(
        None,
        description="fs: refuse the folder unless it (or an ancestor below /Volumes, /mnt or "
        "/media) is a mount point, so an unmounted NAS never means the boot disk. Default: "
        "true for a path under /Volumes, /mnt or /media, false elsewhere.",
    )
    bucket: str | None = Field(None, min_length=3, description="s3: bucket name.")
    prefix: str = Field("", description="Key prefix (s3) or subfolder (fs) for every roll.")
    storage_class: str | None = Field(None, description="s3: storage class, e.g. STANDARD_IA.")
    checksum: Literal["crc64nvme", "crc32c", "sha256", "off"] = Field(
        "crc64nvme",
        description="Full-object checksum computed locally and proven against the store's.",
    )
    conditional_writes: bool = Field(
        True, description="s3: refuse to overwrite with If-None-Match (if the store supports it)."
    )
    max_concurrency: int = Field(
        DEFAULT_MAX_CONCURRENCY, ge=1, le=64, description="Parts or files in flight at once."
    )
    part_size: PartSize = Field(
        DEFAULT_PART_SIZE,
        description="s3: multipart part size, e.g. '64MiB' (default 8 MiB, larger only to keep a "
        "file under 10,000 parts); auto: S3's 5 MiB minimum, likewise. Memory: part size x "
        "max_concurrency.",
    )
    bandwidth_limit: BytesPerSecond | None = Field(
        None,
        description="Upload rate limit, e.g. '200MB/s' (default: none); outside every "
        "bandwidth window.",
    )
    bandwidth_windows: list[BandwidthWindow] = Field(
        [],
        description="Limits by the cart's local time of day, e.g. full speed 19:00-07:00; "
        "windows may cross midnight, never overlap.",
    )
    sse: Literal["AES256", "aws:kms"] | None = Field(
        None, description="s3: server-side encryption."
    )
    sse_kms_key_id: str | None = Field(None, description="s3: KMS key for sse = 'aws:kms'.")
    max_attempts: int = Field(
        5, ge=1, le=100, description="Attempts per file before the roll is UPLOAD_FAILED."
    )
    retry_after: Seconds = Field(
        600.0, description="How long an UPLOAD_FAILED roll waits before it is tried again."
    )
    upload_extras: bool = Field(
        False, description="Also upload files no MHL lists (default: only what the MHL covers)."
    )
    priority: Literal["ready", "sound_first"] = Field(
        "ready", description="Upload order: as rolls became ready, or sound rolls first."
    )

    @model_validator(mode="after")
    def _complete_for_its_kind(self) -> TargetSettings:
        if self.kind == "fs" and self.path is None:
            raise ValueError("kind 'fs' needs a 'path' (the folder rolls are copied into)")
        if self.kind == "s3" and not self.bucket:
            raise ValueError("kind 's3' needs a 'bucket'")
        if self.sse == "aws:kms" and not self.sse_kms_key_id:
            raise ValueError("sse = 'aws:kms' needs 'sse_kms_key_id'")
        overlap = _overlaps(self.bandwidth_windows)
        if overlap is not None:
            raise ValueError(overlap)
        return self


class ArchiveSettings(S3Connection):
    """The archival copy, and how its status is learnt (RAIDs are cleared only once it exists)."""

    provider: Literal[
        "none", "s3-storage-class", "s3-replication", "s3-copy", "fs-copy", "http"
    ] = Field("none", description="Where the archival copy's status comes from.")
    poll_interval: Seconds = Field(
        300.0, description="How often archive status is polled on a roll's first day."
    )
    poll_interval_later: Seconds = Field(
        3600.0, description="How often after the first day (status changes slowly then)."
    )
    overdue_after: Seconds = Field(
        259200.0, description="Alarm when a roll's archive is still missing after this (72h)."
    )
    storage_classes: list[str] = Field(
        ["GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"],
        description="s3-storage-class: storage classes that count as archived.",
    )
    bucket: str | None = Field(None, description="s3-copy: the archive bucket.")
    prefix: str | None = Field(
        None, description="s3-copy / fs-copy: key prefix in the archive (default: the target's)."
    )
    path: AbsolutePath | None = Field(None, description="fs-copy: the archive folder.")
    make_copy: bool = Field(
        False, description="s3-copy / fs-copy: rollkeeper makes the archival copy itself."
    )
    url: str | None = Field(
        None, description="http: status URL with {shoot_day}, {media_type} and {roll}."
    )
    status_pointer: str = Field(
        "/status", description="http: JSON pointer to the status in the answer."
    )
    archived_values: list[str] = Field(["archived"], description="http: statuses meaning done.")
    pending_values: list[str] = Field(
        ["pending", "queued", "in_progress"], description="http: statuses meaning not yet."
    )
    failed_values: list[str] = Field(
        ["failed", "error"], description="http: statuses meaning failed."
    )
    auth_header_env: str | None = Field(
        None, description="http: environment variable holding the Authorization header value."
    )

    @model_validator(mode="after")
    def _complete_for_its_provider(self) -> ArchiveSettings:
        needs = {"s3-copy": "bucket", "fs-copy": "path", "http": "url"}
        key = needs.get(self.provider)
        if key is not None and getattr(self, key) is None:
            raise ValueError(f"provider {self.provider!r} needs {key!r}")
        return self
