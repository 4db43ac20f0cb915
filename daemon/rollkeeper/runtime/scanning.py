"""Walking the volumes: the safety-net full walk and the event-driven partial one.

A full walk (`scan_volume`) is due every `rescan_interval` and whenever events were lost; in
between, each event's part of the volume is walked again (`rescan_changes`). What a walk found
is handed to `Tracking.update`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Literal

import structlog

from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs.volume_scan import VolumeScan, rolls_to_trust
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.trackers import VolumeState, volume_key
from rollkeeper.runtime.tracking import Tracking

log = structlog.get_logger("rollkeeper")

#: Events are coalesced: the parts of a volume they concern are walked again at most this often,
#: and never more than one fifth of the time (a change outside every roll, or a lost event, can
#: mean walking a large part of the volume). Event-driven and full scans are timed apart, so a
#: slow full scan (start-up parses every MHL) never delays the next event-driven one.
MIN_RESCAN_GAP = 0.5
RESCAN_DUTY = 5.0


def _outermost(units: set[str]) -> list[str]:
    """`units` without those inside another of them ("" contains everything)."""
    if "" in units:
        return [""]
    return sorted(
        unit
        for unit in units
        if not any(unit[:cut] in units for cut, char in enumerate(unit) if char == "/")
    )


class Scanning:
    """When each volume is walked, and how much of it."""

    def __init__(self, context: LoopContext, tracking: Tracking) -> None:
        self.context = context
        self.tracking = tracking

    def scan_due(self, volume: VolumeState, now: float) -> Literal["full", "changes"] | None:
        """ "full" when the safety-net walk is due, "changes" when events are waiting (and the
        last scan is far enough behind), else None."""
        if now - volume.last_full_scan >= self.context.config.watch.rescan_interval:
            return "full"
        if not volume.pending():
            return None
        last = volume.full_scan_seconds if volume.everything else volume.scan_seconds
        gap = max(MIN_RESCAN_GAP, last * RESCAN_DUTY)
        return "changes" if now - volume.last_scan >= gap else None

    def scan_volume(self, volume: VolumeState, *, stat_everything: bool = False) -> None:
        """Walk the whole volume, map its MHL folders to rolls and record what changed.

        The safety net (every `rescan_interval`, and when events were lost): rolls whose files
        and MHLs are exactly as the last scan saw them cost a comparison, nothing more. The
        files of verified rolls are stat-ed in rotation (`rolls_to_trust`), except when events
        were lost or `stat_everything` asks for it: then every file is.
        """
        started = time.monotonic()
        changes, everything = volume.take_changes()  # this walk sees them all
        previous = volume.inventory
        known = previous.rolls.keys() if previous else frozenset[str]()
        if stat_everything or everything or "" in changes:
            trusted = set[str]()
        else:
            trusted = self.rolls_to_trust(volume, started, changed=changes.keys())
        earlier = {folder: previous.rolls[folder].files for folder in trusted} if previous else {}
        inventory = VolumeScan.walk(volume.mounted.path, known, trusted=earlier)
        unreadable = inventory.errors().get("")
        if unreadable is not None or not volume.mounted.path.is_dir():
            log.warning("volume.unreadable", label=volume.mounted.label, error=unreadable or "gone")
            return
        volume.inventory = inventory
        self.tracking.update(volume, full=True, first=previous is None)
        volume.restatted = {  # after `update`, which gives the rolls found anew their parts
            folder: volume.restatted.get(folder, started) if folder in trusted else started
            for folder in inventory.rolls
        }
        volume.last_full_scan = volume.last_scan = time.monotonic()
        volume.full_scan_seconds = volume.last_scan - started

    def rolls_to_trust(
        self, volume: VolumeState, now: float, *, changed: Iterable[str] = ()
    ) -> set[str]:
        """The roll folders of `volume` whose files the next full walk may list without a stat:
        verified copies, unchanged since they were compared with their evidence and with no
        event waiting (`changed`), that are not due for their periodic complete stat
        (`restat_interval`)."""
        inventory = volume.inventory
        if inventory is None:
            return set()
        key = volume_key(volume.mounted)
        touched = {inventory.roll_of(path) for path in changed}
        verified = [
            tracker.location.folder
            for (_roll, tracked_on), tracker in self.context.trackers.items()
            if tracked_on == key
            and tracker.checked == (tracker.version, CopyState.VERIFIED)
            and not tracker.verifying
            and tracker.location.folder in inventory.rolls
            and tracker.location.folder not in touched
        ]
        watch = self.context.config.watch
        return rolls_to_trust(
            verified,
            volume.restatted,
            now,
            rescan_interval=watch.rescan_interval,
            restat_interval=watch.restat_interval,
        )

    def rescan_changes(self, volume: VolumeState) -> None:
        """Walk again only what the events since the last scan concern: each changed roll, or
        the changed entry outside every roll (a new folder with what is inside it). Lost
        events, or a change at the volume's root folder, mean a full walk."""
        changes, everything = volume.take_changes()
        inventory = volume.inventory
        if everything or inventory is None:
            self.scan_volume(volume, stat_everything=True)
            return
        started = time.monotonic()
        noticed: dict[str, float] = {}  # unit -> its latest event
        for path, at in changes.items():
            unit = inventory.unit_of(path) if path else ""
            noticed[unit] = max(at, noticed.get(unit, at))
        units = _outermost(set(noticed))
        if units == [""]:  # e.g. the volume's root folder is itself a roll
            self.scan_volume(volume, stat_everything=True)
        else:
            for unit in units:
                inventory.rescan(unit)
            self.tracking.update(volume, full=False, first=False, noticed=noticed)
        # Timed whatever it took, so that events keep walking at most a fifth of the time.
        volume.last_scan = time.monotonic()
        volume.scan_seconds = volume.last_scan - started
