"""How events about rolls and their copies are said."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.words.lines import (
    PROBLEMS_IN_A_SENTENCE,
    link_leaves_roll,
    listed,
    waiting_for_files,
)


def _roll_state(event: Event) -> str:
    if event.facts["to"] == "conflict" and event.facts["copies_disagree"]:
        return (
            f"CONFLICT: roll {event.roll_id} exists on several volumes with different MHL "
            "content; it will not be processed until the copies agree"
        )
    return f"roll {event.roll_id} is now {event.facts['to']}"


def _copy_discovered(event: Event) -> str:
    return f"roll {event.roll_id} found in {event.facts['folder']}"


def _copy_back(event: Event) -> str:
    return f"roll {event.roll_id} is back in {event.facts['folder']}; it will be verified again"


def _copy_mhl_changed(event: Event) -> str:
    after = " after it was verified; it will be verified again" if event.facts["proven"] else ""
    return f"the MHL of roll {event.roll_id} in {event.facts['folder']} changed{after}"


def _copy_state(event: Event) -> str:
    f = event.facts
    if f.get("requested"):
        return (
            f"roll {event.roll_id} on {f['label']}: verified again, as asked (rollkeeper reverify)"
        )
    if f["state"] != "verifying":
        return f"roll {event.roll_id}: its MHL reads again"
    why = "is due for another upload attempt" if f["retry"] else "is ready"
    what = "verifying and uploading in one pass" if f["uploading"] else "verifying"
    return (
        f"roll {event.roll_id} on {f['label']} {why} (every listed file present and quiet); {what}"
    )


def _copy_verified(event: Event) -> str:
    f = event.facts
    return f"roll {event.roll_id} on {f['label']}: verified, {f['files']} files"


def _copy_failed(event: Event) -> str:
    f = event.facts
    where = f"roll {event.roll_id} on {f['label']}"
    if f["found_while"] == "reading_mhl":
        return f"{where}: {f['error']}"
    if f["found_while"] == "listing":
        links = "; ".join(link_leaves_roll(path) for path in f["links"])
        return f"REFUSED: {where}: {links}"
    if f["found_while"] == "settling":
        waiting = waiting_for_files(f["waiting_for"], f["waiting_count"])
        return f"INCOMPLETE: {where} has been quiet but is {waiting}"
    return f"{f['state'].upper()}: {where}: {listed(f['problems'])}"


def _copy_stale(event: Event) -> str:
    f = event.facts
    checked = "verified" if f["proven"] else "checked"
    changes = ", ".join(f["changes"][:PROBLEMS_IN_A_SENTENCE])
    return (
        f"STALE: roll {event.roll_id} on {f['label']} changed after it was {checked} "
        f"({changes}); it will be verified again"
    )


def _copy_gone(event: Event) -> str:
    f = event.facts
    if "renamed_to" in f:
        return (
            f"roll {event.roll_id}: its folder on {f['label']} was renamed; that content is "
            f"now roll {f['renamed_to']}"
        )
    after = " after it was verified" if f["proven"] else ""
    return (
        f"roll {event.roll_id}: its MHL or folder {f['folder']} disappeared from "
        f"{f['label']}{after}"
    )


def _copy_differs(event: Event) -> str:
    f = event.facts
    roll = str(event.roll_id).rsplit("/", 1)[-1]
    which = "the one stored" if f["stored"] else "the one verified first (to be stored)"
    shown = ", ".join(f["paths"][:PROBLEMS_IN_A_SENTENCE])
    more = f["differing_count"] - min(len(f["paths"]), PROBLEMS_IN_A_SENTENCE)
    tail = f" and {more} more" if more > 0 else ""
    return (
        f"CONFLICT: {f['label']} holds a different {roll} than {which}, read from "
        f"{f['content_label']}: {f['differing_count']} file(s) differ: {shown}{tail}. "
        f"The copy on {f['label']} is not uploaded and {f['label']} is kept; rename one of the "
        "two roll folders so that it becomes a roll of its own"
    )


def _copy_erased(event: Event) -> str:
    f = event.facts
    n = f["onset_copies"]
    return (
        f"roll {event.roll_id}: its copy on {f['label']} was erased; "
        f"{n} verified on-set {'copy remains' if n == 1 else 'copies remain'}"
    )


def _verify_interrupted(event: Event) -> str:
    f = event.facts
    on = f" on {f['label']}" if "label" in f else ""
    if f["stopped"]:
        return (
            f"verification of roll {event.roll_id}{on} did not finish before the last stop; "
            "it starts again"
        )
    if "error" in f:
        reason = f["error"]
    else:
        on, reason = "", f"{f['label']} went away during verification"
    return (
        f"verification of roll {event.roll_id}{on} interrupted ({reason}); it resumes "
        "when the volume is back"
    )


def _verify_discarded(event: Event) -> str:
    return (
        f"a verification of roll {event.roll_id} finished after the copy changed "
        f"(now {event.facts['state']}); its result was not kept"
    )


def _internal_error(event: Event) -> str:
    f = event.facts
    return (
        f"internal error while processing roll {event.roll_id} ({f['error_type']}: "
        f"{f['error']}); it is tried again in {f['retry_seconds']:.0f}s"
    )


#: The wording of each kind of this area.
WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.ROLL_STATE: _roll_state,
    EventKind.COPY_DISCOVERED: _copy_discovered,
    EventKind.COPY_STATE: _copy_state,
    EventKind.COPY_VERIFIED: _copy_verified,
    EventKind.COPY_FAILED: _copy_failed,
    EventKind.COPY_STALE: _copy_stale,
    EventKind.COPY_GONE: _copy_gone,
    EventKind.COPY_BACK: _copy_back,
    EventKind.COPY_MHL_CHANGED: _copy_mhl_changed,
    EventKind.COPY_DIFFERS: _copy_differs,
    EventKind.COPY_ERASED: _copy_erased,
    EventKind.VERIFY_INTERRUPTED: _verify_interrupted,
    EventKind.VERIFY_DISCARDED: _verify_discarded,
    EventKind.INTERNAL_ERROR: _internal_error,
}
