"""Telling people: the loop's step that delivers the outbox, and the daily summary's schedule.

Each pass the loop records the outcomes the channels' workers reported, then (only when a
delivery is due: the next due time is remembered, and the loop's rest ends for it) claims what
is due on every idle channel (`Ledger.claim_due`), composes each notice on the loop's own thread
(`notify.compose`) and hands it to that channel's worker: one thread per channel, so a failing or
slow channel never delays another, a verification or an upload. A worker only sends; its
outcome comes back through a queue and the loop records it (`delivery_sent`, `delivery_failed`).
At `[notify] daily_at` (local time) an APScheduler cron job asks the loop to record a
DAY_SUMMARY event, routed and delivered like any other.
"""

from __future__ import annotations

import queue
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from threading import Event as Flag

import structlog

from rollkeeper.core import happened
from rollkeeper.core.events import Severity
from rollkeeper.ledger.outbox import Claimed, iso
from rollkeeper.notify.compose import Composer
from rollkeeper.notify.model import Channel, DeliveryFailed, Notice
from rollkeeper.notify.sending import failed_attempt, send_one
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.daily import DailySummary

log = structlog.get_logger("rollkeeper")

#: A stopping daemon waits this long (seconds) for sends in flight, to record how they went.
SHUTDOWN_WAIT = 5.0

#: The next due time is read again at least this often (seconds): another process (`clearance`,
#: `notify summary`) may have recorded an event meanwhile.
LOOK_AGAIN = 30.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a channel's worker reports: the claim it sent, and the failure (None: sent)."""

    claimed: Claimed
    failure: DeliveryFailed | None


@dataclass(frozen=True, slots=True)
class Round:
    """The notices one channel is handed on one pass, loudest first."""

    channel: Channel
    sends: tuple[tuple[Notice, Claimed], ...]


def send_round(
    round_: Round, outcomes: queue.SimpleQueue[Outcome], wake: Callable[[], None]
) -> None:
    """On the channel's worker: send each notice and report each outcome. Once one fails (not
    for good), the rest of the round are not tried, and fail with it: a channel that is down
    costs one timeout a pass, not one a message."""
    down: DeliveryFailed | None = None
    for notice, claimed in round_.sends:
        if down is None:
            failure = send_one(round_.channel, notice)
            if failure is not None and not failure.permanent:
                down = failure
        else:
            failure = DeliveryFailed(f"not tried: {down.reason}", retry_after=down.retry_after)
        outcomes.put(Outcome(claimed, failure))
        wake()


def _loudness(severity: Severity) -> int:
    return list(Severity).index(severity)


