"""The ledger's erase clearances: an audit trail of every drive verdict with its evidence."""

from __future__ import annotations

import json
from typing import Any

from rollkeeper.core.events import Event
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.events import EventLog
from rollkeeper.ledger.rows import DriveClearance, drive_clearance


class ClearanceRecords(EventLog):
    """Drive verdicts: recording one (announced when it changes), reading the last."""

    def last_drive_clearance(self, volume_id: int) -> DriveClearance | None:
        row = self.db.execute(
            "SELECT * FROM clearances WHERE subject = 'drive' AND volume_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (volume_id,),
        ).fetchone()
        return drive_clearance(row) if row else None

    def record_roll_clearance(
        self,
        *,
        roll_id: str,
        clear: bool,
        level: str,
        verdict: dict[str, Any],
        evidence: dict[str, Any],
    ) -> None:
        """Record an answer about a roll (`clearance --roll/--day`) for the audit trail; a
        roll's answer is told to whoever asked, and announces nothing."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO clearances (at, subject, roll_id, clear, level, verdict, evidence) "
                "VALUES (?, 'roll', ?, ?, ?, ?, ?)",
                (now_iso(), roll_id, int(clear), level, json.dumps(verdict),
                 json.dumps(evidence)),
            )  # fmt: skip

    def record_clearance(
        self,
        *,
        volume_id: int,
        clear: bool,
        level: str,
        verdict: dict[str, Any],
        evidence: dict[str, Any],
        event: Event | None = None,
    ) -> None:
        """Record a drive verdict with its evidence. A verdict that grants or revokes a
        clearance comes with its `event`, which tells people, exactly once, through the outbox;
        any other verdict is kept for the audit trail alone, and tells nobody."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO clearances (at, subject, volume_id, clear, level, verdict, evidence) "
                "VALUES (?, 'drive', ?, ?, ?, ?, ?)",
                (now_iso(), volume_id, int(clear), level, json.dumps(verdict),
                 json.dumps(evidence)),
            )  # fmt: skip
            if event is not None:
                self._record(event)
