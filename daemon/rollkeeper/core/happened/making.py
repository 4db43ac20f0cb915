"""How every constructor makes its event: the kind's usual severity unless the facts call for
another, lists kept to their first `LISTED` entries; and an event read back from the ledger."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rollkeeper.core.events import (
    DEFAULT_SEVERITY,
    FACTS,
    RECORDED_TEXT,
    Event,
    EventKind,
    Severity,
)

#: A fact that lists files, problems or reasons keeps at most this many.
LISTED = 20


def make(
    kind: EventKind,
    facts: Mapping[str, Any],
    *,
    roll_id: str | None = None,
    volume_id: int | None = None,
    severity: Severity | None = None,
) -> Event:
    """An event of `kind` with its facts, at the kind's usual severity unless told otherwise."""
    loudness = DEFAULT_SEVERITY[kind] if severity is None else severity
    return Event(kind, loudness, roll_id=roll_id, volume_id=volume_id, facts=facts)


def loud_if(proven: bool) -> Severity:
    """A proof that no longer holds is an alarm; anything else that changed, a warning."""
    return Severity.ALARM if proven else Severity.WARNING


def _has_the_facts_of(kind: EventKind, facts: Mapping[str, Any]) -> bool:
    shape: Any = FACTS[kind]  # a TypedDict class: its keys are known at run time
    return bool(shape.__required_keys__ <= facts.keys())


def recorded(
    kind: EventKind,
    severity: Severity,
    *,
    roll_id: str | None,
    volume_id: int | None,
    text: str,
    facts: Mapping[str, Any],
) -> Event:
    """An event read back from the ledger: its sentence, when one was recorded, is kept as the
    fact `RECORDED_TEXT` and worded as it was written (older versions recorded only prose). A
    row without the facts its kind needs was written as prose too, even if that prose is empty."""
    as_written = bool(text) or not _has_the_facts_of(kind, facts)
    kept = {**facts, RECORDED_TEXT: text} if as_written else dict(facts)
    return Event(kind, severity, roll_id=roll_id, volume_id=volume_id, facts=kept)
