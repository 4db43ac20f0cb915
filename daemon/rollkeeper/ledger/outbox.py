"""Delivering the outbox: claiming the deliveries that are due, and recording what became of them.

A delivery row (`deliveries`, routed when its event was recorded: `EventLog._route`) is claimed
before it is sent: its attempts counted and its next attempt pushed out by the backoff, in one
transaction, so a crash between sending and recording sends it again at most once per crash,
after that backoff, under the same `notice_id` (kept from the first claim) so a receiver can
drop the repeat. Good news of one channel is claimed together, as one batch, once any of it is
due. A failed attempt is tried again after an exponential backoff with jitter (or the wait the
receiver asked for); a delivery still failing `give_up_after` after its event, or refused for
good, is `failed`, and stays shown.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from rollkeeper.core.words.deliveries import NO_LONGER_CONFIGURED, NOT_SENT_IN_TIME
from rollkeeper.ledger.events import EventLog
from rollkeeper.ledger.rows import from_row

#: The first retry waits this long (seconds), each next one twice as long, up to `BACKOFF_CAP`.
BACKOFF_FIRST = 30.0
BACKOFF_CAP = 3600.0

Jitter = Callable[[], float]  # a number in [0, 1)


def backoff(attempts: int, jitter: float) -> float:
    """Seconds to wait after the `attempts`-th attempt: 30 s doubling up to an hour, scaled by
    a jitter factor between 0.5 and 1 so that channels failing together do not retry in step."""
    base: float = min(BACKOFF_CAP, BACKOFF_FIRST * 2.0 ** max(0, attempts - 1))
    return base * (0.5 + min(max(jitter, 0.0), 1.0) / 2)


def iso(moment: datetime) -> str:
    """A moment as the ledger stores it (UTC, milliseconds: text that sorts as time does)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event's delivery to one channel, as recorded."""

    id: int
    event_id: int
    channel: str
    good_news: bool
    state: str  # pending | sent | failed
    attempts: int
    next_attempt_at: str
    last_error: str | None
    created_at: str
    sent_at: str | None
    notice_id: str | None


@dataclass(frozen=True, slots=True)
class Claimed:
    """Deliveries claimed to go out as one notice on one channel: one event told at once, or a
    batch of good news (`batch`)."""

    channel: str
    notice_id: str
    batch: bool
    deliveries: tuple[Delivery, ...]

    @property
    def event_ids(self) -> tuple[int, ...]:
        return tuple(d.event_id for d in self.deliveries)


@dataclass(frozen=True, slots=True)
class ChannelOutbox:
    """One channel's deliveries at a glance: what waits, what was given up, the last error."""

    channel: str
    pending: int
    failed: int
    sent: int
    oldest_pending: str | None  # when the oldest waiting delivery's event was recorded
    last_error: str | None  # of the newest delivery not sent that has one
    last_sent_at: str | None


def _delivery(row: sqlite3.Row) -> Delivery:
    return from_row(Delivery, row, good_news=bool(row["good_news"]))


@dataclass(frozen=True, slots=True)
class _Group:
    channel: str
    notice_id: str
    batch: bool
    rows: tuple[Delivery, ...]


def _at_once(pending: Sequence[Delivery], due: Callable[[Delivery], bool]) -> list[_Group]:
    """Each due delivery that is not good news: a notice of its own."""
    return [
        _Group(d.channel, d.notice_id or f"event-{d.event_id}", False, (d,))
        for d in pending
        if not d.good_news and due(d)
    ]


