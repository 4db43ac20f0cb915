"""The archive schedule: asking the archive provider about uploaded rolls, on a timer.

An interval job asks for a poll; the loop starts it on a thread of its own (a provider may take
its time over the network) and records the answers (`Ledger.record_archive_check`) when it ends.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

from rollkeeper.archive.model import ArchiveProvider, ArchiveRoll
from rollkeeper.archive.poller import ArchiveAnswer, archive_roll, poll
from rollkeeper.core import happened
from rollkeeper.ledger.store import now_iso
from rollkeeper.runtime.context import LoopContext

log = structlog.get_logger("rollkeeper")


class ArchiveSchedule:
    """When the archive is asked, the poll in flight, and what its answers record."""

    def __init__(self, context: LoopContext, provider: ArchiveProvider) -> None:
        self.context = context
        self.provider = provider
        self.requested = threading.Event()
        self.background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive")
        self.job: Future[list[ArchiveAnswer]] | None = None
        self.scheduler: BackgroundScheduler | None = None

    def prepare(self) -> None:
        """Say at start-up when the archive provider can never report an archived roll."""
        problem = self.provider.preflight()
        if problem is not None:
            unusable = happened.archive_unusable(problem, provider=self.provider.name)
            self.context.ledger.record(unusable)

    def start(self) -> None:
        """One interval job asks for archive polls; coalesced, and a missed run (the cart
        asleep) still happens once on wake-up."""
        scheduler = BackgroundScheduler(timezone="UTC")
        scheduler.add_job(
            self.request,
            "interval",
            seconds=max(1.0, min(self.context.config.archive.poll_interval, 300.0)),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=24 * 3600,
            next_run_time=datetime.now(UTC),
        )
        scheduler.start()
        self.scheduler = scheduler

    def request(self) -> None:
        """Ask for a poll on the next pass (called by the scheduler's thread)."""
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

    def step(self) -> None:
        """Record a finished poll; start the next one when asked and anything is due."""
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
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
