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


def _problem(event: Event) -> str:
    return str(event.facts["problem"])


#: The wording of each kind of this area.
WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.VOLUME_MOUNTED: _volume_mounted,
    EventKind.VOLUME_UNMOUNTED: _volume_unmounted,
    EventKind.VOLUME_NAMESAKE: _volume_namesake,
    EventKind.LAYOUT_PROBLEM: _problem,
    EventKind.WATCH_FAILED: _problem,
    EventKind.TARGET_UNUSABLE: _problem,
    EventKind.ARCHIVE_UNUSABLE: _problem,
}
