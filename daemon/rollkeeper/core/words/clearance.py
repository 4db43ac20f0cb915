"""How a drive's erase clearance is said."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rollkeeper.core.clearance import DriveVerdict, RollVerdict
from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.happened import verdict_facts
from rollkeeper.core.words.lines import REASONS_IN_A_SENTENCE


def describe(verdict: DriveVerdict) -> str:
    """The one sentence that says whether a drive may be erased, and if not, why."""
    return _verdict(verdict_facts(verdict))


def describe_roll(verdict: RollVerdict) -> str:
    """The one sentence that says whether a roll's cards, and its RAID copies, may be erased,
    with the first reason of each refusal."""
    rid = verdict.roll_id
    if verdict.raid_clear:
        return f"YOU MAY ERASE the cards and the RAID copies of {rid} (uploaded, proven, archived)"
    if verdict.cards_clear:
        return (
            f"YOU MAY ERASE the cards of {rid} (uploaded and proven); KEEP its RAID copies: "
            f"{_first(verdict.raid_reasons, rid)}"
        )
    return f"KEEP the cards and the RAID copies of {rid}: {_first(verdict.reasons, rid)}"


def _first(reasons: tuple[str, ...], roll_id: str) -> str:
    """The first reason without the roll it names (the sentence names it), and how many more."""
    first = reasons[0].removeprefix(f"{roll_id}: ") if reasons else "nothing proven"
    more = len(reasons) - 1
    return f"{first} (and {more} more)" if more > 0 else first


def revoked(sentence: str) -> str:
    """The announcement that a drive once cleared may no longer be erased."""
    return f"CLEARANCE REVOKED: {sentence}"


def _verdict(facts: Mapping[str, Any]) -> str:
    if facts["clear"]:
        what = (
            "cards level: uploaded and proven"
            if facts["level"] == "cards"
            else "RAID level: uploaded, proven and archived"
        )
        return f"YOU MAY ERASE {facts['label']} ({facts['role']}; {what})"
    shown = facts["reasons"][:REASONS_IN_A_SENTENCE]
    hidden = facts["reasons_total"] - len(shown)
    more = f" (and {hidden} more)" if hidden else ""
    return f"{facts['label']} may NOT be erased: {'; '.join(shown)}{more}"


def _clearance_granted(event: Event) -> str:
    return _verdict(event.facts)


def _clearance_revoked(event: Event) -> str:
    return revoked(_verdict(event.facts))


#: The wording of each kind of this area.
WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.CLEARANCE_GRANTED: _clearance_granted,
    EventKind.CLEARANCE_REVOKED: _clearance_revoked,
}
