"""The Netflix profile, the default.

`[…/]<yyyyMMdd…>/{Camera_Media/[<format>/],Sound_Media/}<roll>/`.

FORMATS.md §5 and docs/layout.md describe the rules placed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rollkeeper.core.layout.analysis import (
    Rejected,
    Verdict,
    analyse,
    name_warnings,
    quoted,
    split_folder,
)
from rollkeeper.core.layout.model import (
    CAMERA_MEDIA,
    REPORTS,
    SOUND_MEDIA,
    LayoutAnalysis,
    RollIdentity,
    RollLocation,
)
from rollkeeper.core.layout.shoot_day import shoot_date_problem

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
        f"MHL below the roll root: {quoted(folder)}{levels} is inside roll folder "
        f"{quoted(roll_folder)}; "
        f"the roll's MHL must sit directly in the roll folder ({shape}), and everything below "
        f"it is the card's contents"
    )


def _above_root(folder: str, what: str, example_roll: str) -> str:
    return (
        f"MHL above the roll root: {quoted(folder)} is {what}; an MHL belongs in the folder of the "
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
            f"{SOUND_MEDIA} has no format level: sound roll {quoted(rel[1])} must sit directly in "
            f"{quoted(asset_path)} ('{asset_path}/{rel[1]}'), "
            f"not in {quoted(f'{asset_path}/{rel[0]}')}"
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
        return (
            f"MHL outside any shoot day: {quoted(folder)} is not inside a shoot day folder; {rule}"
        )
    asset = parts[asset_at]
    where = "at the top of the volume"
    if asset_at > 0:
        where = f"in {quoted('/'.join(parts[:asset_at]))}, which is not a shoot day folder"
    return (
        f"MHL outside any shoot day: asset folder {quoted(asset)} sits {where}; "
        f"it must sit directly in a shoot day folder; {rule}"
    )


def _netflix_verdict(folder: str) -> Verdict:
    """Place one MHL folder in the Netflix layout (FORMATS.md §5): find its shoot day, judge the
    shoot day folder, then the asset folder below it and the roll's place in that."""
    parts = split_folder(folder)
    asset_at = next((i for i, p in enumerate(parts) if _asset_key(p) in _ASSET_SPELLINGS), None)
    if asset_at is not None and parts[asset_at] == REPORTS:
        return None  # reports are not media: an MHL there is neither a roll nor an error
    day_at = _shoot_day_index(parts, asset_at)
    if day_at is None:
        return Rejected((_outside_shoot_day(folder, parts, asset_at),))
    day_path = "/".join(parts[: day_at + 1])
    errors, warnings = _shoot_day_findings(parts[day_at], day_path)
    if day_at == len(parts) - 1:
        errors.append(_above_root(day_path, "a shoot day folder", f"{CAMERA_MEDIA}/A001R1AB"))
        return Rejected(tuple(errors))
    return _asset_verdict(folder, parts, day_at, errors, warnings)


def _shoot_day_index(parts: Sequence[str], asset_at: int | None) -> int | None:
    """Which level is the shoot day: the one right above the asset folder when it looks like a
    date, else the first date-like level above the asset folder (or anywhere, without one)."""
    if asset_at is not None and asset_at > 0 and _DATE_LIKE.match(parts[asset_at - 1]):
        return asset_at - 1
    above = len(parts) if asset_at is None else asset_at
    return next((i for i in range(above) if _DATE_LIKE.match(parts[i])), None)


def _shoot_day_findings(day_name: str, day_path: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) for the shoot day folder's name: a real date, fields after a '_'."""
    problem = shoot_date_problem(day_name)
    if problem is not None:
        return [problem], []
    if day_name[8:] and not day_name[8:].startswith("_"):
        return [], [
            f"shoot day folder {quoted(day_path)}: the fields after the date are separated by '_' "
            f"(yyyyMMdd_EP###_Day##_Unit, e.g. 20230510_EP103_Day05_MU)"
        ]
    return [], []


def _asset_verdict(
    folder: str, parts: Sequence[str], day_at: int, errors: list[str], warnings: list[str]
) -> Verdict:
    """The verdict below the shoot day: the asset folder's name, then the roll's place in it.

    `errors` and `warnings` are what the shoot day folder already brought."""
    asset = parts[day_at + 1]
    asset_path = "/".join(parts[: day_at + 2])
    media_type = _ASSET_SPELLINGS.get(_asset_key(asset))
    if media_type is None:
        return Rejected(
            (
                *errors,
                f"unknown asset folder {quoted(asset_path)}: "
                f"a shoot day folder holds {_ACCEPTED_ASSETS}",
            )
        )
    if asset != media_type:
        errors = [
            *errors,
            f"asset folder {quoted(asset_path)} must be spelled {media_type} (folder names are "
            f"case-sensitive)",
        ]
    if media_type == REPORTS:
        return Rejected(tuple(errors)) if errors else None
    place = _camera_placement if media_type == CAMERA_MEDIA else _sound_placement
    placement = place(asset_path, parts[day_at + 2 :])
    if isinstance(placement, str):
        return Rejected((*errors, placement))
    if errors:
        return Rejected(tuple(errors))
    camera_format, roll = placement
    warnings = [*warnings, *name_warnings(parts, range(day_at, len(parts)))]
    return RollLocation(
        RollIdentity(parts[day_at], media_type, roll), folder, camera_format, tuple(warnings)
    )


@dataclass(frozen=True)
class NetflixProfile:
    """The Netflix Recommended import layout, the default:
    `[…/]<yyyyMMdd…>/{Camera_Media/[<format>/],Sound_Media/}<roll>/`."""

    name: str = field(default="netflix", init=False)

    def analyse(self, mhl_folders: Iterable[str]) -> LayoutAnalysis:
        """Rolls and problems for the MHL folders of one volume."""
        return analyse(mhl_folders, _netflix_verdict)
