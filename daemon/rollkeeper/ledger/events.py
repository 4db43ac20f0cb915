"""The ledger's event log, and the outbox of the events a person must hear about.

Every state change appends its event in the same transaction, so no recorded fact is ever without
its event, nor an announced event without its outbox entry. An event is stored as its kind,
severity and facts (the `data` column); its `message` column stays empty, since
`rollkeeper.core.words` says it when it is read back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rollkeeper.core.events import ANNOUNCED_KINDS, Event, Severity
from rollkeeper.ledger.connection import LedgerConnection, now_iso
from rollkeeper.ledger.rows import RecordedEvent, recorded_event


class EventLog(LedgerConnection):
    """Appending events (each in the caller's transaction) and reading them back."""

    def _record(self, event: Event) -> None:
        """Append `event` in the caller's transaction: its kind and facts, no prose."""
        self._append(
            event.kind.value,
            event.severity.value,
            roll_id=event.roll_id,
            volume_id=event.volume_id,
            message="",
            facts=event.facts,
            announced=event.announced,
        )

    def _append(
        self,
        kind: str,
        severity: str,
        *,
        roll_id: str | None,
        volume_id: int | None,
        message: str,
        facts: Mapping[str, Any],
        announced: bool,
    ) -> None:
        stamp = now_iso()
        cursor = self.db.execute(
            "INSERT INTO events (at, kind, severity, roll_id, volume_id, message, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (stamp, kind, severity, roll_id, volume_id, message, json.dumps(dict(facts))),
        )
        if announced:
            # Same transaction as the event and the state change: delivered exactly once.
            self.db.execute(
                "INSERT INTO outbox (event_id, created_at) VALUES (?, ?)", (cursor.lastrowid, stamp)
            )

    def record(self, event: Event) -> None:
        """Append one event on its own (for facts that change no state)."""
        with self.transaction():
            self._record(event)

    # --- callers that still word their own events --------------------------------------------
    # Until every caller tells an `Event`, a caller-facing method takes either `event` or the
    # caller's own sentence; `_told` picks. Once none passes a sentence, `_told` becomes
    # `_record`, `_prose` goes, and so do the `message`, `kind` and `severity` parameters.

    def _told(self, event: Event | None, kind: str, message: str, **fields: Any) -> None:
        """Append `event` when the caller gave one, else the caller's sentence as it wrote it."""
        if event is not None:
            self._record(event)
        else:
            self._prose(kind, message, **fields)

    def _prose(
        self,
        kind: str,
        message: str,
        *,
        severity: str = Severity.INFO.value,
        roll_id: str | None = None,
        volume_id: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        announced = severity == Severity.ALARM.value or kind in ANNOUNCED_KINDS
        self._append(
            kind,
            severity,
            roll_id=roll_id,
            volume_id=volume_id,
            message=message,
            facts=data or {},
            announced=announced,
        )

    def record_event(
        self, kind: str = "", message: str = "", *, event: Event | None = None, **fields: Any
    ) -> None:
        """Append one event on its own: `event`, or (the old way) a kind and its sentence."""
        with self.transaction():
            self._told(event, kind, message, **fields)

    def events(self, *, roll_id: str | None = None, since_id: int = 0) -> list[RecordedEvent]:
        query = "SELECT * FROM events WHERE id > ?"
        params: list[Any] = [since_id]
        if roll_id is not None:
            query += " AND roll_id = ?"
            params.append(roll_id)
        return [recorded_event(r) for r in self.db.execute(query + " ORDER BY id", params)]
