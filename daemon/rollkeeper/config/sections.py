"""The per-section models of the configuration file: each TOML table's keys, defaults and checks.

The models are the single source of truth for every key: validation, defaults and the
documentation in `config/rollkeeper.example.toml` (a test keeps the two in step). An unknown key is
an error, never silently ignored. Types are strict: TOML has real booleans, integers and strings,
so `jobs = "2"` or `poll = 1` is a mistake worth telling, not a value to coerce.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from rollkeeper.config.fields import AbsolutePath, BytesPerSecond, Seconds, Section
from rollkeeper.config.loading import default_state_dir
from rollkeeper.config.storage import ArchiveSettings, S3Connection, TargetSettings
from rollkeeper.core.layout import CustomLayoutSpec
from rollkeeper.core.units import parse_duration


class CartSettings(Section):
    """Which cart this is; the name appears in notifications, reports and manifests."""

    name: str = Field("CART", min_length=1, description="Name of this cart, e.g. CART-A.")


class StateSettings(Section):
    """Where the ledger and logs live."""

    dir: AbsolutePath | None = Field(
        None, description="State folder (ledger, logs). Default: the platform's state folder."
    )
    keep_backups: int = Field(
        7, ge=0, description="Daily ledger backups kept in the state folder (0: none)."
    )

    def resolved_dir(self) -> Path:
        return self.dir or default_state_dir()


class ServiceSettings(Section):
    """How the daemon lives as a service: how fast it stops, whether it keeps the cart awake."""

    stop_grace: Seconds = Field(
        20.0,
        gt=0,
        description="SIGTERM/SIGINT: the daemon exits within this long, whatever "
        "is in flight (parts checkpointed, the rest resumed at the next start).",
    )
    prevent_sleep: bool = Field(
        True, description="Keep the cart from idle-sleeping while rolls verify or upload."
    )
    background_nice: int = Field(
        10,
        ge=0,
        le=19,
        description="Verification, upload, listing and judgment threads run this much nicer "
        "than the daemon (Linux), so the offload software, the page and status stay quick "
        "(0: as the daemon).",
    )


class LogSettings(Section):
    """The daemon's log."""

    level: Literal["debug", "info", "warning", "error"] = Field(
        "info",
        description="debug | info | warning | error (third-party libraries log at "
        "warning unless this is debug).",
    )
    file: AbsolutePath | None = Field(
        None,
        description="The log file (JSON lines). Default: rollkeeper.log in the state folder.",
    )

    def resolved_file(self, state_dir: Path) -> Path:
        """Where the log is written: `file`, else `rollkeeper.log` in `state_dir`."""
        return self.file or state_dir / "rollkeeper.log"


#: Ten minutes without growth, and a copy still short of its files is INCOMPLETE.
DEFAULT_STALL_AFTER = 600.0


class LayoutSettings(Section):
    """How the production lays out shoot days and rolls on its drives."""

    profile: Literal["netflix", "flat", "custom"] = Field(
        "netflix", description="netflix | flat | custom (see docs/layout.md)."
    )
    settle_seconds: Seconds = Field(
        30.0, description="Quiet time (seconds or e.g. '30s') before a roll counts as complete."
    )
    stall_after: Seconds = Field(
        DEFAULT_STALL_AFTER,
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

    @model_validator(mode="before")
    @classmethod
    def _the_default_stall_time_follows_the_settle_time(cls, data: Any) -> Any:
        """A settle time longer than the default stall time raises the stall time with it."""
        if isinstance(data, dict) and "stall_after" not in data and "settle_seconds" in data:
            try:
                settle = parse_duration(data["settle_seconds"])
            except (TypeError, ValueError):
                return data  # the field's own validation says what is wrong with it
            return {**data, "stall_after": max(settle, DEFAULT_STALL_AFTER)}
        return data

    @model_validator(mode="after")
    def _a_roll_can_settle_before_it_stalls(self) -> LayoutSettings:
        """A copy still arriving is quiet for less than `settle_seconds` between writes: calling
        it stalled any sooner would raise INCOMPLETE alarms over every offload in progress."""
        if self.stall_after <= 0 or self.stall_after < self.settle_seconds:
            raise ValueError(
                f"stall_after ({self.stall_after:g}s) must be more than 0 and at least "
                f"settle_seconds ({self.settle_seconds:g}s); the default is '10m'"
            )
        return self

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
        3600.0,
        description="How often every uploaded roll's stored objects are re-checked by listing "
        "them, and every drive judged again.",
    )
    max_evidence_age: Seconds = Field(
        600.0,
        description="Evidence older than this is stale: `status` marks such a clearance STALE, "
        "`clearance` re-checks it before answering, and rolls under a clearance are listed "
        "again at least twice as often.",
    )


__all__ = [
    "ArchiveSettings",
    "CartSettings",
    "ClearanceSettings",
    "LayoutSettings",
    "S3Connection",
    "StateSettings",
    "TargetSettings",
    "VerifySettings",
    "VolumeSettings",
    "WatchSettings",
]
