"""The archive schedule: asking the archive provider about uploaded rolls, on a timer.

An interval timer (`runtime.intervals`: steady, counting sleep, missed periods folded into one)
asks for a poll; the loop starts it on a thread of its own (a provider may take
its time over the network) and records the answers (`Ledger.record_archive_check`) when it ends.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

import structlog

from rollkeeper.archive.model import ArchiveProvider, ArchiveRoll
from rollkeeper.archive.poller import ArchiveAnswer, archive_roll, poll
from rollkeeper.core import happened
from rollkeeper.ledger.store import now_iso
from rollkeeper.runtime.background import background_pool
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.intervals import IntervalTimer

log = structlog.get_logger("rollkeeper")


class ArchiveSchedule:
    """When the archive is asked, the poll in flight, and what its answers record."""

    def __init__(self, context: LoopContext, provider: ArchiveProvider) -> None:
        self.context = context
        self.provider = provider
        self.requested = threading.Event()
        self.background = background_pool(1, "archive", context.config.service.background_nice)
        self.job: Future[list[ArchiveAnswer]] | None = None
        self.timer: IntervalTimer | None = None  # started by `start` (the daemon, not --once)

    def prepare(self) -> None:
        """Say at start-up when the archive provider can never report an archived roll."""
        problem = self.provider.preflight()
        if problem is not None:
            unusable = happened.archive_unusable(problem, provider=self.provider.name)
            self.context.ledger.record(unusable)

    def start(self) -> None:
        """Ask for a poll now and every `period()` seconds after; a cart that slept (or a
        frozen process) through several periods asks once on waking, never in a storm."""
        self.timer = IntervalTimer(self.period())

    def period(self) -> float:
        """Seconds between asks: `[archive] poll_interval`, between 1 s and 5 min (each roll
        keeps its own next poll time in the ledger)."""
        return max(1.0, min(self.context.config.archive.poll_interval, 300.0))

    def reschedule(self) -> None:
        """A reload changed `poll_interval`: the job asks at the new period from now on."""
        if self.timer is not None:
            self.timer.reschedule(self.period())

    def request(self) -> None:
        """Ask for a poll on the next pass (any thread may)."""
        self.requested.set()
        self.context.wake.set()

    def _due(self, *, everything: bool = False) -> list[tuple[ArchiveRoll, str | None]]:
        """The uploaded rolls due a poll (with `everything`: every one not yet archived)."""
        ledger = self.context.ledger
        return [
            (archive_roll(row, ledger.stored_objects(row.roll_id)), row.finished_at)
            for row in ledger.archive_due(None if everything else now_iso())
        ]

    def poll_now(self, *, everything: bool = False) -> None:
        """One archive poll on this thread (for `run --once`); with `everything`, of every
        uploaded roll not yet archived, whenever its next poll was due."""
        self._record(
            poll(self.provider, self.context.config.archive, self._due(everything=everything))
        )

    def step(self, *, hold: bool = False) -> None:
        """Record a finished poll; start the next one when asked (or the timer says so) and
        anything is due. With `hold` (the drives are being judged) a finished poll waits: its
        answers would make that judgment stale, and a poll as frequent as the judging would
        then keep every judgment from being recorded."""
        if self.timer is not None and self.timer.due():
            self.requested.set()
        if hold:
            return
        if self.job is not None and self.job.done():
            job, self.job = self.job, None
            try:
                self._record(job.result())
            except Exception as err:
                log.exception("archive.poll_failed", exc_info=err)
        if self.job is None and self.requested.is_set():
            self.requested.clear()
            due = self._due()
            if due:
                self.job = self.background.submit(
                    poll, self.provider, self.context.config.archive, due
                )
                self.job.add_done_callback(self.context.wake_up)

    def _record(self, answers: list[ArchiveAnswer]) -> None:
        for answer in answers:
            self.context.ledger.record_archive_check(
                answer.roll_id,
                provider=self.provider.name,
                state=answer.report.state.value,
                reasons=answer.report.reasons,
                objects={k: v.value for k, v in answer.report.objects.items()},
                next_check_at=answer.next_check_at,
                overdue=answer.overdue,
            )
        if answers:
            self.context.clearance.note(rolls=[a.roll_id for a in answers])

    def shutdown(self) -> None:
        self.background.shutdown(wait=True, cancel_futures=True)
        self.timer = None
