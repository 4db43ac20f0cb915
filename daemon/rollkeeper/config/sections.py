"""The per-section models of the configuration file: each TOML table's keys, defaults and checks.

The models are the single source of truth for every key: validation, defaults and the
documentation in `config/rollkeeper.example.toml` (a test keeps the two in step). An unknown key is
an error, never silently ignored. Types are strict: TOML has real booleans, integers and strings,
so `jobs = "2"` or `poll = 1` is a mistake worth telling, not a value to coerce.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from rollkeeper.config.loading import default_state_dir
from rollkeeper.core.layout import CustomLayoutSpec
from rollkeeper.core.units import parse_duration, parse_rate, parse_size


def _absolute(value: Any) -> Any:
    if isinstance(value, str):
        expanded = os.path.expanduser(value)
        if not os.path.isabs(expanded):
            raise ValueError(f"must be an absolute path (got the relative path {value!r})")
        return Path(expanded)
    return value


Seconds = Annotated[float, BeforeValidator(parse_duration), Field(ge=0)]
BytesPerSecond = Annotated[int, BeforeValidator(parse_rate), Field(gt=0)]
AbsolutePath = Annotated[Path, BeforeValidator(_absolute)]


def _part_size(value: Any) -> Any:
    if value == "auto":
        return value
    size = parse_size(value)
    if not 5 * 2**20 <= size <= 5 * 2**30:
        raise ValueError("must be 'auto' or between 5MiB and 5GiB (the S3 part size limits)")
    return size


PartSize = Annotated[int | Literal["auto"], BeforeValidator(_part_size)]

#: The upload's defaults, chosen by measurement (bench/RESULTS-upload.md, 2026-12-06): aws-cli's
#: own part size and parallelism, at about 0.63 x its CPU per GB; peak RSS on a 4 GiB file 174 MB
#: (8 MiB x 10 of part buffers over the 87 MB the daemon takes uploading nothing).
DEFAULT_PART_SIZE = 8 * 2**20
DEFAULT_MAX_CONCURRENCY = 10


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, strict=True)


class CartSettings(Section):
    """Which cart this is; the name appears in notifications, reports and manifests."""

    name: str = Field("CART", min_length=1, description="Name of this cart, e.g. CART-A.")


class StateSettings(Section):
    """Where the ledger and logs live."""

    dir: AbsolutePath | None = Field(
        None, description="State folder (ledger, logs). Default: the platform's state folder."
    )

    def resolved_dir(self) -> Path:
        return self.dir or default_state_dir()


class LayoutSettings(Section):
    """How the production lays out shoot days and rolls on its drives."""

    profile: Literal["netflix", "flat", "custom"] = Field(
        "netflix", description="netflix | flat | custom (see docs/layout.md)."
    )
    settle_seconds: Seconds = Field(
        30.0, description="Quiet time (seconds or e.g. '30s') before a roll counts as complete."
    )
    stall_after: Seconds = Field(
        600.0,
        description=(
            "A roll still short of listed files this long (seconds or e.g. '10m') after its "
            "last change is INCOMPLETE, an alarm naming the files."
        ),
    )
    pattern: str | None = Field(
        None, description="custom profile: folder pattern, e.g. '{shoot_day}/{media_type}/{roll}'."
    )
    shoot_day_regex: str | None = Field(
        None, description="custom profile: regular expression a shoot-day folder must match."
    )
    media_types: dict[str, str] | None = Field(
        None, description="custom profile: folder name -> media type, e.g. {CAM = 'Camera_Media'}."
    )
    roll_regex: str | None = Field(
        None, description="custom profile: regular expression a roll folder must start with."
    )
    ignore_folders: list[str] | None = Field(
        None, description="custom profile: folder names that are never media (default: Reports)."
    )
    check_names: bool | None = Field(
        None, description="custom profile: warn about characters outside [A-Za-z0-9._-]."
    )

    def custom_spec(self) -> CustomLayoutSpec | None:
        """The custom profile's settings (None for the built-in profiles)."""
        if self.profile != "custom":
            return None
        defaults = CustomLayoutSpec()
        return CustomLayoutSpec(
            pattern=self.pattern or "",
            shoot_day_regex=self.shoot_day_regex or defaults.shoot_day_regex,
            media_types=self.media_types or {},
            roll_regex=self.roll_regex,
            ignore_folders=tuple(self.ignore_folders or defaults.ignore_folders),
            check_names=bool(self.check_names),
        )

    @model_validator(mode="after")
    def _custom_settings_are_complete_and_valid(self) -> LayoutSettings:
        custom_only = (
            "pattern",
            "shoot_day_regex",
            "media_types",
            "roll_regex",
            "ignore_folders",
            "check_names",
        )
        if self.profile != "custom":
            given = [key for key in custom_only if getattr(self, key) is not None]
            if given:
                raise ValueError(f"{', '.join(given)}: only meaningful with profile = 'custom'")
            return self
        if not self.pattern:
            raise ValueError("profile 'custom' needs a 'pattern' (see docs/layout.md)")
        self.custom_spec()  # ValueError naming the problem in the pattern or a regex
        return self


