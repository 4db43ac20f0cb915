"""The ledger's event log, and the outbox of the events a person must hear about.

Every state change appends its event in the same transaction, so no recorded fact is ever without
its event, nor an announced event without its outbox entry. An event is stored as its kind,
severity and facts (the `data` column); its `message` column stays empty, since
`rollkeeper.core.words` says it when it is read back.
"""

from __future__ import annotations

import json
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
            # Same transaction as the event and the state change: delivered exactly once.
            self.db.execute(
                "INSERT INTO outbox (event_id, created_at) VALUES (?, ?)", (cursor.lastrowid, stamp)
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
