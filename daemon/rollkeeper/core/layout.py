"""Folder-layout profiles: which MHL-holding folders of a volume are rolls, and what each is called.

A profile turns the folders that directly hold an MHL (`TreeScan.mhl_folders`) into roll
identities (shoot day, media type, roll) or into layout problems that name the folder, the rule
and the fix. Everything here is pure: plain strings in, plain data out, no file system access.
The user documentation of the profiles and the custom pattern language is docs/layout.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Literal, Protocol

from rollkeeper.core.hidden import is_hidden_name, is_hidden_path

CAMERA_MEDIA = "Camera_Media"
SOUND_MEDIA = "Sound_Media"
REPORTS = "Reports"

#: Characters a name may hold in the Netflix profile; anything else is a warning (FORMATS.md §5).
LEGAL_NAME_CHARACTERS = "A-Za-z0-9._-"

PROFILE_NAMES = ("netflix", "flat", "custom")
DEFAULT_PROFILE = "netflix"

DEFAULT_CUSTOM_PATTERN = "{*}/{shoot_day}/{media_type}/{format?}/{roll}"
DEFAULT_SHOOT_DAY_REGEX = r"\d{8}"


# --------------------------------------------------------------------------------------------
# The results
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# What every profile shares: hidden folders, rolls inside rolls, the same roll twice
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rejected:
    """A folder that is not a roll, with the error messages that say why."""

    messages: tuple[str, ...]


#: What a profile decides for one folder on its own: a roll, an error, or nothing (not media).
_Verdict = RollLocation | _Rejected | None


def _analyse(mhl_folders: Iterable[str], verdict_of: Callable[[str], _Verdict]) -> LayoutAnalysis:
    """Judge each folder alone, then apply the rules that relate folders, in linear time.

    A folder below an accepted roll is a roll inside a roll (found by looking its ancestors up in
    a set, not by comparing pairs), and two rolls with the same identity are both errors. Each
    roll's warnings are repeated in `problems`, so that one list holds everything to tell.
    """
    problems: list[LayoutProblem] = []
    rolls: list[RollLocation] = []
    roll_folders: set[str] = set()
    nested: dict[str, list[str]] = {}
    # Sorted, every folder comes after the folders above it, so their verdicts are known.
    for folder in sorted({f for f in mhl_folders if not is_hidden_path(f)}):
        outer = _outermost_roll_above(folder, roll_folders)
        if outer is not None:
            nested.setdefault(outer, []).append(folder)
            problems.append(LayoutProblem(folder, _roll_inside_roll(folder, outer)))
            continue
        verdict = verdict_of(folder)
        if isinstance(verdict, RollLocation):
            rolls.append(verdict)
            roll_folders.add(folder)
        elif verdict is not None:
            problems.extend(LayoutProblem(folder, message) for message in verdict.messages)

    rolls = [_warn_of_nested(roll, nested.get(roll.folder, ())) for roll in rolls]
    rolls, duplicates = _split_duplicates(rolls)
    problems.extend(duplicates)
    problems.extend(LayoutProblem(r.folder, w, "warning") for r in rolls for w in r.warnings)
    problems.sort(key=lambda p: p.folder)  # stable: a folder's messages keep their order
    return LayoutAnalysis(tuple(rolls), tuple(problems))


def _outermost_roll_above(folder: str, roll_folders: set[str]) -> str | None:
    """The highest accepted roll folder strictly above `folder`, if any."""
    if not folder:
        return None
    if "" in roll_folders:
        return ""
    start = 0
    while (slash := folder.find("/", start)) != -1:
        if folder[:slash] in roll_folders:
            return folder[:slash]
        start = slash + 1
    return None


def _roll_inside_roll(folder: str, outer: str) -> str:
    return (
        f"roll inside a roll: {_q(folder)} holds an MHL but sits inside roll folder {_q(outer)}; "
        f"a roll has one MHL, at its root, so this folder is not a roll (if it is another card, "
        f"move it out of {_q(outer)})"
    )


def _warn_of_nested(roll: RollLocation, inner: Sequence[str]) -> RollLocation:
    if not inner:
        return roll
    notes = tuple(
        f"another MHL sits inside this roll, in {_q(folder)}: it is not a separate roll"
        for folder in inner
    )
    return replace(roll, warnings=roll.warnings + notes)


def _split_duplicates(
    rolls: list[RollLocation],
) -> tuple[list[RollLocation], list[LayoutProblem]]:
    """Rolls whose identity is unique on the volume, and an error for each one that is not."""
    by_id: dict[str, list[RollLocation]] = {}
    for roll in rolls:
        by_id.setdefault(roll.identity.id, []).append(roll)
    unique: list[RollLocation] = []
    problems: list[LayoutProblem] = []
    for roll in rolls:
        same = by_id[roll.identity.id]
        if len(same) == 1:
            unique.append(roll)
            continue
        others = [_q(r.folder) for r in same if r is not roll]
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        problems.append(
            LayoutProblem(
                roll.folder,
                f"the same roll twice on this volume: {_q(roll.folder)} and {shown} "
                f"{'both name' if len(same) == 2 else 'all name'} roll {roll.identity.id}; a roll "
                f"name must be unique within its shoot day and media type, so none of them is "
                f"taken until the duplicate is renamed or removed",
            )
        )
    return unique, problems


def _q(folder: str) -> str:
    """A folder as messages show it."""
    return f"'{folder}'" if folder else "the volume root"


_ILLEGAL_CHARACTER = re.compile(f"[^{LEGAL_NAME_CHARACTERS}]")


def _name_warnings(parts: Sequence[str], indexes: Iterable[int]) -> list[str]:
    """A warning for each name (at `indexes` of the path `parts`) with characters outside the
    legal set; such names break tools and storage paths further down the pipeline."""
    warnings = []
    for i in indexes:
        bad = sorted(set(_ILLEGAL_CHARACTER.findall(parts[i])))
        if bad:
            shown = " ".join(repr(c) for c in bad)
            warnings.append(
                f"name {_q('/'.join(parts[: i + 1]))} has characters outside "
                f"[{LEGAL_NAME_CHARACTERS}]: {shown}; rename it to keep paths portable"
            )
    return warnings


def _split(folder: str) -> list[str]:
    return folder.split("/") if folder else []


# --------------------------------------------------------------------------------------------
# Shoot days and dates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShootDayName:
    """The fields of a shoot day folder name `yyyyMMdd[_EP###][_Day##][_Unit]`."""

    shoot_date: date
    episode: str | None = None
    day: str | None = None
    unit: str | None = None


_EPISODE_FIELD = re.compile(r"EP\d{3}|Block\d{2}|B\d{2}|BK\d", re.ASCII)
_DAY_FIELD = re.compile(r"Day\d{2,3}|D\d{2,3}|\d{2}", re.ASCII)


def parse_shoot_day_name(name: str) -> ShootDayName:
    """Read a Netflix shoot day folder name; ValueError says what is wrong and how to spell it."""
    problem = _shoot_date_problem(name)
    shoot_date = _calendar_date(name[:8]) if problem is None else None
    if shoot_date is None:
        raise ValueError(problem)
    fields = name[9:].split("_") if name[8:9] == "_" else []
    episode = day = None
    if fields and _EPISODE_FIELD.fullmatch(fields[0]):
        episode = fields.pop(0)
    if fields and _DAY_FIELD.fullmatch(fields[0]):
        day = fields.pop(0)
    unit = "_".join(fields) or None
    return ShootDayName(shoot_date, episode, day, unit)


def _leading_digits(name: str) -> int:
    """How many ASCII digits `name` starts with."""
    return len(name) - len(name.lstrip("0123456789"))


def _calendar_date(digits: str) -> date | None:
    """The date spelled `yyyyMMdd`, or None when no such day exists."""
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _why_not_a_date(digits: str) -> str:
    year, month = int(digits[:4]), int(digits[4:6])
    if year == 0:
        return "year 0000 does not exist"
    if not 1 <= month <= 12:
        return f"month {digits[4:6]} does not exist"
    return f"{digits[:4]}-{digits[4:6]} has no day {digits[6:8]}"


def _reordered_date_hint(digits: str) -> str:
    """A suggestion when 8 digits that are no yyyyMMdd date read as ddMMyyyy or MMddyyyy."""
    readings = {
        _calendar_date(digits[4:] + digits[2:4] + digits[:2]),  # ddMMyyyy
        _calendar_date(digits[4:] + digits[:2] + digits[2:4]),  # MMddyyyy
    }
    spellings = sorted(d.strftime("%Y%m%d") for d in readings if d and 1900 <= d.year <= 2099)
    if not spellings:
        return ""
    return f"; if it is written day or month first, use yyyyMMdd: {' or '.join(spellings)}"


def _shoot_date_problem(name: str) -> str | None:
    """Why a shoot day folder name does not start with a real `yyyyMMdd` date, or None."""
    digits = name[: _leading_digits(name)]
    shown = _q(name)
    if len(digits) == 8:
        if _calendar_date(digits) is not None:
            return None
        return (
            f"shoot day folder {shown} starts with {digits}, which is not a real calendar date "
            f"({_why_not_a_date(digits)}); the name must start with the shoot date as yyyyMMdd"
            f"{_reordered_date_hint(digits)}"
        )
    if len(digits) == 6:
        candidate = "20" + digits
        if _calendar_date(candidate) is not None:
            return (
                f"shoot day folder {shown} has a 6-digit date (yyMMdd); "
                f"use yyyyMMdd: {candidate} (rename it to '{candidate}{name[6:]}')"
            )
        return (
            f"shoot day folder {shown} starts with 6 digits that are not a yyMMdd date either; "
            f"the name must start with the shoot date as yyyyMMdd (e.g. 20261121)"
        )
    if digits:
        return (
            f"shoot day folder {shown} starts with {len(digits)} digits; the shoot date is "
            f"exactly 8 (yyyyMMdd, e.g. 20261121)"
        )
    return (
        f"{shown} is not a shoot day folder: its name must start with the shoot date as "
        f"yyyyMMdd (e.g. 20261121_Day01)"
    )


# --------------------------------------------------------------------------------------------
# The Netflix profile
# --------------------------------------------------------------------------------------------

#: Asset folder spellings, keyed by name lowercased without separators, to name the right one.
_ASSET_SPELLINGS = {
    "cameramedia": CAMERA_MEDIA,
    "soundmedia": SOUND_MEDIA,
    "reports": REPORTS,
    "report": REPORTS,
}
_ASSET_KEY_NOISE = re.compile(r"[^a-z0-9]")
_DATE_LIKE = re.compile(r"\d{6}", re.ASCII)  # a date, or an attempt at one
_CAMERA_ROLL = re.compile(
    r"[A-Z]\d{3}(?:[A-Z][A-Z0-9]{3})?"  # A001, A001R1AB (ARRI), A001C001
    r"|[A-Z]\d{3}_[A-Z0-9]{6}\.RDM",  # A001_1121XY.RDM (RED)
    re.IGNORECASE | re.ASCII,
)
_SOUND_ROLL = re.compile(r"S\d{3,4}", re.IGNORECASE | re.ASCII)
#: Top-level folders of camera cards: a folder with one of these names is card contents.
_CARD_FOLDERS = frozenset(
    {"clip", "clips", "private", "xdroot", "dcim", "contents", "m4root", "bpav", "avchd"}
)
_ACCEPTED_ASSETS = f"{CAMERA_MEDIA} and {SOUND_MEDIA} (media), and {REPORTS} (not media)"


def _asset_key(name: str) -> str:
    return _ASSET_KEY_NOISE.sub("", name.lower())


def _looks_like_camera_roll(name: str) -> bool:
    return _CAMERA_ROLL.fullmatch(name) is not None


def _format_then_roll(upper: str, lower: str) -> bool:
    """Whether `Camera_Media/<upper>/<lower>` is `<format>/<roll>` rather than a folder inside
    roll `<upper>` (the disambiguation rule documented in docs/layout.md)."""
    if _looks_like_camera_roll(upper) and (
        not _looks_like_camera_roll(lower) or lower.startswith(upper)
    ):
        return False
    return lower.lower() not in _CARD_FOLDERS


def _below_root(folder: str, roll_folder: str, media_type: str, shape: str, depth: int) -> str:
    levels = f" ({depth} levels inside {media_type})" if depth > 2 else ""
    return (
        f"MHL below the roll root: {_q(folder)}{levels} is inside roll folder {_q(roll_folder)}; "
        f"the roll's MHL must sit directly in the roll folder ({shape}), and everything below "
        f"it is the card's contents"
    )


def _above_root(folder: str, what: str, example_roll: str) -> str:
    return (
        f"MHL above the roll root: {_q(folder)} is {what}; an MHL belongs in the folder of the "
        f"roll it describes, e.g. '{folder}/{example_roll}'"
    )


def _camera_placement(asset_path: str, rel: Sequence[str]) -> tuple[str | None, str] | str:
    """(camera format, roll) for an MHL folder at `rel` inside Camera_Media, or an error."""
    if not rel:
        return _above_root(asset_path, "an asset folder", "A001R1AB")
    if len(rel) == 1:
        return None, rel[0]
    if _format_then_roll(rel[0], rel[1]):
        if len(rel) == 2:
            return rel[0], rel[1]
        roll_folder = f"{asset_path}/{rel[0]}/{rel[1]}"
    else:
        roll_folder = f"{asset_path}/{rel[0]}"
    folder = f"{asset_path}/{'/'.join(rel)}"
    return _below_root(
        folder, roll_folder, CAMERA_MEDIA, f"{CAMERA_MEDIA}/[<format>/]<roll>/", len(rel)
    )


def _sound_placement(asset_path: str, rel: Sequence[str]) -> tuple[str | None, str] | str:
    """(None, roll) for an MHL folder at `rel` inside Sound_Media, or an error."""
    if not rel:
        return _above_root(asset_path, "an asset folder", "S001")
    if len(rel) == 1:
        return None, rel[0]
    folder = f"{asset_path}/{'/'.join(rel)}"
    if len(rel) == 2 and _SOUND_ROLL.fullmatch(rel[1]) and not _SOUND_ROLL.fullmatch(rel[0]):
        return (
            f"{SOUND_MEDIA} has no format level: sound roll {_q(rel[1])} must sit directly in "
            f"{_q(asset_path)} ('{asset_path}/{rel[1]}'), not in {_q(f'{asset_path}/{rel[0]}')}"
        )
    return _below_root(
        folder, f"{asset_path}/{rel[0]}", SOUND_MEDIA, f"{SOUND_MEDIA}/<roll>/", len(rel)
    )


def _outside_shoot_day(folder: str, parts: Sequence[str], asset_at: int | None) -> str:
    rule = (
        "rolls go in <shoot day>/Camera_Media/[<format>/]<roll> or <shoot day>/Sound_Media/<roll>, "
        "where the shoot day folder's name starts with the shoot date as yyyyMMdd "
        "(e.g. 20261121_Day01)"
    )
    if asset_at is None:
        return f"MHL outside any shoot day: {_q(folder)} is not inside a shoot day folder; {rule}"
    asset = parts[asset_at]
    where = "at the top of the volume"
    if asset_at > 0:
        where = f"in {_q('/'.join(parts[:asset_at]))}, which is not a shoot day folder"
    return (
        f"MHL outside any shoot day: asset folder {_q(asset)} sits {where}; it must sit directly "
        f"in a shoot day folder; {rule}"
    )


def _netflix_verdict(folder: str) -> _Verdict:
    """Place one MHL folder in the Netflix layout (FORMATS.md §5)."""
    parts = _split(folder)
    asset_at = next((i for i, p in enumerate(parts) if _asset_key(p) in _ASSET_SPELLINGS), None)
    if asset_at is not None and parts[asset_at] == REPORTS:
        return None  # reports are not media: an MHL there is neither a roll nor an error
    day_at: int | None
    if asset_at is not None and asset_at > 0 and _DATE_LIKE.match(parts[asset_at - 1]):
        day_at = asset_at - 1
    else:
        above = len(parts) if asset_at is None else asset_at
        day_at = next((i for i in range(above) if _DATE_LIKE.match(parts[i])), None)
    if day_at is None:
        return _Rejected((_outside_shoot_day(folder, parts, asset_at),))

    day_name = parts[day_at]
    day_path = "/".join(parts[: day_at + 1])
    errors: list[str] = []
    warnings: list[str] = []
    date_problem = _shoot_date_problem(day_name)
    if date_problem is not None:
        errors.append(date_problem)
    elif day_name[8:] and not day_name[8:].startswith("_"):
        warnings.append(
            f"shoot day folder {_q(day_path)}: the fields after the date are separated by '_' "
            f"(yyyyMMdd_EP###_Day##_Unit, e.g. 20230510_EP103_Day05_MU)"
        )
    if day_at == len(parts) - 1:
        errors.append(_above_root(day_path, "a shoot day folder", f"{CAMERA_MEDIA}/A001R1AB"))
        return _Rejected(tuple(errors))

    asset = parts[day_at + 1]
    asset_path = f"{day_path}/{asset}"
    media_type = _ASSET_SPELLINGS.get(_asset_key(asset))
    if media_type is None:
        errors.append(
            f"unknown asset folder {_q(asset_path)}: a shoot day folder holds {_ACCEPTED_ASSETS}"
        )
        return _Rejected(tuple(errors))
    if asset != media_type:
        errors.append(
            f"asset folder {_q(asset_path)} must be spelled {media_type} (folder names are "
            f"case-sensitive)"
        )
    if media_type == REPORTS:
        return _Rejected(tuple(errors)) if errors else None

    rel = parts[day_at + 2 :]
    place = _camera_placement if media_type == CAMERA_MEDIA else _sound_placement
    placement = place(asset_path, rel)
    if isinstance(placement, str):
        return _Rejected((*errors, placement))
    if errors:
        return _Rejected(tuple(errors))
    camera_format, roll = placement
    warnings.extend(_name_warnings(parts, range(day_at, len(parts))))
    return RollLocation(
        RollIdentity(day_name, media_type, roll), folder, camera_format, tuple(warnings)
    )


@dataclass(frozen=True)
class NetflixProfile:
    """The Netflix Recommended import layout, the default:
    `[…/]<yyyyMMdd…>/{Camera_Media/[<format>/],Sound_Media/}<roll>/`."""

    name: str = field(default="netflix", init=False)

    def analyse(self, mhl_folders: Iterable[str]) -> LayoutAnalysis:
        """Rolls and problems for the MHL folders of one volume."""
        return _analyse(mhl_folders, _netflix_verdict)


# --------------------------------------------------------------------------------------------
# The flat profile
# --------------------------------------------------------------------------------------------

_EIGHT_DIGITS = re.compile(r"(?<!\d)\d{8}(?!\d)", re.ASCII)


def _first_shoot_date(parts: Sequence[str]) -> str:
    """The first run of exactly 8 digits in the path that is a real yyyyMMdd date, or ""."""
    for part in parts:
        for match in _EIGHT_DIGITS.finditer(part):
            if _calendar_date(match.group()) is not None:
                return match.group()
    return ""


def _flat_verdict(folder: str) -> _Verdict:
    if not folder:
        return _Rejected(
            (
                "the volume root holds an MHL: the flat profile names a roll by its folder, so "
                "each roll must be in its own folder below the root",
            )
        )
    shoot_day = _first_shoot_date(_split(folder))
    return RollLocation(RollIdentity(shoot_day, "", folder), folder)


@dataclass(frozen=True)
class FlatProfile:
    """No convention: every folder that holds an MHL is a roll, named by its path."""

    name: str = field(default="flat", init=False)

    def analyse(self, mhl_folders: Iterable[str]) -> LayoutAnalysis:
        """Rolls and problems for the MHL folders of one volume."""
        return _analyse(mhl_folders, _flat_verdict)


# --------------------------------------------------------------------------------------------
# The custom profile: a pattern of folder levels
# --------------------------------------------------------------------------------------------

_SegmentKind = Literal["literal", "any", "shoot_day", "media_type", "format", "roll"]
_PLACEHOLDERS: dict[str, tuple[_SegmentKind, bool]] = {
    "*": ("any", True),
    "shoot_day": ("shoot_day", False),
    "media_type": ("media_type", False),
    "format": ("format", False),
    "format?": ("format", True),
    "roll": ("roll", False),
}
_KNOWN_PLACEHOLDERS = ", ".join("{" + p + "}" for p in _PLACEHOLDERS)


@dataclass(frozen=True)
class _Segment:
    """One level of a layout pattern: a literal folder name or a placeholder."""

    kind: _SegmentKind
    text: str  # as written in the pattern
    optional: bool = False


def _parse_pattern(pattern: str) -> tuple[_Segment, ...]:
    """The levels of a layout pattern; ValueError names what is wrong with it."""
    if not pattern.strip():
        raise ValueError("layout pattern is empty: it needs at least {roll}")
    segments: list[_Segment] = []
    seen: set[str] = set()
    for raw in pattern.split("/"):
        if not raw:
            raise ValueError(
                f"layout pattern {pattern!r} has an empty level (a leading, trailing or "
                f"doubled '/')"
            )
        inner = raw[1:-1]
        if raw[0] == "{" and raw[-1] == "}" and "{" not in inner and "}" not in inner:
            if inner not in _PLACEHOLDERS:
                base = inner.removesuffix("?")
                if inner.endswith("?") and base in _PLACEHOLDERS:
                    raise ValueError(
                        f"layout pattern {pattern!r}: {raw} cannot be optional; only {{format?}} "
                        f"(the camera-format level) can"
                    )
                raise ValueError(
                    f"unknown placeholder {raw} in layout pattern {pattern!r}; the known ones "
                    f"are {_KNOWN_PLACEHOLDERS}"
                )
            kind, optional = _PLACEHOLDERS[inner]
            if kind in seen:
                raise ValueError(
                    f"layout pattern {pattern!r} has {{{inner.removesuffix('?')}}} twice; each "
                    f"placeholder may appear once (two would make the layout ambiguous)"
                )
            seen.add(kind)
            segments.append(_Segment(kind, raw, optional))
        elif "{" in raw or "}" in raw:
            raise ValueError(
                f"layout pattern {pattern!r}: level {raw!r} mixes text and braces; a placeholder "
                f"must fill a whole folder level, e.g. '{{shoot_day}}'"
            )
        elif is_hidden_name(raw):
            raise ValueError(
                f"layout pattern {pattern!r}: level {raw!r} is a hidden or system name, and "
                f"hidden folders are never media"
            )
        else:
            segments.append(_Segment("literal", raw))
    if "roll" not in seen:
        raise ValueError(
            f"layout pattern {pattern!r} has no {{roll}}: every pattern ends with {{roll}}, the "
            f"folder that holds the roll's MHL"
        )
    if segments[-1].kind != "roll":
        raise ValueError(
            f"layout pattern {pattern!r}: {{roll}} must be the last level, since the roll is the "
            f"folder that holds the MHL"
        )
    return tuple(segments)


def _compile(option: str, regex: str) -> re.Pattern[str]:
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
        kinds = {segment.kind for segment in _parse_pattern(self.pattern)}
        _compile("shoot_day_regex", self.shoot_day_regex)
        if self.roll_regex is not None:
            _compile("roll_regex", self.roll_regex)
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


#: One way of laying a pattern over a path: each non-`{*}` level with the index of its folder.
_Alignment = list[tuple[_Segment, int]]


class CustomProfile:
    """A layout described by a `CustomLayoutSpec` pattern; see docs/layout.md."""

    def __init__(self, spec: CustomLayoutSpec) -> None:
        self.spec = spec
        self._segments = _parse_pattern(spec.pattern)
        self._shoot_day = _compile("shoot_day_regex", spec.shoot_day_regex)
        self._roll = None if spec.roll_regex is None else _compile("roll_regex", spec.roll_regex)
        self._media_types = dict(spec.media_types)
        self._ignore = frozenset(spec.ignore_folders)

    @property
    def name(self) -> str:
        return "custom"

    def analyse(self, mhl_folders: Iterable[str]) -> LayoutAnalysis:
        """Rolls and problems for the MHL folders of one volume."""
        return _analyse(mhl_folders, self._verdict)

    def _verdict(self, folder: str) -> _Verdict:
        parts = _split(folder)
        if self._ignore.intersection(parts):
            return None
        for alignment in self._align(self._segments, parts, 0, 0, strict=True):
            return self._roll_location(folder, parts, alignment)
        return _Rejected(tuple(self._diagnose(folder, parts)))

    def _align(
        self, segments: Sequence[_Segment], parts: Sequence[str], at: int, pos: int, *, strict: bool
    ) -> Iterator[_Alignment]:
        """Every way of laying `segments[at:]` over `parts[pos:]`, all folders used.

        `{*}` takes as many folders as it can first, an optional level is tried present first;
        `strict` keeps only layings where every folder fits its level.
        """
        if at == len(segments):
            if pos == len(parts):
                yield []
            return
        segment = segments[at]
        if segment.kind == "any":
            needed = sum(1 for s in segments[at + 1 :] if not s.optional)
            for taken in range(len(parts) - pos - needed, -1, -1):
                yield from self._align(segments, parts, at + 1, pos + taken, strict=strict)
            return
        if pos < len(parts) and (not strict or self._fits(segment, parts[pos])):
            for rest in self._align(segments, parts, at + 1, pos + 1, strict=strict):
                yield [(segment, pos), *rest]
        if segment.optional:
            yield from self._align(segments, parts, at + 1, pos, strict=strict)

    def _fits(self, segment: _Segment, name: str) -> bool:
        match segment.kind:
            case "literal":
                return name == segment.text
            case "shoot_day":
                return self._shoot_day.match(name) is not None
            case "media_type":
                return not self._media_types or name in self._media_types
            case "roll":
                return self._roll is None or self._roll.match(name) is not None
            case _:
                return True

    def _misfit(self, segment: _Segment, name: str, path: str) -> str:
        """Why folder `name` (at `path`) does not fit `segment`."""
        if segment.kind == "literal":
            if name.lower() == segment.text.lower():
                return (
                    f"folder {_q(path)} must be spelled {segment.text} (names are case-sensitive)"
                )
            return f"expected a folder named {segment.text} at {_q(path)}, found {name!r}"
        if segment.kind == "shoot_day":
            hint = ""
            if _leading_digits(name) == 6 and self._shoot_day.match("20" + name):
                hint = f"; use yyyyMMdd: 20{name[:6]}"
            return (
                f"{_q(path)} is not a shoot day folder: its name must begin with a match of "
                f"shoot_day_regex '{self.spec.shoot_day_regex}'{hint}"
            )
        if segment.kind == "media_type":
            for known in self._media_types:
                if known.lower() == name.lower():
                    return (
                        f"media folder {_q(path)} must be spelled {known} (names are "
                        f"case-sensitive)"
                    )
            accepted = ", ".join(self._media_types)
            return f"unknown media folder {_q(path)}: the accepted ones are {accepted}"
        hint = ""
        if any(level.kind == "format" for level in self._segments):
            hint = "; if it is a camera-format folder, its MHL belongs in the rolls inside it"
        return f"roll folder {_q(path)} does not match roll_regex '{self.spec.roll_regex}'{hint}"

    def _misfits(self, parts: Sequence[str], alignment: _Alignment) -> list[str]:
        return [
            self._misfit(segment, parts[i], "/".join(parts[: i + 1]))
            for segment, i in alignment
            if not self._fits(segment, parts[i])
        ]

    def _roll_location(
        self, folder: str, parts: Sequence[str], alignment: _Alignment
    ) -> RollLocation:
        named = {segment.kind: parts[i] for segment, i in alignment}
        media_folder = named.get("media_type")
        media_type = (
            "" if media_folder is None else self._media_types.get(media_folder, media_folder)
        )
        identity = RollIdentity(named.get("shoot_day", ""), media_type, named["roll"])
        warnings = _name_warnings(parts, (i for _, i in alignment)) if self.spec.check_names else []
        return RollLocation(identity, folder, named.get("format"), tuple(warnings))

    def _diagnose(self, folder: str, parts: Sequence[str]) -> list[str]:
        """Why a folder does not fit, read in order of evidence: inside a folder that fits as a
        roll (below the roll root); fitting as a constrained level above the roll (above it); the
        reading of the whole path with the fewest misfitting names; fitting only as a free
        camera-format level (above the roll root, weakly)."""
        below = self._below_root(folder, parts)
        if below is not None:
            return [below]
        above, weak = self._above_root(folder, parts)
        if above is not None and not weak:
            return [above]
        best: list[str] | None = None
        for alignment in self._align(self._segments, parts, 0, 0, strict=False):
            misfits = self._misfits(parts, alignment)
            if misfits and (best is None or len(misfits) < len(best)):
                best = misfits
                if len(best) == 1:
                    return best
        if above is not None:
            return [above]
        if best is not None:
            return best
        return [
            f"{_q(folder)} does not fit the layout pattern {self.spec.pattern!r}: it is "
            f"{len(parts)} folder level{'' if len(parts) == 1 else 's'} deep, which no "
            f"reading of the pattern allows"
        ]

    def _below_root(self, folder: str, parts: Sequence[str]) -> str | None:
        """The "MHL below the roll root" message when a folder above this one fits as a roll."""
        for depth in range(1, len(parts)):
            fits = next(self._align(self._segments, parts[:depth], 0, 0, strict=True), None)
            if fits is not None:
                return (
                    f"MHL below the roll root: {_q(folder)} is inside roll folder "
                    f"{_q('/'.join(parts[:depth]))} (layout pattern {self.spec.pattern!r}); the "
                    f"roll's MHL must sit directly in the roll folder, and everything below it "
                    f"is the card's contents"
                )
        return None

    def _above_root(self, folder: str, parts: Sequence[str]) -> tuple[str | None, bool]:
        """The "MHL above the roll root" message when this folder fits as a level above the
        roll, and whether that is a free camera-format level (weak evidence: any name fits)."""
        segments = self._segments
        for end in range(len(segments) - 1, 0, -1):
            for alignment in self._align(segments[:end], parts, 0, 0, strict=True):
                if alignment and alignment[-1][1] == len(parts) - 1:
                    level = alignment[-1][0]
                    what = {
                        "literal": f"the {level.text} folder",
                        "shoot_day": "a shoot day folder",
                        "media_type": "a media folder",
                        "format": "a camera-format folder",
                    }.get(level.kind, "a folder")
                    message = (
                        f"MHL above the roll root: {_q(folder)} is {what} in the layout pattern "
                        f"{self.spec.pattern!r}; an MHL belongs in the folder of the roll it "
                        f"describes"
                    )
                    return message, level.kind == "format"
        return None, False


# --------------------------------------------------------------------------------------------
# Choosing a profile
# --------------------------------------------------------------------------------------------


def build_profile(name: str, custom: CustomLayoutSpec | None = None) -> LayoutProfile:
    """The layout profile called `name` (see PROFILE_NAMES); `custom` configures `custom` and is
    not consulted by the others. ValueError for an unknown name or `custom` without a spec."""
    match name:
        case "netflix":
            return NetflixProfile()
        case "flat":
            return FlatProfile()
        case "custom":
            if custom is None:
                raise ValueError(
                    "layout profile 'custom' needs its settings (a pattern such as "
                    f"{DEFAULT_CUSTOM_PATTERN!r}); see docs/layout.md"
                )
            return CustomProfile(custom)
    known = ", ".join(repr(n) for n in PROFILE_NAMES)
    raise ValueError(f"unknown layout profile {name!r}; the known ones are {known}")