def _batches(pending: Sequence[Delivery], due: Callable[[Delivery], bool]) -> list[_Group]:
    """Per channel: a batch claimed before (same notice id) once it is due again, and all the
    good news never claimed once any of it is due (the batch window of its oldest is over)."""
    groups: list[_Group] = []
    news: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in pending:
        if delivery.good_news:
            news[delivery.channel].append(delivery)
    for channel, rows in news.items():
        earlier: dict[str, list[Delivery]] = defaultdict(list)
        for row in rows:
            if row.notice_id is not None:
                earlier[row.notice_id].append(row)
        for notice_id, claimed in earlier.items():
            if any(due(row) for row in claimed):
                groups.append(_Group(channel, notice_id, True, tuple(claimed)))
        fresh = [row for row in rows if row.notice_id is None]
        if any(due(row) for row in fresh):
            ids = [row.event_id for row in fresh]
            notice_id = f"batch-{channel}-{min(ids)}-{max(ids)}"
            groups.append(_Group(channel, notice_id, True, tuple(fresh)))
    return groups


class DeliveryRecords(EventLog):
    """The deliveries of routed events: claiming, recording outcomes, and summing them up."""

    def _pending(self, channels: Collection[str]) -> list[Delivery]:
        rows = self.db.execute("SELECT * FROM deliveries WHERE state = 'pending' ORDER BY id")
        return [d for d in map(_delivery, rows) if d.channel in channels]

    def claim_due(
        self,
        channels: Collection[str],
        *,
        now: datetime | None = None,
        everything: bool = False,
        jitter: Jitter = random.random,
    ) -> list[Claimed]:
        """Claim what is due on `channels` (with `everything`, all that is pending, batch windows
        and backoffs ignored): attempts counted, next attempt pushed out by the backoff, the
        notice id fixed, all in one transaction."""
        moment = now or datetime.now(UTC)
        stamp = iso(moment)

        def due(delivery: Delivery) -> bool:
            return everything or delivery.next_attempt_at <= stamp

        with self.transaction():
            pending = self._pending(channels)
            groups = _at_once(pending, due) + _batches(pending, due)
            return [self._claim(group, moment, jitter()) for group in groups]

    def claim_event(
        self,
        event_id: int,
        channels: Collection[str],
        *,
        now: datetime | None = None,
        jitter: Jitter = random.random,
    ) -> list[Claimed]:
        """Claim the pending deliveries of one event on `channels`, due or not (a command
        sending what it has just recorded), in one transaction, as `claim_due` claims."""
        moment = now or datetime.now(UTC)
        with self.transaction():
            pending = [d for d in self._pending(channels) if d.event_id == event_id]
            groups = _at_once(pending, lambda _delivery: True)
            return [self._claim(group, moment, jitter()) for group in groups]

    def _claim(self, group: _Group, now: datetime, jitter: float) -> Claimed:
        attempts = max(d.attempts for d in group.rows) + 1
        retry_at = iso(now + timedelta(seconds=backoff(attempts, jitter)))
        ids = [d.id for d in group.rows]
        self.db.execute(
            "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, notice_id = ? "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (retry_at, group.notice_id, json.dumps(ids)),
        )
        rows = tuple(
            replace(d, attempts=d.attempts + 1, next_attempt_at=retry_at, notice_id=group.notice_id)
            for d in group.rows
        )
        return Claimed(group.channel, group.notice_id, group.batch, rows)

    def delivery_sent(self, claimed: Claimed, *, now: datetime | None = None) -> None:
        """The notice went out: its deliveries are sent."""
        ids = [d.id for d in claimed.deliveries]
        with self.transaction():
            self.db.execute(
                "UPDATE deliveries SET state = 'sent', sent_at = ? "
                "WHERE id IN (SELECT value FROM json_each(?))",
                (iso(now or datetime.now(UTC)), json.dumps(ids)),
            )

    def delivery_failed(self, claimed: Claimed, failure: FailedAttempt) -> None:
        """An attempt failed: try again after the backoff (or the receiver's `retry_after`),
        unless the failure is for good or the event is older than `give_up_after`: failed."""
        now = failure.now or datetime.now(UTC)
        with self.transaction():
            for delivery in claimed.deliveries:
                age = now - datetime.fromisoformat(delivery.created_at)
                if failure.permanent or age.total_seconds() >= failure.give_up_after:
                    self._set_failed(delivery.id, failure.reason)
                    continue
                wait = failure.retry_after
                if wait is None:
                    wait = backoff(delivery.attempts, failure.jitter)
                self.db.execute(
                    "UPDATE deliveries SET last_error = ?, next_attempt_at = ? WHERE id = ?",
                    (failure.reason, iso(now + timedelta(seconds=wait)), delivery.id),
                )

    def _set_failed(self, delivery_id: int, reason: str) -> None:
        self.db.execute(
            "UPDATE deliveries SET state = 'failed', last_error = ? WHERE id = ?",
            (reason, delivery_id),
        )

    def forget_unconfigured(self, configured: Collection[str]) -> int:
        """Deliveries still pending to a channel no longer configured are failed, saying so
        (at start: nothing could ever send them). How many."""
        with self.transaction():
            stale = [d for d in self._pending_all() if d.channel not in configured]
            for delivery in stale:
                self._set_failed(delivery.id, NO_LONGER_CONFIGURED)
        return len(stale)

    def give_up_expired(self, give_up_after: float, *, now: datetime | None = None) -> int:
        """Deliveries still pending `give_up_after` seconds after their event are failed, even
        those never tried (no channel could take them): news that old is no longer news. How
        many."""
        moment = now or datetime.now(UTC)
        deadline = iso(moment - timedelta(seconds=give_up_after))
        expired = "FROM deliveries WHERE state = 'pending' AND created_at <= ?"
        if self.db.execute(f"SELECT 1 {expired} LIMIT 1", (deadline,)).fetchone() is None:
            return 0  # the usual case: no write, no lock
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE deliveries SET state = 'failed', last_error = COALESCE(last_error, ?) "
                "WHERE state = 'pending' AND created_at <= ?",
                (NOT_SENT_IN_TIME, deadline),
            )
        return int(cursor.rowcount)

    def _pending_all(self) -> list[Delivery]:
        rows = self.db.execute("SELECT * FROM deliveries WHERE state = 'pending' ORDER BY id")
        return [_delivery(row) for row in rows]

    def next_delivery_at(self, channels: Collection[str]) -> str | None:
        """When the next pending delivery on `channels` is due (None: nothing pending)."""
        due = [d.next_attempt_at for d in self._pending(channels)]
        return min(due) if due else None

    def deliveries(self, states: Collection[str] = ("pending", "failed")) -> list[Delivery]:
        """Every delivery in one of `states`, oldest first (`notify outbox`)."""
        rows = self.db.execute("SELECT * FROM deliveries ORDER BY id")
        return [d for d in map(_delivery, rows) if d.state in states]

    def outbox_summary(self) -> list[ChannelOutbox]:
        """Per channel that has deliveries (by name): counts, oldest pending, the last error."""
        rows = self.db.execute(
            "SELECT channel, "
            "sum(state = 'pending') AS pending, sum(state = 'failed') AS failed, "
            "sum(state = 'sent') AS sent, "
            "min(CASE WHEN state = 'pending' THEN created_at END) AS oldest_pending, "
            "max(sent_at) AS last_sent_at, "
            "(SELECT e.last_error FROM deliveries e WHERE e.channel = d.channel "
            " AND e.state != 'sent' AND e.last_error IS NOT NULL "
            " ORDER BY e.id DESC LIMIT 1) AS last_error "
            "FROM deliveries d GROUP BY channel ORDER BY channel"
        )
        return [from_row(ChannelOutbox, row) for row in rows]


@dataclass(frozen=True, slots=True)
class FailedAttempt:
    """What a failed attempt tells the ledger: the reason (no secret in it), the wait the
    receiver asked for, whether no retry can mend it, and how long a delivery is retried."""

    reason: str
    give_up_after: float
    retry_after: float | None = None
    permanent: bool = False
    jitter: float = 0.5
    now: datetime | None = None
