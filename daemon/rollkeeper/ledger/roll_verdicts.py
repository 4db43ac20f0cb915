"""Each roll's clearance as its recorded evidence stands, kept so `status` need not judge it.

Judging a roll reads every one of its files' rows; `status` and the dashboard would do that for
every roll on each answer (seconds, on a show of 200,000 files). The daemon's loop judges each
roll once and keeps the verdict here; the schema's triggers (migration 9) delete it the moment
any row it was drawn from changes, so a verdict read here is the one a fresh judgment would give.
A verdict is kept per `judge` (the release and the archive provider that judged it): a reader
judging otherwise judges for itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rollkeeper.ledger.connection import LedgerConnection, now_iso


class RollVerdictRecords(LedgerConnection):
    """The kept roll verdicts: which rolls lack one, keeping some, reading them all."""

    def rolls_unjudged(self, judge: str, limit: int) -> list[str]:
        """Up to `limit` rolls with no verdict kept by `judge`."""
        rows = self.db.execute(
            "SELECT r.id FROM rolls r LEFT JOIN roll_verdicts v "
            "ON v.roll_id = r.id AND v.judge = ? WHERE v.roll_id IS NULL ORDER BY r.id LIMIT ?",
            (judge, limit),
        )
        return [str(row[0]) for row in rows]

    def keep_roll_verdicts(
        self, judge: str, verdicts: Iterable[tuple[str, dict[str, Any]]]
    ) -> None:
        """Keep each (roll id, clearance) as `judge` judged it, in one transaction: within the
        transaction they were judged in (`transaction()` nests), so nothing changed since."""
        at = now_iso()
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO roll_verdicts (roll_id, judge, clearance, judged_at) "
                "VALUES (?, ?, ?, ?)",
                [(roll_id, judge, json.dumps(clearance), at) for roll_id, clearance in verdicts],
            )

    def kept_roll_verdicts(self, judge: str) -> dict[str, dict[str, Any]]:
        """Every kept clearance `judge` judged, by roll id."""
        rows = self.db.execute(
            "SELECT roll_id, clearance FROM roll_verdicts WHERE judge = ?", (judge,)
        )
        return {str(row[0]): json.loads(row[1]) for row in rows}

    def forget_roll_verdicts(self) -> None:
        """Drop every kept verdict (a daemon starting judges each roll afresh)."""
        with self.transaction():
            self.db.execute("DELETE FROM roll_verdicts")