class Notifying:
    """The channels, their workers, and what the loop remembers of the outbox."""

    def __init__(
        self,
        context: LoopContext,
        channels: Sequence[Channel],
        composer: Composer,
        *,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.context = context
        self.channels = {channel.name: channel for channel in channels}
        self.composer = composer
        self.jitter = jitter
        self.workers = {
            name: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"notify-{name}")
            for name in self.channels
        }
        self.in_flight: dict[str, int] = {}  # notices handed to a channel, not yet reported
        self.rounds: list[tuple[Future[None], str, int]] = []  # handed over, maybe not begun
        self.outcomes: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self.daily = DailySummary(context.config.notify.daily_at, self._summary_asked)
        self.summary_due = Flag()
        self._next_due: str | None = None
        self._seen_event_id = -1
        self._looked_at = float("-inf")

    # --- the loop's side ------------------------------------------------------------------------

    def prepare(self) -> None:
        """At start: deliveries to channels no longer configured can never go out; say so."""
        configured = {route.channel for route in self.context.ledger.routes}
        forgotten = self.context.ledger.forget_unconfigured(configured)
        if forgotten:
            log.warning("notify.forgotten", count=forgotten)
        self._give_up_expired()

    def _give_up_expired(self) -> None:
        expired = self.context.ledger.give_up_expired(self.context.config.notify.give_up_after)
        if expired:
            log.warning("notify.given_up", count=expired)

    def start(self) -> None:
        """Start the daily summary's schedule (the daemon, not `run --once`)."""
        self.daily.start()

    def _summary_asked(self) -> None:
        """Called by the scheduler's thread: the loop records the summary on its next pass."""
        self.summary_due.set()
        self.context.wake.set()

    def step(self, now: datetime | None = None) -> None:
        """Record what the workers reported, the daily summary if it is time, then send
        whatever is due on an idle channel. Cheap when idle: no query unless something may be
        due."""
        self.record_outcomes()
        if self.summary_due.is_set():
            self.summary_due.clear()
            self.context.ledger.record(happened.summary_asked(self.daily.today(), occasion="daily"))
        moment = now or datetime.now(UTC)
        if self._may_be_due(moment):
            self.send_due(moment)

    def _may_be_due(self, now: datetime) -> bool:
        ledger = self.context.ledger
        if not self.channels:
            return False
        stale = time.monotonic() - self._looked_at >= LOOK_AGAIN
        if stale or ledger.last_recorded_id != self._seen_event_id:
            self._seen_event_id = ledger.last_recorded_id
            self._looked_at = time.monotonic()
            if stale:
                self._give_up_expired()
            self._next_due = ledger.next_delivery_at(self._idle())
        return self._next_due is not None and self._next_due <= iso(now)

    def _idle(self) -> list[str]:
        return [name for name in self.channels if not self.in_flight.get(name)]

    def send_due(self, now: datetime | None = None, *, everything: bool = False) -> int:
        """Claim what is due on every idle channel (with `everything`: all that is pending),
        compose each notice here, hand it to its channel's worker. How many were handed."""
        ledger = self.context.ledger
        idle = self._idle()
        if not idle:
            return 0
        claimed = ledger.claim_due(idle, now=now, everything=everything, jitter=self.jitter)
        rounds: dict[str, list[tuple[Notice, Claimed]]] = {}
        for claim in claimed:
            notice = self._compose(claim)
            if notice is not None:
                rounds.setdefault(claim.channel, []).append((notice, claim))
        for name, sends in rounds.items():
            sends.sort(key=lambda send: -_loudness(send[0].severity))  # alarms first
            self.in_flight[name] = self.in_flight.get(name, 0) + len(sends)
            round_ = Round(self.channels[name], tuple(sends))
            future = self.workers[name].submit(
                send_round, round_, self.outcomes, self.context.wake.set
            )
            self.rounds.append((future, name, len(sends)))
        self._next_due = ledger.next_delivery_at(self._idle())
        return len(claimed)

    def _compose(self, claim: Claimed) -> Notice | None:
        """The claim's notice; a notice that cannot be composed is a failed attempt (its event
        gone: for good), never a stopped loop."""
        try:
            return self.composer.compose(self.context.ledger, claim)
        except LookupError as err:
            self._record(Outcome(claim, DeliveryFailed(str(err), permanent=True)))
        except Exception as err:
            log.exception("notify.compose_failed", notice=claim.notice_id, exc_info=err)
            reason = f"the notice could not be composed ({type(err).__name__})"
            self._record(Outcome(claim, DeliveryFailed(reason)))
        return None

    def record_outcomes(self) -> int:
        """Record every outcome the workers reported since the last call. How many."""
        count = 0
        while True:
            try:
                outcome = self.outcomes.get_nowait()
            except queue.Empty:
                break
            self.in_flight[outcome.claimed.channel] -= 1
            self._record(outcome)
            count += 1
        if count:
            self.rounds = [r for r in self.rounds if not r[0].done()]
        return count

    def _record(self, outcome: Outcome) -> None:
        ledger, failure = self.context.ledger, outcome.failure
        self._looked_at = float("-inf")  # the next due time moved
        if failure is None:
            ledger.delivery_sent(outcome.claimed)
            log.info(
                "notify.sent",
                channel=outcome.claimed.channel,
                notice=outcome.claimed.notice_id,
                events=list(outcome.claimed.event_ids),
            )
            return
        log.warning(
            "notify.failed",
            channel=outcome.claimed.channel,
            notice=outcome.claimed.notice_id,
            error=failure.reason,
        )
        attempt = failed_attempt(failure, self.context.config.notify.give_up_after, self.jitter())
        ledger.delivery_failed(outcome.claimed, attempt)

    def sleep_for(self) -> float | None:
        """How long the loop may rest before a delivery is due (None: nothing is)."""
        if self._next_due is None or not self.channels:
            return None
        due = datetime.fromisoformat(self._next_due)
        return max(0.0, (due - datetime.now(UTC)).total_seconds())

    def flush(self, wait: float) -> None:
        """`run --once`: send everything pending now, batch windows and backoffs ignored, and
        record the outcomes that arrive within `wait` seconds (the rest stay claimed: sent
        again after their backoff, under the same id)."""
        self.record_outcomes()
        self.send_due(everything=True)
        self._await_outcomes(wait)

    def _await_outcomes(self, wait: float) -> None:
        """Record outcomes as they come, until none is in flight or `wait` seconds passed."""
        give_up_at = time.monotonic() + wait
        while any(self.in_flight.values()) and (left := give_up_at - time.monotonic()) > 0:
            self.context.wake.wait(timeout=min(0.1, left))
            self.context.wake.clear()
            self.record_outcomes()

    def replace_channels(self, channels: Sequence[Channel], composer: Composer) -> None:
        """A reload (SIGHUP): the old channels stop as at a shutdown (sends in flight recorded,
        those not begun sent again after their backoff), the new ones and their schedule start,
        and deliveries to channels no longer configured are given up (the ledger's routes are
        the new ones already)."""
        self.shutdown()
        self.channels = {channel.name: channel for channel in channels}
        self.composer = composer
        self.workers = {
            name: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"notify-{name}")
            for name in self.channels
        }
        self.rounds = []
        self.daily = DailySummary(self.context.config.notify.daily_at, self._summary_asked)
        self._next_due, self._looked_at = None, float("-inf")
        self.prepare()
        self.start()

    def shutdown(self) -> None:
        """Stop the schedule and the workers: sends not begun are dropped (claimed, so sent
        again after their backoff), those in flight are waited for a moment and recorded; then
        the channels are closed."""
        self.daily.shutdown()
        for worker in self.workers.values():
            worker.shutdown(wait=False, cancel_futures=True)
        for future, name, count in self.rounds:
            if future.cancelled():  # never begun: nothing will be reported
                self.in_flight[name] -= count
        if self.context.is_open:
            self._await_outcomes(SHUTDOWN_WAIT)
            self.record_outcomes()
        for channel in self.channels.values():
            try:
                channel.close()
            except Exception as err:
                log.warning("notify.close_failed", channel=channel.name, error=type(err).__name__)
