"""How events about the archival copy are said."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.words.lines import listed


def _archive_done(event: Event) -> str:
    return (
        f"ARCHIVED: roll {event.roll_id}: the archival copy of every object is verified "
        f"({event.facts['provider']})"
    )


def _archive_failed(event: Event) -> str:
    f = event.facts
    return f"ARCHIVE FAILED: roll {event.roll_id} ({f['provider']}): {listed(f['reasons'])}"


def _archive_overdue(event: Event) -> str:
    f = event.facts
    return (
        f"ARCHIVE OVERDUE: roll {event.roll_id} still has no verified archival copy "
        f"({f['provider']}: {listed(f['reasons']) or f['state']})"
    )


#: The wording of each kind of this area.
WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.ARCHIVE_DONE: _archive_done,
    EventKind.ARCHIVE_FAILED: _archive_failed,
    EventKind.ARCHIVE_OVERDUE: _archive_overdue,
}
