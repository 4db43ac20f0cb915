"""Re-checking every uploaded roll's stored objects, cheaply, by listing them, on a schedule.

A roll's objects are listed (`roll_listings`: S3 one request per 1,000 keys) when it was
never listed since its upload, when its archive status was polled since, when its last listing is
older than `[clearance] recheck_interval`, and — for a roll a drive's clearance rests on — older
than half of `max_evidence_age`, so that clearance stays fresh while the daemon runs
(`core.clearance.freshness.recheck_due`). The listings run on a thread of their own; the loop
records what they found (`Ledger.record_listing`): an object gone revokes every clearance resting
on the roll and has it uploaded again from a mounted copy (verified again on the way), an object
changed is an alarm and is never written over, storage that cannot be checked clears nothing.
A roll whose last listing was found as recorded is listed against that listing's digest, its
record not read; should the listing differ, the roll is listed again at once and compared whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime

import structlog

from rollkeeper.core.clearance.freshness import RecheckTimes, recheck_due
from rollkeeper.ledger.object_checks import ListingOutcome, RecheckCandidate
from rollkeeper.runtime.background import background_pool
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.roll_listings import DueRoll, list_rolls
from rollkeeper.transfer.targets import Target

log = structlog.get_logger("rollkeeper")

#: The loop looks for rolls due at most this often (seconds): an idle pass asks the ledger
#: nothing.
LOOK_EVERY = 30.0


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


class ObjectRechecks:
    """The listing in flight, when to look for rolls due, and what the loop records."""

    def __init__(
        self,
        context: LoopContext,
        target: Target | None,
        withdraw: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.context = context
        self.target = target
        self.withdraw = withdraw  # records at once the verdicts resting on rolls found lost
        self.pool = background_pool(1, "recheck", context.config.service.background_nice)
        self.running: Future[list[ListingOutcome]] | None = None
        self.next_look = 0.0  # monotonic
        self.compare_whole: set[str] = set()  # rolls listed otherwise than last found

    def _look_every(self) -> float:
        settings = self.context.config.clearance
        return max(0.2, min(LOOK_EVERY, settings.recheck_interval, settings.max_evidence_age / 4))

    def step(self, *, force: bool = False) -> None:
        """Record a finished listing; start the next one when rolls are due. `force` lists and
        records every roll due here and now (`run --once`)."""
        self._collect()
        now = time.monotonic()
        if self.target is None or self.running is not None:
            return
        if not force and now < self.next_look:
            return
        self.next_look = now + self._look_every()
        candidates = self.context.ledger.recheck_candidates()
        due = self._due(candidates, whole=force)
        if not due:
            return
        uploaded = [row.key_prefix for row in candidates]  # which folders are worth a sweep
        if force:
            self._record(list_rolls(self.target, due, uploaded))
            return
        self.running = self.pool.submit(list_rolls, self.target, due, uploaded)
        self.running.add_done_callback(self.context.wake_up)

    def due(self) -> list[DueRoll]:
        """The rolls whose stored objects are due to be listed, oldest listing first."""
        return self._due(self.context.ledger.recheck_candidates())

    def _due(self, candidates: list[RecheckCandidate], *, whole: bool = False) -> list[DueRoll]:
        """The rolls due, each with its record to compare a listing with — or, when its last
        listing was found as recorded (and `whole` is not asked), that listing's digest."""
        ledger = self.context.ledger
        settings = self.context.config.clearance
        cleared = ledger.rolls_under_clearance()
        now = datetime.now(UTC)
        due: list[DueRoll] = []
        for row in candidates:
            if not recheck_due(
                _times(row),
                now,
                interval=settings.recheck_interval,
                max_age=settings.max_evidence_age,
                cleared=row.roll_id in cleared,
            ):
                continue
            digest = row.listing_digest
            if digest is None or whole or row.roll_id in self.compare_whole:
                recorded = tuple(ledger.recorded_objects(row.roll_id))
                due.append(DueRoll(row.roll_id, row.key_prefix, recorded, row.finished_at))
            else:
                due.append(DueRoll(row.roll_id, row.key_prefix, None, row.finished_at, digest))
        return due

    def _collect(self) -> None:
        if self.running is None or not self.running.done():
            return
        job, self.running = self.running, None
        try:
            outcomes = job.result()
        except Exception as err:  # a bug must not take the daemon down: log, list again later
            log.exception("storage.recheck_failed", exc_info=err)
            return
        self._record(outcomes)

    def _record(self, outcomes: list[ListingOutcome]) -> None:
        """Record each listing; a roll whose clearances may have changed is judged again, and
        every clearance resting on a roll found lost (gone, changed, uncheckable) withdrawn at
        once."""
        lost = []
        for outcome in outcomes:
            if outcome.differs:  # listed again at once, and compared whole
                self.compare_whole.add(outcome.roll_id)
                self.next_look = 0.0
                continue
            self.compare_whole.discard(outcome.roll_id)
            if self.context.ledger.record_listing(outcome):
                self.context.clearance.note(rolls=[outcome.roll_id])
                if outcome.problem is not None or (outcome.findings and outcome.findings.alarming):
                    lost.append(outcome.roll_id)
        if lost and self.withdraw is not None:
            self.withdraw(lost)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _times(row: RecheckCandidate) -> RecheckTimes:
    return RecheckTimes(_moment(row.objects_checked_at), _moment(row.archive_checked_at))
