"""The custom profile's settings: its pattern of folder levels, parsed and checked.

The pattern language is described in docs/layout.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from rollkeeper.core.hidden import is_hidden_name
from rollkeeper.core.layout.model import DEFAULT_CUSTOM_PATTERN, DEFAULT_SHOOT_DAY_REGEX, REPORTS

SegmentKind = Literal["literal", "any", "shoot_day", "media_type", "format", "roll"]
_PLACEHOLDERS: dict[str, tuple[SegmentKind, bool]] = {
    "*": ("any", True),
    "shoot_day": ("shoot_day", False),
    "media_type": ("media_type", False),
    "format": ("format", False),
    "format?": ("format", True),
    "roll": ("roll", False),
}
_KNOWN_PLACEHOLDERS = ", ".join("{" + p + "}" for p in _PLACEHOLDERS)


@dataclass(frozen=True)
class Segment:
    """One level of a layout pattern: a literal folder name or a placeholder."""

    kind: SegmentKind
    text: str  # as written in the pattern
    optional: bool = False


def parse_pattern(pattern: str) -> tuple[Segment, ...]:
    """The levels of a layout pattern; ValueError names what is wrong with it."""
    if not pattern.strip():
        raise ValueError("layout pattern is empty: it needs at least {roll}")
    segments: list[Segment] = []
    seen: set[str] = set()
    for raw in pattern.split("/"):
        segment = _level(pattern, raw)
        if segment.kind != "literal":
            if segment.kind in seen:
                raise ValueError(
                    f"layout pattern {pattern!r} has {{{raw[1:-1].removesuffix('?')}}} twice; "
                    f"each placeholder may appear once (two would make the layout ambiguous)"
                )
            seen.add(segment.kind)
        segments.append(segment)
    _check_roll_is_last(pattern, segments)
    return tuple(segments)


def _level(pattern: str, raw: str) -> Segment:
    """One level as written: a placeholder filling the whole level, or a plain folder name."""
    if not raw:
        raise ValueError(
            f"layout pattern {pattern!r} has an empty level (a leading, trailing or doubled '/')"
        )
    inner = raw[1:-1]
    if raw[0] == "{" and raw[-1] == "}" and "{" not in inner and "}" not in inner:
        return _placeholder(pattern, raw)
    if "{" in raw or "}" in raw:
        raise ValueError(
            f"layout pattern {pattern!r}: level {raw!r} mixes text and braces; a placeholder "
            f"must fill a whole folder level, e.g. '{{shoot_day}}'"
        )
    if is_hidden_name(raw):
        raise ValueError(
            f"layout pattern {pattern!r}: level {raw!r} is a hidden or system name, and "
            f"hidden folders are never media"
        )
    return Segment("literal", raw)


def _placeholder(pattern: str, raw: str) -> Segment:
    """The placeholder `raw` (`{…}`), which must be a known one; only `{format?}` is optional."""
    inner = raw[1:-1]
    if inner not in _PLACEHOLDERS:
        if inner.endswith("?") and inner.removesuffix("?") in _PLACEHOLDERS:
            raise ValueError(
                f"layout pattern {pattern!r}: {raw} cannot be optional; only {{format?}} "
                f"(the camera-format level) can"
            )
        raise ValueError(
            f"unknown placeholder {raw} in layout pattern {pattern!r}; the known ones "
            f"are {_KNOWN_PLACEHOLDERS}"
        )
    kind, optional = _PLACEHOLDERS[inner]
    return Segment(kind, raw, optional)


def _check_roll_is_last(pattern: str, segments: Sequence[Segment]) -> None:
    """Every pattern has `{roll}`, as its last level: the roll is the folder holding the MHL."""
    if not any(segment.kind == "roll" for segment in segments):
        raise ValueError(
            f"layout pattern {pattern!r} has no {{roll}}: every pattern ends with {{roll}}, the "
            f"folder that holds the roll's MHL"
        )
    if segments[-1].kind != "roll":
        raise ValueError(
            f"layout pattern {pattern!r}: {{roll}} must be the last level, since the roll is the "
            f"folder that holds the MHL"
        )


def compile_regex(option: str, regex: str) -> re.Pattern[str]:
    """The compiled regex of setting `option`; ValueError when it is not a valid one."""
    try:
        return re.compile(regex)
    except re.error as err:
        raise ValueError(f"{option} '{regex}' is not a valid regular expression: {err}") from err


@dataclass(frozen=True)
class CustomLayoutSpec:
    """A production's own layout for the `custom` profile (the language: docs/layout.md).

    `pattern` lists the folder levels from the volume root down to the roll. `shoot_day_regex`
    and `roll_regex` must match at the start of the folder name. `media_types` maps media folder
    names (case-sensitive) to canonical media types; empty means any name, taken as it is.
    A folder named in `ignore_folders`, at any level, is not media. `check_names` turns on the
    Netflix legal-character warnings. Every setting is checked here: ValueError names the problem.
    """

    pattern: str = DEFAULT_CUSTOM_PATTERN
    shoot_day_regex: str = DEFAULT_SHOOT_DAY_REGEX
    media_types: Mapping[str, str] = field(default_factory=dict, hash=False)
    roll_regex: str | None = None
    ignore_folders: tuple[str, ...] = (REPORTS,)
    check_names: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "media_types", MappingProxyType(dict(self.media_types)))
        object.__setattr__(self, "ignore_folders", tuple(self.ignore_folders))
        kinds = {segment.kind for segment in parse_pattern(self.pattern)}
        compile_regex("shoot_day_regex", self.shoot_day_regex)
        if self.roll_regex is not None:
            compile_regex("roll_regex", self.roll_regex)
        if self.shoot_day_regex != DEFAULT_SHOOT_DAY_REGEX and "shoot_day" not in kinds:
            raise ValueError(
                f"shoot_day_regex is set but layout pattern {self.pattern!r} has no {{shoot_day}}"
            )
        if self.media_types and "media_type" not in kinds:
            raise ValueError(
                f"media_types is set but layout pattern {self.pattern!r} has no {{media_type}}"
            )
        for folder_name, media_type in self.media_types.items():
            if not folder_name or "/" in folder_name or is_hidden_name(folder_name):
                raise ValueError(f"media_types: {folder_name!r} is not a usable folder name")
            if not media_type or "/" in media_type:
                raise ValueError(
                    f"media_types: {folder_name!r} maps to {media_type!r}; a media type is a "
                    f"non-empty name without '/'"
                )
        for name in self.ignore_folders:
            if not name or "/" in name:
                raise ValueError(f"ignore_folders: {name!r} is not a folder name")
