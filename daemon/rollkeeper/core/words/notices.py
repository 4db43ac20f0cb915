"""How the messages sent to people are said: summaries, and (with the channels) subject lines."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rollkeeper.core.events import Event, EventKind


def _day_summary(event: Event) -> str:
    day = event.facts.get("day")
    what = f"shoot day {day}" if day else "the whole show"
    when = "the daily summary" if event.facts.get("occasion") == "daily" else "a summary"
    return f"SUMMARY: {when} of {what}"


#: The wording of each kind of this area.
WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.DAY_SUMMARY: _day_summary,
}
