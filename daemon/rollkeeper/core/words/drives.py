"""How events about drives are said."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rollkeeper.core.events import Event, EventKind


def _volume_mounted(event: Event) -> str:
    f = event.facts
    return f"{f['label']} ({f['role']}) mounted at {f['mount_path']}"


def _volume_unmounted(event: Event) -> str:
    return f"{event.facts['label']} is no longer mounted"


def _volume_namesake(event: Event) -> str:
    label, mount_path = event.facts["label"], event.facts["mount_path"]
    return (
        f"{label} at {mount_path} is a different drive from the {label} seen before (its "
        "filesystem UUID differs); they are tracked separately"
    )


_ERASED_HOW = {
    "wiped": "came back without the rolls it was cleared for",
    "reformatted": "came back reformatted (its label is on a new filesystem)",
    "told": "was erased, as the DIT recorded with `rollkeeper erased`",
}


def _volume_erased(event: Event) -> str:
    f = event.facts
    how = _ERASED_HOW.get(f["how"], "was erased")
    rolls = ", ".join(f["rolls"][:3])
    more = f["rolls_count"] - min(len(f["rolls"]), 3)
    listed = f": {rolls}" + (f" and {more} more" if more > 0 else "") if rolls else ""
    cleared = "" if f["cleared"] else " It had not been cleared for all of them."
    return (
        f"{f['label']} {how}: recorded as erased; its {f['rolls_count']} roll "
        f"cop{'y' if f['rolls_count'] == 1 else 'ies'} no longer count{listed}.{cleared}"
    )


def _problem(event: Event) -> str:
    return str(event.facts["problem"])


#: The wording of each kind of this area.
WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.VOLUME_MOUNTED: _volume_mounted,
    EventKind.VOLUME_UNMOUNTED: _volume_unmounted,
    EventKind.VOLUME_NAMESAKE: _volume_namesake,
    EventKind.VOLUME_ERASED: _volume_erased,
    EventKind.LAYOUT_PROBLEM: _problem,
    EventKind.WATCH_FAILED: _problem,
    EventKind.TARGET_UNUSABLE: _problem,
    EventKind.ARCHIVE_UNUSABLE: _problem,
}
