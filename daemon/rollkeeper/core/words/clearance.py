"""How a drive's erase clearance is said."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rollkeeper.core.clearance import DriveVerdict
from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.happened import verdict_facts
from rollkeeper.core.words.lines import REASONS_IN_A_SENTENCE


def describe(verdict: DriveVerdict) -> str:
    """The one sentence that says whether a drive may be erased, and if not, why."""
    return _verdict(verdict_facts(verdict))


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
