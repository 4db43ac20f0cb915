"""Day completeness across the whole show: which rolls of each camera, and of sound, were seen.

Roll numbers run on from day to day (A001, A002 on day 1; A003 on day 2), so each camera's rolls
(the roll name's letter: `A001R1AB`, `A001C001` and `A001_1121XY.RDM` are camera A's roll 1) and
the sound rolls (`S001`) form one sequence over the show. A number missing between the lowest and
the highest seen is a roll no drive has shown us; a roll seen but not archived is not safe yet.
A name that fits no pattern is listed as such (other productions name rolls their own way), never
guessed at. Pure: plain data in, plain data out; the sentences are `core.words.reports`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

#: The sequence key of the sound rolls (cameras are keyed by their letter).
SOUND = "sound"
#: The roll state that needs nothing more (`core.lifecycle.RollState.ARCHIVED`).
ARCHIVED = "archived"

_CAMERA_ROLL = re.compile(
    r"(?P<letter>[A-Z])(?P<number>\d{3})(?:[A-Z][A-Z0-9]{3}|_[A-Z0-9]{6}\.RDM)?",
    re.IGNORECASE | re.ASCII,
)
_SOUND_ROLL = re.compile(r"S(?P<number>\d{3,4})", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True, slots=True)
class RollSeen:
    """A roll as the ledger knows it: where it belongs and how far it got."""

    roll_id: str
    shoot_day: str
    media_type: str
    roll: str
    state: str


@dataclass(frozen=True, slots=True)
class RollNumber:
    """A roll name read as a place in a sequence: camera letter (or sound) and number."""

    sequence: str  # "A", "B", … or SOUND
    prefix: str  # what a name of this sequence starts with: "A", or "S" for sound
    number: int
    digits: int  # how many digits the name's number was written with


def is_sound(media_type: str) -> bool:
    """Whether a media type holds sound rolls (`Sound_Media`, or a custom profile's "audio")."""
    lowered = media_type.lower()
    return "sound" in lowered or "audio" in lowered


def roll_number(roll: str, media_type: str) -> RollNumber | None:
    """The roll's place in its sequence, or None when its name fits no pattern."""
    if is_sound(media_type):
        sound = _SOUND_ROLL.fullmatch(roll)
        if sound is None:
            return None
        digits = sound["number"]
        return RollNumber(SOUND, "S", int(digits), len(digits))
    camera = _CAMERA_ROLL.fullmatch(roll)
    if camera is None:
        return None
    letter = camera["letter"].upper()
    return RollNumber(letter, letter, int(camera["number"]), 3)


@dataclass(frozen=True, slots=True)
class Pending:
    """A roll seen but not yet archived, with the state it is in."""

    roll: str
    shoot_day: str
    state: str


@dataclass(frozen=True, slots=True)
class Sequence:
    """One camera's (or sound's) rolls over the whole show."""

    key: str  # "A", … or SOUND
    prefix: str
    digits: int
    numbers: tuple[int, ...]  # every number seen, ascending, once each
    rolls: int  # rolls seen (one number may be seen as more than one roll)
    archived: int
    missing: tuple[str, ...]  # names of the numbers not seen between the lowest and highest
    not_archived: tuple[Pending, ...]
    repeated: tuple[tuple[str, tuple[str, ...]], ...]  # (name, shoot days) seen on several days

    def name(self, number: int) -> str:
        """How a roll of this sequence with `number` is written: A003, S012."""
        return _name(self.prefix, number, self.digits)


@dataclass(frozen=True, slots=True)
class Completeness:
    """Every sequence of the show, cameras by letter then sound, and the rolls that fit none."""

    sequences: tuple[Sequence, ...]
    unrecognised: tuple[RollSeen, ...]

    @property
    def complete(self) -> bool:
        """No gap in any sequence, every roll archived, and every name understood."""
        return not self.unrecognised and all(
            not s.missing and not s.not_archived for s in self.sequences
        )


def completeness(rolls: Iterable[RollSeen]) -> Completeness:
    """The show's completeness from every roll the ledger knows (all shoot days: numbers run on)."""
    grouped: dict[str, list[tuple[RollNumber, RollSeen]]] = defaultdict(list)
    unrecognised: list[RollSeen] = []
    for seen in rolls:
        number = roll_number(seen.roll, seen.media_type)
        if number is None:
            unrecognised.append(seen)
        else:
            grouped[number.sequence].append((number, seen))
    keys = sorted(k for k in grouped if k != SOUND) + ([SOUND] if SOUND in grouped else [])
    return Completeness(
        sequences=tuple(_sequence(key, grouped[key]) for key in keys),
        unrecognised=tuple(sorted(unrecognised, key=lambda r: (r.shoot_day, r.roll, r.roll_id))),
    )


def _sequence(key: str, members: list[tuple[RollNumber, RollSeen]]) -> Sequence:
    """One sequence's numbers, gaps, rolls not archived and numbers seen on several days."""
    prefix = members[0][0].prefix
    digits = min(n.digits for n, _ in members)
    numbers = sorted({n.number for n, _ in members})
    seen = set(numbers)
    ordered = sorted(members, key=lambda m: (m[0].number, m[1].shoot_day, m[1].roll))
    days: dict[int, set[str]] = defaultdict(set)
    for number, roll in members:
        days[number.number].add(roll.shoot_day)
    return Sequence(
        key=key,
        prefix=prefix,
        digits=digits,
        numbers=tuple(numbers),
        rolls=len(members),
        archived=sum(1 for _, r in members if r.state == ARCHIVED),
        missing=tuple(
            _name(prefix, n, digits) for n in range(numbers[0], numbers[-1] + 1) if n not in seen
        ),
        not_archived=tuple(
            Pending(r.roll, r.shoot_day, r.state) for _, r in ordered if r.state != ARCHIVED
        ),
        repeated=tuple(
            (_name(prefix, n, digits), tuple(sorted(days[n]))) for n in numbers if len(days[n]) > 1
        ),
    )


def _name(prefix: str, number: int, digits: int) -> str:
    return f"{prefix}{number:0{digits}d}"
