"""How the roll report and the day summary say things: completeness, drives, totals, headlines.

Every sentence of `rollkeeper report` (HTML) and of a summary's sections is made here, from plain
data, so a report printed on set and a summary sent at wrap say the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Sequence as Seq
from dataclasses import dataclass
from datetime import UTC, datetime

from rollkeeper.core.completeness import SOUND, Completeness, RollSeen, Sequence
from rollkeeper.core.words.lines import size_text

#: How many rolls a line names before it says "and N more".
ROLLS_IN_A_LINE = 12


def clock(at: str) -> str:
    """A recorded moment as a person reads it: 2026-11-21 10:00 UTC."""
    return datetime.fromisoformat(at).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _some(names: Seq[str]) -> str:
    """Names, the first `ROLLS_IN_A_LINE` of them, then how many more."""
    shown = ", ".join(names[:ROLLS_IN_A_LINE])
    more = len(names) - ROLLS_IN_A_LINE
    return f"{shown} and {more} more" if more > 0 else shown


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


# --- day completeness ------------------------------------------------------------------------


def sequence_title(sequence: Sequence) -> str:
    """What a sequence is called: Camera A, Sound."""
    return "Sound" if sequence.key == SOUND else f"Camera {sequence.key}"


def sequence_line(sequence: Sequence) -> str:
    """A sequence in one line: how many rolls, which numbers, how many archived."""
    first, last = sequence.name(sequence.numbers[0]), sequence.name(sequence.numbers[-1])
    span = first if first == last else f"{first} to {last}"
    archived = (
        "all archived" if sequence.archived == sequence.rolls else (f"{sequence.archived} archived")
    )
    return f"{sequence_title(sequence)}: {_plural(sequence.rolls, 'roll')} ({span}), {archived}"


def _ranges(sequence: Sequence) -> list[str]:
    """The missing numbers of a sequence as names and runs: A003, A007 to A009."""
    numbers = [int(name[len(sequence.prefix) :]) for name in sequence.missing]
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return [
        sequence.name(run[0])
        if len(run) == 1
        else f"{sequence.name(run[0])} to {sequence.name(run[-1])}"
        for run in runs
    ]


def missing_line(sequence: Sequence) -> str | None:
    """The rolls a sequence skips: "A003 not seen on any drive" (None: no gap)."""
    if not sequence.missing:
        return None
    return f"{_some(_ranges(sequence))} not seen on any drive"


def not_archived_line(sequence: Sequence) -> str | None:
    """The rolls of a sequence seen but not yet archived, each with its state (None: none)."""
    if not sequence.not_archived:
        return None
    rolls = [f"{p.roll} ({p.state})" for p in sequence.not_archived]
    return f"{sequence_title(sequence)}, not yet archived: {_some(rolls)}"


def repeated_lines(sequence: Sequence) -> list[str]:
    """A roll number seen on more than one shoot day: a re-used card name, or a wrong one."""
    return [
        f"{name} seen on more than one shoot day: {', '.join(days)}"
        for name, days in sequence.repeated
    ]


def unrecognised_line(rolls: Seq[RollSeen]) -> str | None:
    """Rolls whose names fit no camera or sound pattern, so no sequence counts them."""
    if not rolls:
        return None
    names = [r.roll_id for r in rolls]
    return f"Roll names that fit no camera or sound pattern (in no sequence): {_some(names)}"


def completeness_lines(show: Completeness) -> list[str]:
    """The whole show's completeness, sequence by sequence, then the names no pattern fits."""
    if not show.sequences and not show.unrecognised:
        return ["No rolls seen yet."]
    lines: list[str] = []
    for sequence in show.sequences:
        lines.append(sequence_line(sequence))
        lines += [
            line
            for line in (missing_line(sequence), not_archived_line(sequence))
            if line is not None
        ]
        lines += repeated_lines(sequence)
    unrecognised = unrecognised_line(show.unrecognised)
    if unrecognised is not None:
        lines.append(unrecognised)
    return lines


# --- drives --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DriveWords:
    """What the "may be erased" panel says of one drive, from its recorded verdict."""

    label: str
    role: str
    judged: bool  # a verdict was recorded
    clear: bool
    level: str | None
    as_of: str | None
    stale: bool
    blocking: tuple[str, ...]
    erased_at: str | None
    mounted: bool = False
    rolls: int = 0  # rolls with a copy on it


#: Why a drive has no verdict: the same words in reports, summaries and on the dashboard.
NOT_JUDGED = "not judged yet"


