"""Events about drives: mounted, unmounted, a namesake, erased; their layout and watching."""

from __future__ import annotations

from collections.abc import Sequence

from rollkeeper.core.event_facts import VolumeErasedFacts
from rollkeeper.core.events import Event, EventKind, Severity
from rollkeeper.core.happened.making import LISTED, make


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


def volume_erased(
    volume_id: int, *, label: str, how: str, cleared: bool, rolls: Sequence[str]
) -> Event:
    """A drive recorded as erased (`how`: wiped, reformatted or told); news when it had been
    cleared, a warning when the DIT said so of a drive never cleared."""
    facts: VolumeErasedFacts = {
        "label": label,
        "how": how,
        "cleared": cleared,
        "rolls": list(rolls[:LISTED]),
        "rolls_count": len(rolls),
    }
    severity = Severity.INFO if cleared else Severity.WARNING
    return make(EventKind.VOLUME_ERASED, facts, volume_id=volume_id, severity=severity)
