"""Events about erase clearance: a drive's answer granted or revoked."""

from __future__ import annotations

from rollkeeper.core.clearance import DriveVerdict
from rollkeeper.core.event_facts import ClearanceFacts
from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.happened.making import LISTED, make


def verdict_facts(verdict: DriveVerdict) -> ClearanceFacts:
    """A drive verdict as the facts its sentence needs."""
    return {
        "label": verdict.label,
        "role": verdict.role,
        "level": verdict.level,
        "clear": verdict.clear_to_erase,
        "reasons": [b.reason for b in verdict.blocking[:LISTED]],
        "reasons_total": len(verdict.blocking),
    }


def clearance(
    volume_id: int, verdict: DriveVerdict, *, rolls: int | None = None, size: int | None = None
) -> Event:
    """A drive's clearance granted, or, when the verdict is not clear, one granted before no
    longer holding (only a changed answer is told: the caller decides that); with how many
    rolls the drive holds and their bytes on it, when known."""
    kind = EventKind.CLEARANCE_GRANTED if verdict.clear_to_erase else EventKind.CLEARANCE_REVOKED
    facts = verdict_facts(verdict)
    if rolls is not None and size is not None:
        facts["rolls"], facts["bytes"] = rolls, size
    return make(kind, facts, volume_id=volume_id)
