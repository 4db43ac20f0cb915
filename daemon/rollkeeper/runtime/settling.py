"""Readiness: which tracked copies have settled and go to a worker, and when to look again.

A copy is ready when every file its MHLs list is present with its listed size and nothing in it
changed for `settle_seconds` (`core.readiness.assess`). A copy still missing files long after
its last change is INCOMPLETE, an alarm. A roll whose upload failed is tried again, when due,
from a verified copy that is mounted.
"""

from __future__ import annotations

import time

from rollkeeper.core import happened
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.core.readiness import Readiness, assess
from rollkeeper.ledger.rows import CopyRow
from rollkeeper.ledger.store import now_iso
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.jobs import Jobs
from rollkeeper.runtime.trackers import CopyTracker, VolumeState

#: A roll still missing files this long after its last change is INCOMPLETE (an alarm), not
#: merely still copying.
INCOMPLETE_AFTER_SETTLES = 10
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
        """Move settled copies to READY and start verifying them; flag long-incomplete ones."""
        now = time.time()
        settle = self.context.config.layout.settle_seconds
        self.settles_at = None
        for copy, tracker in self._waiting():
            volume = self.context.volumes[tracker.volume_key]
            if tracker.reading.manifest is None or tracker.verifying:
                continue
            readiness = assess(
                tracker.reading.manifest,
                tracker.files,
                last_change=tracker.changed_at,
                now=now,
                settle=settle,
            )
            if readiness.ready:
                self.jobs.submit(volume, tracker)
                continue
            if not readiness.waiting_for:  # complete, still settling: look again right then
                due = tracker.changed_at + settle
                self.settles_at = due if self.settles_at is None else min(self.settles_at, due)
            quiet = now - tracker.changed_at >= max(settle, 1.0) * INCOMPLETE_AFTER_SETTLES
            if copy.state is CopyState.SETTLING and readiness.waiting_for and quiet:
                self._incomplete(volume, tracker, readiness)

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

    def retry_uploads(self) -> None:
        """Rolls whose upload failed earlier are tried again from a verified, mounted copy."""
        if self.jobs.uploads.target is None:
            return
        ledger = self.context.ledger
        for roll_id in ledger.uploads_due(now_iso()):
            for (tracked_roll, key), tracker in self.context.trackers.items():
                volume = self.context.volumes.get(key)
                if tracked_roll != roll_id or volume is None or tracker.verifying:
                    continue
                copy = ledger.copy(roll_id, volume.volume_id)
                if copy is not None and copy.state is CopyState.VERIFIED:
                    self.jobs.submit(volume, tracker, retry=True)
                    break
