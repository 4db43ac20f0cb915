"""What layout analysis yields: roll identities and locations, problems, the profile protocol."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

CAMERA_MEDIA = "Camera_Media"
SOUND_MEDIA = "Sound_Media"
REPORTS = "Reports"

#: Characters a name may hold in the Netflix profile; anything else is a warning (FORMATS.md §5).
LEGAL_NAME_CHARACTERS = "A-Za-z0-9._-"

PROFILE_NAMES = ("netflix", "flat", "custom")
DEFAULT_PROFILE = "netflix"

DEFAULT_CUSTOM_PATTERN = "{*}/{shoot_day}/{media_type}/{format?}/{roll}"
DEFAULT_SHOOT_DAY_REGEX = r"\d{8}"


@dataclass(frozen=True)
class RollIdentity:
    """What a roll is called, independent of the volume it sits on: the key of the ledger."""

    shoot_day: str
    media_type: str
    roll: str

    @property
    def id(self) -> str:
        """The stable key `<shoot day>/<media type>/<roll>` used everywhere a roll is named."""
        return f"{self.shoot_day}/{self.media_type}/{self.roll}"


@dataclass(frozen=True)
class RollLocation:
    """Where one roll sits on a volume: its folder (relative, `/`-separated) and its identity.

    `camera_format` is the optional camera-format level between the media type and the roll; it
    becomes part of the storage path. `warnings` are problems that do not stop the roll.
    """

    identity: RollIdentity
    folder: str
    camera_format: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayoutProblem:
    """Something to tell about a folder holding an MHL: an error keeps it from being a roll, a
    warning (also listed in that roll's `warnings`) does not."""

    folder: str
    message: str
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True)
class LayoutAnalysis:
    """Every roll a profile found on a volume, and every problem, both sorted by folder."""

    rolls: tuple[RollLocation, ...]
    problems: tuple[LayoutProblem, ...]

    @property
    def errors(self) -> tuple[LayoutProblem, ...]:
        """The problems that keep a folder from being a roll (its roll is in LAYOUT_ERROR)."""
        return tuple(p for p in self.problems if p.severity == "error")


class LayoutProfile(Protocol):
    """A production's folder convention: MHL folders of a volume in, rolls and problems out."""

    @property
    def name(self) -> str: ...

    def analyse(self, mhl_folders: Iterable[str]) -> LayoutAnalysis: ...
