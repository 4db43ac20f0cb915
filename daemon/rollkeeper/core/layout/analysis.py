"""What every layout profile shares: hidden folders, rolls inside rolls, the same roll twice.

A profile judges each MHL folder alone (a `Verdict`); `analyse` applies the rules that relate
folders and words the messages the same way for every profile.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from rollkeeper.core.hidden import is_hidden_path
from rollkeeper.core.layout.model import (
    LEGAL_NAME_CHARACTERS,
    LayoutAnalysis,
    LayoutProblem,
    RollLocation,
)


@dataclass(frozen=True)
class Rejected:
    """A folder that is not a roll, with the error messages that say why."""

    messages: tuple[str, ...]


#: What a profile decides for one folder on its own: a roll, an error, or nothing (not media).
Verdict = RollLocation | Rejected | None


def analyse(mhl_folders: Iterable[str], verdict_of: Callable[[str], Verdict]) -> LayoutAnalysis:
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
        f"roll inside a roll: {quoted(folder)} holds an MHL but sits inside roll folder "
        f"{quoted(outer)}; "
        f"a roll has one MHL, at its root, so this folder is not a roll (if it is another card, "
        f"move it out of {quoted(outer)})"
    )


def _warn_of_nested(roll: RollLocation, inner: Sequence[str]) -> RollLocation:
    if not inner:
        return roll
    notes = tuple(
        f"another MHL sits inside this roll, in {quoted(folder)}: it is not a separate roll"
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
        others = [quoted(r.folder) for r in same if r is not roll]
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        problems.append(
            LayoutProblem(
                roll.folder,
                f"the same roll twice on this volume: {quoted(roll.folder)} and {shown} "
                f"{'both name' if len(same) == 2 else 'all name'} roll {roll.identity.id}; a roll "
                f"name must be unique within its shoot day and media type, so none of them is "
                f"taken until the duplicate is renamed or removed",
            )
        )
    return unique, problems


def quoted(folder: str) -> str:
    """A folder as messages show it."""
    return f"'{folder}'" if folder else "the volume root"


_ILLEGAL_CHARACTER = re.compile(f"[^{LEGAL_NAME_CHARACTERS}]")


def name_warnings(parts: Sequence[str], indexes: Iterable[int]) -> list[str]:
    """A warning for each name (at `indexes` of the path `parts`) with characters outside the
    legal set; such names break tools and storage paths further down the pipeline."""
    warnings = []
    for i in indexes:
        bad = sorted(set(_ILLEGAL_CHARACTER.findall(parts[i])))
        if bad:
            shown = " ".join(repr(c) for c in bad)
            warnings.append(
                f"name {quoted('/'.join(parts[: i + 1]))} has characters outside "
                f"[{LEGAL_NAME_CHARACTERS}]: {shown}; rename it to keep paths portable"
            )
    return warnings


def split_folder(folder: str) -> list[str]:
    return folder.split("/") if folder else []
