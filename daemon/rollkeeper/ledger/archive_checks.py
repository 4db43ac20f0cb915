"""The ledger's archive checks: what the archive provider last said of each uploaded roll."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from rollkeeper.core import happened
from rollkeeper.core.lifecycle import RollState, UploadStage
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.rolls import RollRecords
from rollkeeper.ledger.rows import (
    ArchiveCheck,
    ArchiveDue,
    StoredObjectRecord,
    archive_check,
    archive_due,
    stored_object,
)

#: A poll's answer replaces the last; the time the roll was first archived is kept.
_RECORD_CHECK = (
    "INSERT INTO archive_checks (roll_id, state, provider, checked_at, next_check_at, "
    "archived_at, overdue_alarm_at, reasons, objects) VALUES (?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (roll_id) DO UPDATE SET state = excluded.state, "
    "provider = excluded.provider, checked_at = excluded.checked_at, "
    "next_check_at = excluded.next_check_at, "
    "archived_at = COALESCE(archive_checks.archived_at, excluded.archived_at), "
    "overdue_alarm_at = excluded.overdue_alarm_at, reasons = excluded.reasons, "
    "objects = excluded.objects"
)


class ArchiveRecords(RollRecords):
    """Which rolls are due a check, what their archive must hold, and each poll's answer."""

    def archive_due(self, now: str | None) -> list[ArchiveDue]:
        """Uploaded rolls whose archive status is due to be asked at `now` (never asked, or due
        again; an archived roll too: an archival copy that disappears withdraws the RAID
        clearance); with `now` None, also every roll not yet archived, due or not."""
        return [
            archive_due(r)
            for r in self.db.execute(
                "SELECT r.id, r.shoot_day, r.media_type, r.roll, u.finished_at "
                "FROM rolls r JOIN roll_uploads u ON u.roll_id = r.id "
                "LEFT JOIN archive_checks a ON a.roll_id = r.id "
                "WHERE u.state = ? AND (a.roll_id IS NULL OR a.next_check_at <= ? "
                "OR (? AND a.state != 'archived')) "
                "ORDER BY u.finished_at",
                (UploadStage.UPLOADED.value, now or now_iso(), now is None),
            )
        ]

    def stored_objects(self, roll_id: str) -> list[StoredObjectRecord]:
        """The roll's objects the upload stored and proved (what the archive must hold)."""
        rows = self.db.execute(
            "SELECT * FROM uploads WHERE roll_id = ? AND state = 'stored' ORDER BY path",
            (roll_id,),
        )
        return [stored_object(r) for r in rows]

    def archive_check(self, roll_id: str) -> ArchiveCheck | None:
        row = self.db.execute(
            "SELECT * FROM archive_checks WHERE roll_id = ?", (roll_id,)
        ).fetchone()
        return archive_check(row) if row else None

    def record_archive_check(
        self,
        roll_id: str,
        *,
        provider: str,
        state: str,
        reasons: list[str],
        objects: dict[str, str],
        next_check_at: str,
        overdue: bool,
    ) -> RollState:
        """One poll's answer for a roll; announces archived, alarms on failure and overdue."""
        with self.transaction():
            stamp = now_iso()
            before = self.archive_check(roll_id)
            last_overdue = before.overdue_alarm_at if before is not None else None
            alarm_overdue = overdue and state != "archived" and _a_day_since(last_overdue, stamp)
            self.db.execute(
                _RECORD_CHECK,
                (
                    roll_id, state, provider, stamp, next_check_at,
                    stamp if state == "archived" else None,
                    stamp if alarm_overdue else last_overdue, json.dumps(reasons),
                    json.dumps(objects),
                ),
            )  # fmt: skip
            self._announce_archive_check(
                roll_id,
                provider,
                state,
                reasons,
                previous=before.state if before is not None else None,
                alarm_overdue=alarm_overdue,
            )
            return self._refresh_roll(roll_id)

    def _announce_archive_check(
        self,
        roll_id: str,
        provider: str,
        state: str,
        reasons: list[str],
        *,
        previous: str | None,
        alarm_overdue: bool,
    ) -> None:
        """Announce the archive turning archived or failed (once each), and alarm when overdue."""
        if state == "archived" and previous != "archived":
            self._record(happened.archived(roll_id, provider=provider))
        elif state == "failed" and previous != "failed":
            self._record(happened.archive_failed(roll_id, provider=provider, reasons=reasons))
        elif previous == "archived" and state != "archived":  # the archival copy went away
            lost = reasons or ["the archival copy is no longer there"]
            self._record(happened.archive_failed(roll_id, provider=provider, reasons=lost))
        if alarm_overdue:
            self._record(
                happened.archive_overdue(roll_id, provider=provider, reasons=reasons, state=state)
            )


def _a_day_since(last_alarm: str | None, now: str) -> bool:
    """Whether an overdue roll is alarmed about again: at most once a day."""
    if last_alarm is None:
        return True
    return datetime.fromisoformat(now) - datetime.fromisoformat(last_alarm) >= timedelta(days=1)