class VolumeSettings(Section):
    """One RAID or rotation drive path (a glob such as /Volumes/SHUTTLE_* matches many)."""

    path: AbsolutePath = Field(description="Absolute path or glob of the drive or folder.")
    role: Literal["raid", "rotation"] = Field(description="raid | rotation")
    label: str | None = Field(
        None, min_length=1, description="Name shown to people. Default: the folder name."
    )
    poll: bool = Field(
        False, description="Force polling instead of native events (network shares: automatic)."
    )

    @property
    def is_glob(self) -> bool:
        return any(c in str(self.path) for c in "*?[")

    @model_validator(mode="after")
    def _glob_has_no_label(self) -> VolumeSettings:
        if self.label is not None and self.is_glob:
            raise ValueError(
                f"volume {str(self.path)!r} is a glob: each match is labelled by its "
                "folder name, so 'label' cannot be set"
            )
        return self


class WatchSettings(Section):
    """How often the safety nets run."""

    rescan_interval: Seconds = Field(
        300.0, description="Full rescan of every mounted volume (events can be lost)."
    )
    restat_interval: Seconds = Field(
        3600.0,
        description="Longest time before a full rescan stats every file of a verified roll "
        "again. In between, a full rescan lists those files and stats only what is new, "
        "replaced (another inode) or an MHL, and re-stats a share of the verified rolls each "
        "time; events report changes as they happen, and clearance re-checks every file before "
        "any erase is announced. Set it to rescan_interval to stat every file at every rescan.",
    )
    mount_check_interval: Seconds = Field(
        2.0, description="How often configured paths are checked for drives coming and going."
    )
    poll_interval: Seconds = Field(5.0, description="Polling period on network shares.")


class VerifySettings(Section):
    """Verification of rolls found on the volumes."""

    jobs: int = Field(2, ge=1, le=64, description="Files hashed in parallel.")
    workers: int = Field(1, ge=1, le=16, description="Rolls verified at the same time.")
    read_rate: BytesPerSecond | None = Field(
        None,
        description="Limit on verification reads, e.g. '200MB/s', so offloads stay fast "
        "(default: no limit).",
    )


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


class TargetSettings(S3Connection):
    """Primary storage: where every verified roll is uploaded and proven."""

    kind: Literal["fs", "s3"] = Field("fs", description="fs | s3")
    path: AbsolutePath | None = Field(
        None, description="fs: folder (NAS, second RAID) that rolls are copied into."
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
        None, description="Upload rate limit, e.g. '200MB/s' (default: none)."
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


class ClearanceSettings(Section):
    """The production's erase rules; the defaults are the safe ones."""

    extras_block_drive: bool = Field(
        True,
        description="A file no MHL lists blocks erasing the drive it is on (false: a warning).",
    )
    min_onset_copies: int = Field(
        3, ge=1, le=10, description="Warn when a roll lives on fewer on-set volumes than this."
    )
    recheck_interval: Seconds = Field(
        3600.0, description="How often drives announced clear are re-checked (files, objects)."
    )
