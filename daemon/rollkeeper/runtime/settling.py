"""Readiness: which tracked copies have settled and go to a worker, and when to look again.

A copy is ready when every file its MHLs list is present with its listed size and nothing in it
changed for `settle_seconds` (`core.readiness.assess`). Until then its row keeps the files it
still waits for (status shows them); a copy still short of files `stall_after` seconds after its
last change is INCOMPLETE, an alarm, and one whose listed file is a symbolic link leading out of
the roll is refused at once. A roll waiting for storage is uploaded as soon as the target is
usable again, and one whose upload failed when it is due, from a verified copy that is mounted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from rollkeeper.core import happened
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.core.readiness import Readiness, assess
from rollkeeper.core.words import link_leaves_roll
from rollkeeper.ledger.rows import CopyRow
from rollkeeper.ledger.store import now_iso
from rollkeeper.mhl.model import RollManifest, name_key
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.jobs import Jobs
from rollkeeper.runtime.trackers import CopyTracker, VolumeState
from rollkeeper.runtime.uploads import roll_bytes

#: The main loop's rest between turns when nothing wakes it (readiness is judged each turn).
TICK = 0.5


class Settling:
    """Judges readiness each pass and remembers when the next complete copy settles."""

    def __init__(self, context: LoopContext, jobs: Jobs) -> None:
        self.context = context
        self.jobs = jobs
        self.settles_at: float | None = None  # when the next complete copy has settled

    def sleep_for(self) -> float:
        """How long the main loop may rest: a tick, or less when a copy settles sooner."""
        if self.settles_at is None:
            return TICK
        return min(TICK, max(0.01, self.settles_at - time.time()))

    def _waiting(self) -> list[tuple[CopyRow, CopyTracker]]:
        """The copies waiting to be verified that are tracked on a mounted volume, sound
        first when the target asks for it."""
        keys = {volume.volume_id: key for key, volume in self.context.volumes.items()}
        waiting = [
            (copy, tracker)
            for copy in self.context.ledger.copies_waiting()
            if (key := keys.get(copy.volume_id)) is not None
            and (tracker := self.context.trackers.get((copy.roll_id, key))) is not None
        ]
        target = self.context.config.target
        if target is not None and target.priority == "sound_first":
            waiting.sort(key=lambda pair: pair[1].location.identity.media_type != "Sound_Media")
        return waiting

    def evaluate(self) -> None:
        """Move settled copies to READY and start verifying them; refuse links leaving the
        roll at once; flag copies stalled short of files; keep what each still waits for."""
        now = time.time()
        self.settles_at = None
        for copy, tracker in self._waiting():
            if tracker.reading.manifest is None or tracker.verifying:
                continue
            volume = self.context.volumes[tracker.volume_key]
            links = links_leaving(volume.mounted.path / tracker.location.folder, tracker)
            if links:
                if copy.state is CopyState.SETTLING:
                    self._refused(volume, tracker, links)
                continue
            self._judge(copy, tracker, volume, tracker.reading.manifest, now)

    def _judge(
        self,
        copy: CopyRow,
        tracker: CopyTracker,
        volume: VolumeState,
        manifest: RollManifest,
        now: float,
    ) -> None:
        """One copy: to a worker when ready, else remember when to look again or what it
        waits for, and fail it when it has stalled short of files."""
        layout = self.context.config.layout
        readiness = assess(
            manifest,
            tracker.files,
            last_change=tracker.changed_at,
            now=now,
            settle=layout.settle_seconds,
        )
        if readiness.ready:
            self.jobs.submit(volume, tracker)
            return
        if not readiness.waiting_for:  # complete, still settling: look again right then
            due = tracker.changed_at + layout.settle_seconds
            self.settles_at = due if self.settles_at is None else min(self.settles_at, due)
        if copy.state is not CopyState.SETTLING:
            return
        if readiness.waiting_for and now - tracker.changed_at >= layout.stall_after:
            self._incomplete(volume, tracker, readiness)
        elif list(readiness.waiting_for) != copy.problems:
            self.context.ledger.note_waiting(
                tracker.roll_id, volume.volume_id, readiness.waiting_for
            )

    def _refused(self, volume: VolumeState, tracker: CopyTracker, links: list[str]) -> None:
        self.context.ledger.set_copy_state(
            tracker.roll_id,
            volume.volume_id,
            CopyState.INCOMPLETE,
            problems=[link_leaves_roll(path) for path in links],
            event=happened.link_leaves_roll(
                tracker.roll_id, volume.volume_id, label=volume.mounted.label, links=links
            ),
        )
        self.context.clearance.note(rolls=[tracker.roll_id], volume=volume.volume_id)

    def _incomplete(self, volume: VolumeState, tracker: CopyTracker, readiness: Readiness) -> None:
        waiting_for = list(readiness.waiting_for)
        self.context.ledger.set_copy_state(
            tracker.roll_id,
            volume.volume_id,
            CopyState.INCOMPLETE,
            problems=waiting_for,
            event=happened.quiet_but_incomplete(
                tracker.roll_id,
                volume.volume_id,
                label=volume.mounted.label,
                waiting_for=waiting_for,
            ),
        )
        self.context.clearance.note(rolls=[tracker.roll_id], volume=volume.volume_id)

    def retry_uploads(self, *, ignore_backoff: bool = False) -> None:
        """Keep the target's state fresh (checked every few seconds while it is unusable);
        while it is usable, rolls waiting for storage, and those whose upload failed and is
        due again (or at once, with `ignore_backoff`: `run --once`), go from a verified,
        mounted copy."""
        uploads = self.jobs.uploads
        if uploads.target is None:
            return
        ledger = self.context.ledger
        if uploads.check_due(time.monotonic()):
            uploads.check_target(ledger)
        if uploads.problem is not None or uploads.held() is not None:
            return
        due = ledger.uploads_waiting() + ledger.uploads_due(None if ignore_backoff else now_iso())
        if not due:
            return
        tracked: dict[str, list[tuple[str, CopyTracker]]] = {}
        for (roll_id, key), tracker in self.context.trackers.items():
            tracked.setdefault(roll_id, []).append((key, tracker))
        for roll_id in due:
            self._retry(roll_id, tracked.get(roll_id, []))

    def _retry(self, roll_id: str, tracked: list[tuple[str, CopyTracker]]) -> None:
        """Upload the roll from a verified copy on a mounted drive that holds the roll's content
        (never one with other content under its name), if one is there."""
        ledger = self.context.ledger
        for key, tracker in tracked:
            volume = self.context.volumes.get(key)
            if volume is None or tracker.verifying:
                continue
            copy = ledger.copy(roll_id, volume.volume_id)
            if (
                copy is not None
                and copy.state is CopyState.VERIFIED
                and ledger.may_upload_from(roll_id, volume.volume_id)
            ):
                if self.jobs.uploads.room_for(ledger, roll_id, roll_bytes(tracker)):
                    self.jobs.submit(volume, tracker, retry=True)
                return  # else it waits for room, checked again on the next pass


def links_leaving(roll_folder: Path, tracker: CopyTracker) -> list[str]:
    """The listed files of a copy that are symbolic links leading out of its folder: never
    followed, so such a copy can never be verified or uploaded."""
    manifest = tracker.reading.manifest
    if manifest is None:
        return []
    links = [path for path, info in tracker.files.items() if info.is_symlink]
    if not links:  # the common case, judged every pass: no system call at all
        return []
    real_root = os.path.realpath(roll_folder)
    leaving = []
    for path in links:
        entry = manifest.entries.get(name_key(path))
        if entry is None:
            continue
        target = os.path.realpath(roll_folder / path)
        if os.path.commonpath([real_root, target]) != real_root:
            leaving.append(entry.path)
    return sorted(leaving)