def drive_line(drive: DriveWords, *, first_reason: bool = True) -> str:
    """One drive's answer as recorded, never more than `rollkeeper status` would claim; a
    refusal names its first reason unless the reasons are listed beneath it."""
    if not drive.judged:
        return f"{drive.label} ({drive.role}): keep — {NOT_JUDGED}"
    as_of = f"as of {clock(drive.as_of)}" if drive.as_of else "as recorded"
    if drive.clear and drive.stale:
        return (
            f"{drive.label} ({drive.role}): was clear {as_of}, now STALE — ask "
            "`rollkeeper clearance` before erasing"
        )
    if drive.clear:
        return f"{drive.label} may be erased ({drive.role}; {drive.level} level), {as_of}"
    blockers = _plural(len(drive.blocking), "reason")
    first = f": {drive.blocking[0]}" if drive.blocking and first_reason else ""
    return f"{drive.label} ({drive.role}): keep, {as_of} — {blockers}{first}"


def erased_line(drive: DriveWords) -> str | None:
    """When the drive was last recorded erased (None: never)."""
    return None if drive.erased_at is None else f"recorded erased {clock(drive.erased_at)}"


# --- totals and the summary's headline -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TotalsWords:
    """The counts a summary's headline and totals are said from."""

    scope: str | None  # a shoot day, or None for the whole show
    rolls: int
    files: int
    size: int
    by_state: tuple[tuple[str, int], ...]  # (roll state, how many), most first
    problems: int  # rolls with a problem
    drives_clear: tuple[str, ...]  # labels of the drives that may be erased


def scope_text(scope: str | None) -> str:
    """What a report or summary covers: shoot day 20261121, or the whole show."""
    return "the whole show" if scope is None else f"shoot day {scope}"


def _opening(scope: str | None) -> str:
    """The scope at the start of a sentence: The whole show, Shoot day 20261121."""
    text = scope_text(scope)
    return text[0].upper() + text[1:]


def headline(totals: TotalsWords) -> str:
    """The summary in one line, for a phone's lock screen."""
    if totals.rolls == 0:
        return f"{_opening(totals.scope)}: no rolls seen yet"
    states = dict(totals.by_state)
    parts = [f"{_plural(totals.rolls, 'roll')}, {size_text(totals.size)}"]
    done = states.get("uploaded", 0) + states.get("archived", 0)
    parts.append(f"{done} uploaded, {states.get('archived', 0)} archived")
    if totals.problems:
        parts.append(f"{_plural(totals.problems, 'roll')} with problems")
    if totals.drives_clear:
        parts.append(f"{_some(list(totals.drives_clear))} may be erased")
    return f"{_opening(totals.scope)}: " + "; ".join(parts)


def totals_lines(totals: TotalsWords) -> list[str]:
    """Counts and bytes: how many rolls in each state, how many files, how big."""
    if totals.rolls == 0:
        return ["No rolls seen yet."]
    states = ", ".join(f"{count} {state}" for state, count in totals.by_state)
    return [
        f"{_plural(totals.rolls, 'roll')}: {states}",
        f"{_plural(totals.files, 'file')}, {size_text(totals.size)} ({totals.size} bytes)",
    ]


def blocked_line(roll: str, state: str, problems: Seq[str]) -> str:
    """A roll that holds things up, with why (its state alone when no problem is recorded)."""
    if not problems:
        return f"{roll} ({state})"
    more = f" (and {_plural(len(problems) - 1, 'more problem')})" if len(problems) > 1 else ""
    return f"{roll} ({state}): {problems[0]}{more}"


def rolls_text(count: int) -> str:
    """A count of rolls: 1 roll, 12 rolls."""
    return _plural(count, "roll")


#: The titles of a summary's sections, by what each holds.
SECTION_TITLES = {
    "totals": "Totals",
    "erasable": "May be erased",
    "blocked": "Blocked",
    "completeness": "Day completeness (whole show)",
}


def report_file_name(scope: str | None) -> str:
    """The name a report's CSV is attached under."""
    return f"rollkeeper-report-{scope or 'show'}.csv"


#: The short words of the HTML report's table and panel (its headings are the template's).
REPORT_WORDS = {
    "not_yet": "not yet",
    "no_rolls": "No rolls.",
    "no_drives": "No drive known yet.",
}


def total_text(rolls: int) -> str:
    """The totals row's first cell."""
    return f"Total: {rolls_text(rolls)}"


def more_text(count: int) -> str:
    """What a shortened list says of the rest."""
    return f"and {count} more"


def nothing_line(what: str) -> str:
    """An empty section still says something: nothing blocked, no drive may be erased."""
    return {
        "blocked": "Nothing is blocked.",
        "erasable": "No drive may be erased yet.",
    }[what]
