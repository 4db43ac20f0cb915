"""Tracking the rolls on a volume after a walk: what the folder layout makes of it, recorded.

The layout profile places each MHL folder as a roll (`LayoutProfile.analyse`); each copy is
recorded (`Ledger.observe_copies`) and followed between scans (`Tracking.track`): when it last
changed, whether its MHLs read, and whether a verified copy still matches its evidence.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from rollkeeper.core import happened, words
from rollkeeper.core.errors import MhlError
from rollkeeper.core.files import ASC_HISTORY_DIR, display_path, is_mhl_file_name
from rollkeeper.core.hidden import is_hidden_path
from rollkeeper.core.layout import LayoutAnalysis, LayoutProfile, RollLocation
from rollkeeper.core.lifecycle import ABSENT_COPY_STATES, CopyState
from rollkeeper.core.readiness import last_change_ns
from rollkeeper.fs.scan import TreeScan
from rollkeeper.fs.volume_scan import VolumeScan, unaccounted
from rollkeeper.ledger.rows import CopyObservation, CopyRow, FileIdentity
from rollkeeper.mhl.described import describe_mhls
from rollkeeper.mhl.manifest import load_roll_manifest
from rollkeeper.mhl.model import manifest_fingerprint, name_key
from rollkeeper.mhl.verify import FileStatus
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.trackers import CopyTracker, MhlReading, VolumeState, volume_key

#: Folders beside the rolls that are never media (and never block a drive).
NOT_MEDIA = frozenset({"Reports"})
#: Copies in these states are compared with their recorded evidence when their files change.
COMPARED_STATES = frozenset({CopyState.VERIFIED, CopyState.MISMATCH, CopyState.INCOMPLETE})


@dataclass(frozen=True, slots=True)
class Sighting:
    """One roll folder as a walk saw it: where the layout puts it, its files, its MHLs."""

    location: RollLocation
    scan: TreeScan
    reading: MhlReading


def _mhl_signature(roll_scan: TreeScan) -> tuple[object, ...]:
    """Cheap evidence of whether any MHL of a roll changed: its files' and histories' stats."""
    files = roll_scan.files
    parts: list[object] = [(name, *files[name][:4]) for name in sorted(roll_scan.mhl_files)]
    root = str(roll_scan.root)
    for folder in sorted(roll_scan.mhl_folders):
        history = os.path.join(root, folder, ASC_HISTORY_DIR)
        for path in (history, os.path.join(history, "ascmhl_chain.xml")):
            try:
                info = os.stat(path)
            except OSError:
                parts.append((path, None))
                continue
            parts.append((path, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return tuple(parts)


def _event_time(noticed: dict[str, float], folder: str) -> float | None:
    """The latest event of the walked units holding roll `folder` (None: none was walked, it
    became a roll because of a change elsewhere, e.g. its duplicate went away)."""
    times = [noticed[""]] if "" in noticed else []
    cut = folder.find("/")
    while True:
        prefix = folder if cut < 0 else folder[:cut]
        if prefix in noticed:
            times.append(noticed[prefix])
        if cut < 0:
            return max(times, default=None)
        cut = folder.find("/", cut + 1)


def tracker_manifests(scan: TreeScan) -> set[str]:
    """The MHL files of a roll scan (metadata, never media)."""
    return {p for p in scan.files if is_mhl_file_name(p.rsplit("/", 1)[-1])}


def changes_since_recorded(recorded: list[FileIdentity], roll_scan: TreeScan) -> list[str]:
    """Every file of a checked copy that is not on disk as recorded: deleted, changed (size,
    mtime or inode) or new (MHLs and hidden files aside)."""
    on_disk = {name_key(p): info for p, info in roll_scan.files.items()}
    changed: list[str] = []
    for file in recorded:
        if file.status == FileStatus.IGNORED.value or file.mtime_ns is None:
            continue
        info = on_disk.get(name_key(file.path))
        if info is None:
            changed.append(words.file_changed(file.path, "deleted"))
        elif (info.size, info.mtime_ns, info.inode) != (file.size, file.mtime_ns, file.inode):
            changed.append(words.file_changed(file.path, "changed"))
    known = {name_key(r.path) for r in recorded}
    manifests = tracker_manifests(roll_scan)
    return changed + [
        words.file_changed(display_path(path), "new file")
        for path in sorted(roll_scan.files)
        if name_key(path) not in known and path not in manifests and not is_hidden_path(path)
    ]


def _layout_problems(analysis: LayoutAnalysis, inventory: VolumeScan) -> list[str]:
    problems = [words.layout_problem(problem) for problem in analysis.problems]
    return problems + [
        words.unreadable(display_path(path), error)
        for path, error in sorted(inventory.errors().items())
    ]


class Tracking:
    """After each walk: the rolls found anew or changed are tracked and recorded."""

    def __init__(self, context: LoopContext, profile: LayoutProfile) -> None:
        self.context = context
        self.profile = profile

    def update(
        self,
        volume: VolumeState,
        *,
        full: bool,
        first: bool,
        noticed: dict[str, float] | None = None,
    ) -> None:
        """After a walk (whole or partial): the rolls it found anew or changed are tracked and
        recorded, rolls no longer there are gone, and the volume's problems and unaccounted
        entries are recorded when they changed (always, with the time, after a full walk).

        `noticed` holds the walked units with the time of their latest event: a change in a
        roll counts from then (or from its files' newest ctime), not from when the walk, held
        back by `MIN_RESCAN_GAP`, got to it."""
        inventory = volume.inventory
        assert inventory is not None  # noqa: S101
        analysis = self._analysis(volume, inventory)
        roll_folders = {location.folder for location in analysis.rolls}
        fresh = inventory.regroup(roll_folders)
        if full:  # every part was walked anew
            fresh = roll_folders
        sightings = [
            self._sighting(volume, location, inventory.rolls[location.folder])
            for location in analysis.rolls
            if location.folder in fresh
        ]
        changed = self._track_all(volume, sightings, noticed)
        seen = {location.identity.id for location in analysis.rolls}
        changed |= self._vanished(volume, seen, full=full)
        volume.roll_ids = seen
        problems = _layout_problems(analysis, inventory)
        outside = unaccounted(inventory.outside, roll_folders, NOT_MEDIA)
        layout_changed = self._record_layout(volume, problems, outside, full=full)
        if first or changed or layout_changed:
            self.context.clearance.note(rolls=changed, volume=volume.volume_id)

    def _analysis(self, volume: VolumeState, inventory: VolumeScan) -> LayoutAnalysis:
        """The layout's reading of the volume's MHL folders, again only when they changed."""
        mhl_folders = inventory.mhl_folders()
        if volume.analysis is None or mhl_folders != volume.mhl_folders:
            volume.analysis = self.profile.analyse(mhl_folders)
            volume.mhl_folders = mhl_folders
        return volume.analysis

    def _sighting(
        self, volume: VolumeState, location: RollLocation, roll_scan: TreeScan
    ) -> Sighting:
        """A roll folder and its MHLs, parsed again only when an MHL file or history changed."""
        signature = _mhl_signature(roll_scan)
        tracker = self.context.trackers.get((location.identity.id, volume_key(volume.mounted)))
        if tracker is not None and tracker.reading.signature == signature:
            return Sighting(location, roll_scan, tracker.reading)
        try:
            manifest = load_roll_manifest(roll_scan)
        except MhlError as err:
            return Sighting(location, roll_scan, MhlReading(signature, None, None, str(err)))
        fingerprint = manifest_fingerprint(manifest)
        reading = MhlReading(signature, manifest, fingerprint, None, describe_mhls(manifest))
        return Sighting(location, roll_scan, reading)

    def _track_all(
        self, volume: VolumeState, sightings: list[Sighting], noticed: dict[str, float] | None
    ) -> set[str]:
        """Record every sighted copy and follow it; the rolls of the copies that changed."""
        copies = self.context.ledger.observe_copies(
            [
                CopyObservation(
                    roll_id=seen.location.identity.id,
                    shoot_day=seen.location.identity.shoot_day,
                    media_type=seen.location.identity.media_type,
                    roll=seen.location.identity.roll,
                    camera_format=seen.location.camera_format,
                    volume_id=volume.volume_id,
                    folder=seen.location.folder,
                    mhl_fingerprint=seen.reading.fingerprint,
                    **_described(seen.reading),
                )
                for seen in sightings
            ]
        )
        changed = set[str]()
        for seen, copy in zip(sightings, copies, strict=True):
            noticed_at = _event_time(noticed, seen.location.folder) if noticed else None
            if self.track(volume, seen, copy, noticed_at=noticed_at):
                changed.add(copy.roll_id)
        return changed

    def _vanished(self, volume: VolumeState, seen: set[str], *, full: bool) -> set[str]:
        """Copies recorded on the volume that the walk no longer finds: renamed when their
        content is on the volume as another roll, else erased when the drive had been cleared
        for them (news), else gone (an alarm); their rolls."""
        ledger = self.context.ledger
        if full:
            vanished = [
                c for c in ledger.copies(volume_id=volume.volume_id) if c.roll_id not in seen
            ]
        else:
            vanished = [
                c
                for roll_id in sorted(volume.roll_ids - seen)
                if (c := ledger.copy(roll_id, volume.volume_id)) is not None
            ]
        vanished = [c for c in vanished if c.state not in ABSENT_COPY_STATES]
        if not vanished:
            return set()
        cleared = ledger.cleared_for(volume.volume_id)
        renamed = self._renamed(volume, seen)
        erased = [
            c
            for c in vanished
            if c.state is CopyState.VERIFIED
            and c.roll_id in cleared
            and (c.mhl_fingerprint or "") not in renamed
        ]
        for copy in vanished:
            self.context.trackers.pop((copy.roll_id, volume_key(volume.mounted)), None)
            if copy not in erased:
                self._copy_gone(volume, copy, renamed.get(copy.mhl_fingerprint or ""))
        if erased:  # the drive was wiped after it was cleared, as the clearance allowed
            ledger.erase_copies(
                volume.volume_id, [c.roll_id for c in erased], how="wiped", cleared=True
            )
        return {c.roll_id for c in vanished}

    def _record_layout(
        self, volume: VolumeState, problems: list[str], outside: list[str], *, full: bool
    ) -> bool:
        """The volume's problems and unaccounted entries; True when they changed."""
        if full:
            self.context.ledger.volume_scanned(volume.volume_id, problems, outside)
        elif (problems, outside) != volume.reported:
            self.context.ledger.volume_layout_changed(volume.volume_id, problems, outside)
        if (problems, outside) == volume.reported:
            return False
        volume.reported = (problems, outside)
        return True

    def track(
        self,
        volume: VolumeState,
        seen: Sighting,
        copy: CopyRow,
        *,
        noticed_at: float | None = None,
    ) -> bool:
        """Follow a copy between scans: when it last changed, broken MHLs, staleness.

        A change counts from `noticed_at` (the latest event in the roll), or from now when no
        event said when (a full walk found it), or from the newest ctime if that is later.
        True when anything about the copy changed (its files, its MHLs, its state)."""
        tracker, changed = self._follow(volume, seen, noticed_at)
        if seen.reading.error is not None:
            return self._mhl_broken(volume, copy, seen.reading.error) or changed
        if copy.state is CopyState.INVALID_MHL:
            self.context.ledger.set_copy_state(
                copy.roll_id,
                volume.volume_id,
                CopyState.SETTLING,
                event=happened.mhl_reads_again(copy.roll_id, volume.volume_id),
            )
            return True
        # Comparing with the ledger's evidence costs a query per file: only when something in
        # the roll changed since the last comparison (or since start-up).
        if copy.state in COMPARED_STATES and tracker.checked != (tracker.version, copy.state):
            changed |= self._check_unchanged(volume, copy, seen.scan)
            tracker.checked = (tracker.version, copy.state)
        return changed

    def _follow(
        self, volume: VolumeState, seen: Sighting, noticed_at: float | None
    ) -> tuple[CopyTracker, bool]:
        """The copy's tracker, brought up to date; True when its files or MHLs changed."""
        identity = seen.location.identity
        key = volume_key(volume.mounted)
        files = seen.scan.files
        tracker = self.context.trackers.get((identity.id, key))
        if tracker is None:
            changed_at = max(last_change_ns(files) / 1e9, 0.0)
            tracker = CopyTracker(identity.id, key, seen.location, seen.reading, files, changed_at)
            self.context.trackers[(identity.id, key)] = tracker
            return tracker, True
        tracker.location = seen.location
        # Named tuples compare by value: size, mtime, inode and ctime of every file.
        if tracker.files != files or tracker.reading is not seen.reading:
            changed_at = max(last_change_ns(files) / 1e9, 0.0)
            tracker.reading, tracker.files = seen.reading, files
            tracker.changed_at = max(time.time() if noticed_at is None else noticed_at, changed_at)
            tracker.version += 1
            return tracker, True
        if noticed_at is not None:  # an event in the roll is activity, even if undone
            tracker.changed_at = max(tracker.changed_at, noticed_at)
        return tracker, False

    def _mhl_broken(self, volume: VolumeState, copy: CopyRow, error: str) -> bool:
        """A copy whose MHL does not read is INVALID_MHL (said once); True when it became so."""
        if copy.state is CopyState.INVALID_MHL:
            return False
        self.context.ledger.set_copy_state(
            copy.roll_id,
            volume.volume_id,
            CopyState.INVALID_MHL,
            problems=[error],
            event=happened.mhl_unreadable(
                copy.roll_id, volume.volume_id, label=volume.mounted.label, error=error
            ),
        )
        return True

    def _check_unchanged(self, volume: VolumeState, copy: CopyRow, roll_scan: TreeScan) -> bool:
        """A verified (or failed) copy whose files changed is stale: verify it again, loudly.

        True when it was found stale."""
        recorded = self.context.ledger.file_identities(copy.roll_id, volume.volume_id)
        changed = changes_since_recorded(recorded, roll_scan)
        if changed:
            self.context.ledger.set_copy_state(
                copy.roll_id,
                volume.volume_id,
                CopyState.SETTLING,
                problems=changed,
                event=happened.copy_stale(
                    copy.roll_id,
                    volume.volume_id,
                    label=volume.mounted.label,
                    proven=copy.state is CopyState.VERIFIED,
                    changes=changed,
                ),
            )
        return bool(changed)

    def _renamed(self, volume: VolumeState, seen: set[str]) -> dict[str, str]:
        """The MHL content of each roll the walk found on the volume, with that roll: a copy
        that vanished while its content is here as another roll was renamed, not lost."""
        return {
            c.mhl_fingerprint: c.roll_id
            for c in self.context.ledger.copies(volume_id=volume.volume_id)
            if c.roll_id in seen and c.mhl_fingerprint and c.state not in ABSENT_COPY_STATES
        }

    def _copy_gone(self, volume: VolumeState, copy: CopyRow, renamed_to: str | None) -> None:
        """A copy the drive was never cleared for left it: an alarm, unless its content is on
        the drive as the roll `renamed_to` (its folder was renamed)."""
        label, folder = volume.mounted.label, copy.folder
        event = (
            happened.copy_renamed(
                copy.roll_id, volume.volume_id, label=label, folder=folder, renamed_to=renamed_to
            )
            if renamed_to is not None
            else happened.copy_gone(
                copy.roll_id,
                volume.volume_id,
                label=label,
                folder=folder,
                proven=copy.state is CopyState.VERIFIED,
            )
        )
        self.context.ledger.set_copy_state(
            copy.roll_id,
            volume.volume_id,
            CopyState.GONE,
            problems=[words.folder_gone(copy.folder)],
            event=event,
        )


def _described(reading: MhlReading) -> dict[str, Any]:
    """The MHL description a copy observation carries (none when the MHLs could not be read)."""
    if reading.described is None:
        return {}
    return {"mhl_format": reading.described.format, "mhl_digests": reading.described.digests}
