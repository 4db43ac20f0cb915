"""Judging the drives: when, on which thread, and which judgments the loop records.

Judging re-reads the evidence of every file of every roll on a drive: seconds on a big RAID.
The running daemon therefore judges every mounted drive on a thread of its own, from a
read-only view of the ledger, while the loop goes on noticing changes and settling rolls. The
loop then records each judgment as it is, once (`reports.drive_decision.record_judgment`, as
the `clearance` command does): a drive is judged once per pass. A judgment whose drive, or a
roll on it, had something recorded meanwhile may be stale: it is dropped, and the drive judged
again on the next pass.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import replace

import structlog

from rollkeeper.ledger.rows import VolumeRow
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.drive_decision import Judges, Judgment, judge, record_judgment
from rollkeeper.runtime.background import background_pool
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.rechecks import ObjectRechecks

log = structlog.get_logger("rollkeeper")

#: While things keep changing, at most a fifth of the time goes to judging.
JUDGING_DUTY = 5.0


class Judging:
    """The judging thread, the judgment in flight, and when the drives are judged next."""

    def __init__(self, context: LoopContext, judges: Judges) -> None:
        self.context = context
        # A stored object listed within max_evidence_age is taken as listed; older ones are
        # looked up again before a drive is announced clear.
        self.judges = replace(judges, max_evidence_age=context.config.clearance.max_evidence_age)
        self.rechecks = ObjectRechecks(context, judges.target, self.withdraw)
        self.pool = background_pool(1, "clearance", context.config.service.background_nice)
        self.running: Future[tuple[list[Judgment], float]] | None = None
        self.last = 0.0  # monotonic start of the last judging
        self.seconds = 0.0  # how long the last judging took

    def judge_drives(self, *, force: bool = False) -> None:
        """Judge every mounted drive when something changed (and hourly); record changes.

        In the background, at most one judging at a time; `force` judges and records here and
        now (`run --once`), after listing every roll's stored objects that are due."""
        if force:
            self.rechecks.step(force=True)
        self._collect()
        now = time.monotonic()
        since = now - self.last
        due = since >= self.context.config.clearance.recheck_interval
        gap = max(1.0, self.seconds * JUDGING_DUTY)
        notes = self.context.clearance
        if self.running is not None or not (force or due or (notes.dirty and since >= gap)):
            return
        notes.begin()
        self.last = now
        ledger = self.context.ledger
        volumes = [volume for volume in ledger.volumes() if volume.mounted]
        if force:
            for volume in volumes:
                self._record(judge(ledger, volume, self.judges))
            self.seconds = time.monotonic() - now
            return
        self.running = self.pool.submit(self._judge_all, volumes)
        self.running.add_done_callback(self.context.wake_up)

    def withdraw(self, rolls: list[str]) -> None:
        """Judge and record here and now every drive whose clearance rests on `rolls` (whose
        stored objects were found gone, changed or uncheckable): such a clearance is withdrawn
        at once, not on a later pass."""
        ledger = self.context.ledger
        lost = set(rolls)
        for volume in ledger.volumes():
            last = ledger.last_drive_clearance(volume.id)
            if last is None or not last.clear:
                continue
            if lost.isdisjoint(c.roll_id for c in ledger.copies(volume_id=volume.id)):
                continue
            self._record(judge(ledger, volume, self.judges))

    def _judge_all(self, volumes: list[VolumeRow]) -> tuple[list[Judgment], float]:
        """On the judging thread: each drive's judgment, recorded nowhere, and the time taken."""
        started = time.monotonic()
        ledger = Ledger.in_state_dir(self.context.state_dir, readonly=True)
        try:
            judgments = [judge(ledger, volume, self.judges) for volume in volumes]
        finally:
            ledger.close()
        return judgments, time.monotonic() - started

    def _collect(self) -> None:
        """Record the finished judgments that are still fresh, their drives still mounted."""
        if self.running is None or not self.running.done():
            return
        job, self.running = self.running, None
        notes = self.context.clearance
        try:
            judgments, self.seconds = job.result()
        except Exception as err:  # a bug must not take the daemon down: log, judge again later
            log.exception("clearance.judging_failed", exc_info=err)
            notes.dirty = True
            return
        for judgment in judgments:
            if notes.touch(judgment.volume.id, judgment.rolls()):
                continue  # stale: judged again on the next pass (noting it made it dirty)
            volume = self.context.ledger.volume(judgment.volume.id)
            if volume is not None and volume.mounted:
                self._record(judgment)

    def _record(self, judgment: Judgment) -> None:
        record_judgment(self.context.ledger, judgment)
        if judgment.missing:
            self.context.clearance.note(rolls=judgment.missing)

    def shutdown(self) -> None:
        self.rechecks.shutdown()
        self.pool.shutdown(wait=True, cancel_futures=True)
