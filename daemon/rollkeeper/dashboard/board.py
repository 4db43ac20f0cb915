"""The drives board: one card per known drive, its verdict in large words — "may be erased",
"keep" or "alarm" — with the one-sentence reason and "as of HH:MM".

Drawn from the status document alone, with `status`'s own reading of it: a drive may be erased
when its last re-checked verdict says so (marked stale as `status` marks it); "alarm" when a roll
on it is in a failure state (its first problem is the reason); otherwise "keep" and the first
reason its clearance is blocked, or that it was not judged yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from rollkeeper.core.lifecycle import FAILED_ROLL_STATES
from rollkeeper.core.words.reports import NOT_JUDGED

Verdict = Literal["may be erased", "keep", "alarm"]
_FAILED = frozenset(state.value for state in FAILED_ROLL_STATES)


@dataclass(frozen=True, slots=True)
class DriveCard:
    """One drive on the board."""

    label: str
    role: str
    mounted: bool
    rolls: list[str]  # the roll names on it
    verdict: Verdict
    reason: str | None
    as_of: str | None  # "HH:MM UTC" of the verdict's oldest evidence
    stale: bool

    @property
    def css(self) -> str:
        """The card's class: its verdict in one word."""
        return {"may be erased": "erase", "keep": "keep", "alarm": "alarm"}[self.verdict]


def _clock(moment: str | None) -> str | None:
    if not moment:
        return None
    return datetime.fromisoformat(moment).astimezone(UTC).strftime("%H:%M UTC")


def _alarm(volume: dict[str, Any], rolls: dict[str, dict[str, Any]]) -> str | None:
    """The first problem of a roll on this drive in a failure state, else None."""
    for roll_id in volume["rolls"]:
        roll = rolls.get(roll_id)
        if roll is not None and roll["state"] in _FAILED:
            first = roll["problems"][0] if roll["problems"] else roll["state"].upper()
            return f"{roll['roll']}: {first}"
    return None


def _card(volume: dict[str, Any], rolls: dict[str, dict[str, Any]]) -> DriveCard:
    clearance = volume.get("clearance") or {}
    blockers = clearance.get("blocking") or []
    alarm = _alarm(volume, rolls)
    verdict: Verdict
    if alarm is not None:
        verdict, reason = "alarm", alarm
    elif clearance.get("clear_to_erase"):
        verdict, reason = "may be erased", None
    else:
        verdict = "keep"
        reason = blockers[0]["reason"] if blockers else (None if clearance else NOT_JUDGED)
    return DriveCard(
        label=volume["label"],
        role=volume["role"],
        mounted=bool(volume["mounted"]),
        rolls=[rolls[r]["roll"] if r in rolls else r for r in volume["rolls"]],
        verdict=verdict,
        reason=reason,
        as_of=_clock(clearance.get("as_of")),
        stale=bool(clearance.get("stale")) and verdict == "may be erased",
    )


def drive_cards(document: dict[str, Any]) -> list[DriveCard]:
    """Every known drive's card: alarms first, then mounted drives, by label."""
    rolls = {roll["id"]: roll for roll in document["rolls"]}
    cards = [_card(volume, rolls) for volume in document["volumes"]]
    order = {"alarm": 0, "may be erased": 1, "keep": 2}
    return sorted(cards, key=lambda c: (order[c.verdict], not c.mounted, c.label))
