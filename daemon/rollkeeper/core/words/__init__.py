"""The words a person reads about what happened: one place, so every channel says the same.

`say(event)` is the one sentence for an event: status lines, the daemon's announcements and (soon)
notifications take it from here, as the CLI's `clearance` answer takes `describe(verdict)`. Each
kind has one small wording function over its facts (`rollkeeper.core.event_facts`), in the module
of its area; an event recorded before events carried facts is said as it was written. The lines a
record keeps (problems, files waited for) are worded in `lines`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rollkeeper.core.events import RECORDED_TEXT, Event, EventKind
from rollkeeper.core.words import archive, clearance, copies, drives, notices, storage
from rollkeeper.core.words.clearance import describe, describe_roll, revoked
from rollkeeper.core.words.lines import (
    PROBLEMS_IN_A_SENTENCE,
    REASONS_IN_A_SENTENCE,
    WAITING_IN_A_SENTENCE,
    file_changed,
    file_problem,
    file_short,
    folder_gone,
    layout_problem,
    link_leaves_roll,
    missing_from_storage,
    read_file_short,
    still_settling,
    unreadable,
    waiting_for_files,
)

_WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    **drives.WORDING,
    **copies.WORDING,
    **storage.WORDING,
    **archive.WORDING,
    **clearance.WORDING,
    **notices.WORDING,
}

#: Every kind that has a wording (all of them: a test holds it so).
WORDED_KINDS = frozenset(_WORDING)


def say(event: Event) -> str:
    """The one sentence a person reads for `event`."""
    recorded = event.facts.get(RECORDED_TEXT)
    if recorded is not None:
        return str(recorded)
    return _WORDING[event.kind](event)


__all__ = [
    "PROBLEMS_IN_A_SENTENCE",
    "REASONS_IN_A_SENTENCE",
    "WAITING_IN_A_SENTENCE",
    "WORDED_KINDS",
    "describe",
    "describe_roll",
    "file_changed",
    "file_problem",
    "file_short",
    "folder_gone",
    "layout_problem",
    "link_leaves_roll",
    "missing_from_storage",
    "read_file_short",
    "revoked",
    "say",
    "still_settling",
    "unreadable",
    "waiting_for_files",
]
