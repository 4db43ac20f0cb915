"""Events about telling people."""

from __future__ import annotations

from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.happened.making import make


def summary_asked(day: str | None, *, occasion: str) -> Event:
    """A summary of shoot day `day` (None: the whole show) is to be sent: at the configured
    `daily_at` ("daily") or because someone asked ("wrap")."""
    return make(EventKind.DAY_SUMMARY, {"day": day, "occasion": occasion})
