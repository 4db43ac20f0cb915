"""The ledger's event log, the outbox of the events a person must hear about, and their routing.

Every state change appends its event in the same transaction, so no recorded fact is ever without
its event, nor an announced event without its outbox entry, nor a routed event without one
delivery row per channel it is routed to (`ledger.routing`; delivered by `ledger.outbox`). Good
news waits for its channel's `batch_every`; everything else is due at once. The `outbox` table
stays the record that an event was announced, whether or not any channel is configured; the
`deliveries` table says per channel what became of it. An event is stored as its kind,
severity and facts (the `data` column); its `message` column stays empty, since
`rollkeeper.core.words` says it when it is read back.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from rollkeeper.core.events import Event
from rollkeeper.ledger.connection import LedgerConnection, now_iso
from rollkeeper.ledger.rows import RecordedEvent, recorded_event


class EventLog(LedgerConnection):
    """Appending events (each in the caller's transaction) and reading them back."""

    #: The id of the newest event this connection appended (0: none yet), so that a reader on
    #: the same connection can tell without a query that nothing new was recorded here.
    last_recorded_id: int = 0

    def _record(self, event: Event) -> None:
        """Append `event` in the caller's transaction: its kind and facts, no prose."""
        stamp = now_iso()
        cursor = self.db.execute(
            "INSERT INTO events (at, kind, severity, roll_id, volume_id, message, data) "
            "VALUES (?, ?, ?, ?, ?, '', ?)",
            (stamp, event.kind.value, event.severity.value, event.roll_id, event.volume_id,
             json.dumps(dict(event.facts))),
        )  # fmt: skip
        self.last_recorded_id = cursor.lastrowid or self.last_recorded_id
        if event.announced:
            # Same transaction as the event and the state change: never lost, never doubled.
            self.db.execute(
                "INSERT INTO outbox (event_id, created_at) VALUES (?, ?)", (cursor.lastrowid, stamp)
            )
        self._route(cursor.lastrowid, event, stamp)

    def _route(self, event_id: int | None, event: Event, stamp: str) -> None:
        """One pending delivery per route that takes `event`, in the caller's transaction."""
        if not self.routes:
            return
        now = datetime.fromisoformat(stamp)
        good_news = event.good_news
        for route in self.routes:
            if not route.matches(event):
                continue
            wait = route.batch_every if good_news else 0.0
            due = (now + timedelta(seconds=wait)).isoformat(timespec="milliseconds")
            self.db.execute(
                "INSERT INTO deliveries (event_id, channel, good_news, state, next_attempt_at, "
                "created_at) VALUES (?, ?, ?, 'pending', ?, ?)",
                (event_id, route.channel, int(good_news), due, stamp),
            )

    def record(self, event: Event) -> None:
        """Append one event on its own (for facts that change no state)."""
        with self.transaction():
            self._record(event)

    def events(self, *, roll_id: str | None = None, since_id: int = 0) -> list[RecordedEvent]:
        query = "SELECT * FROM events WHERE id > ?"
        params: list[Any] = [since_id]
        if roll_id is not None:
            query += " AND roll_id = ?"
            params.append(roll_id)
        return [recorded_event(r) for r in self.db.execute(query + " ORDER BY id", params)]

    def newest_event_id(self) -> int:
        """The id of the newest event recorded (0 when there is none): where "from now on"
        begins, found without reading the events."""
        row = self.db.execute("SELECT max(id) FROM events").fetchone()
        return int(row[0] or 0)
