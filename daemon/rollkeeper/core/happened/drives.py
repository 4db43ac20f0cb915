"""Events about drives: mounted, unmounted, a namesake; their layout and watching."""

from __future__ import annotations

from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.happened.making import make


def volume_mounted(volume_id: int, *, label: str, role: str, mount_path: str) -> Event:
    facts = {"label": label, "role": role, "mount_path": mount_path}
    return make(EventKind.VOLUME_MOUNTED, facts, volume_id=volume_id)


def volume_namesake(volume_id: int, *, label: str, role: str, mount_path: str) -> Event:
    """A new drive whose label a different, known drive already carries."""
    facts = {"label": label, "role": role, "mount_path": mount_path}
    return make(EventKind.VOLUME_NAMESAKE, facts, volume_id=volume_id)


def volume_unmounted(volume_id: int, *, label: str) -> Event:
    return make(EventKind.VOLUME_UNMOUNTED, {"label": label}, volume_id=volume_id)


def layout_problem(volume_id: int, problem: str) -> Event:
    return make(EventKind.LAYOUT_PROBLEM, {"problem": problem}, volume_id=volume_id)


def watch_failed(volume_id: int, problem: str) -> Event:
    return make(EventKind.WATCH_FAILED, {"problem": problem}, volume_id=volume_id)
