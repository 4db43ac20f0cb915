"""What the loop remembers between scans: each mounted volume and each roll copy on it.

The ledger holds everything decided; these only remember what the last scans saw, so that
"nothing changed for settle seconds" can be judged between scans and unchanged rolls cost
nothing to look at again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rollkeeper.core.files import FileInfo
from rollkeeper.core.layout import LayoutAnalysis, RollLocation
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs.volume_scan import VolumeScan
from rollkeeper.fs.volumes import MountedVolume
from rollkeeper.fs.watch import VolumeWatcher
from rollkeeper.mhl.described import MhlDescription
from rollkeeper.mhl.model import RollManifest


@dataclass(frozen=True, slots=True)
class MhlReading:
    """A roll's MHLs as last parsed, and the stat signature they had then."""

    signature: tuple[object, ...]
    manifest: RollManifest | None
    fingerprint: str | None
    error: str | None
    described: MhlDescription | None = None  # the MHLs' format and files' own digests


@dataclass(slots=True)
class CopyTracker:
    """What the last scans saw of one roll folder on one volume.

    `version` counts the changes seen (files or MHL content): a copy compared with its evidence
    at one version and state is not compared again until either moves.
    """

    roll_id: str
    volume_key: str
    location: RollLocation
    reading: MhlReading
    files: dict[str, FileInfo]
    changed_at: float
    version: int = 0
    verifying: bool = False
    checked: tuple[int, CopyState] | None = None  # (version, state) last compared with evidence


@dataclass(slots=True)
class VolumeState:
    """A mounted volume, its watcher, what is known of it and what needs looking at again.

    The watcher thread adds the changed paths (relative to the volume, with the time of their
    latest event) to `changes`, or sets `everything` when events were lost, under `lock`; the
    main loop takes them.
    """

    mounted: MountedVolume
    volume_id: int
    watcher: VolumeWatcher | None = None
    changes: dict[str, float] = field(default_factory=dict)
    everything: bool = True  # a full walk is due (start-up, lost events)
    last_scan: float = 0.0  # monotonic end of the last scan of any kind
    last_full_scan: float = 0.0  # monotonic end of the last full walk
    full_scan_seconds: float = 0.0
    scan_seconds: float = 0.0  # the last event-driven scan
    inventory: VolumeScan | None = None
    mhl_folders: set[str] = field(default_factory=set)
    analysis: LayoutAnalysis | None = None
    roll_ids: set[str] = field(default_factory=set)
    reported: tuple[list[str], list[str]] | None = None  # problems and unaccounted, as recorded
    restatted: dict[str, float] = field(default_factory=dict)  # roll folder -> all files stat-ed
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_changes(self) -> tuple[dict[str, float], bool]:
        """The changed paths (with when) and the lost-events flag noted since the last call."""
        with self.lock:
            changes, everything = self.changes, self.everything
            self.changes, self.everything = {}, False
        return changes, everything

    def pending(self) -> bool:
        with self.lock:
            return self.everything or bool(self.changes)


def volume_key(volume: MountedVolume) -> str:
    """How the loop tells mounted volumes apart: filesystem, folder on it, and label."""
    return f"{volume.fs_uuid}|{volume.subpath}|{volume.label}"
