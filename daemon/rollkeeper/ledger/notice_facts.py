"""What a notice lays out besides its sentences: the events it tells, and its rolls' facts.

Read by the daemon's loop as it composes a notice (`notify.compose`): the events of the claimed
deliveries, and for each roll its shoot day, name, state, file count and bytes (of the copy its
content was claimed from, else of any copy) and that copy's drive; for a drive's clearance, the
bytes of its rolls on it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rollkeeper.ledger.events import EventLog
from rollkeeper.ledger.rows import RecordedEvent, recorded_event


@dataclass(frozen=True, slots=True)
class RollFacts:
    """A roll as a notice shows it."""

    roll_id: str
    shoot_day: str
    roll: str
    state: str
    files: int
    bytes: int
    drive: str | None  # the drive of the copy these counts are of


class NoticeFactRecords(EventLog):
    """Reads for composing notices (no writes)."""

    def events_by_id(self, ids: Collection[int]) -> list[RecordedEvent]:
        """The events of `ids`, in the order recorded."""
        wanted = sorted(set(ids))
        rows = self.db.execute(
            "SELECT * FROM events WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(wanted),),
        )
        return [recorded_event(row) for row in rows]

    def copies_size(self, volume_id: int, roll_ids: Sequence[str]) -> int:
        """The bytes of these rolls' files on one drive, as recorded."""
        if not roll_ids:
            return 0
        row = self.db.execute(
            "SELECT sum(size) FROM files WHERE volume_id = ? "
            "AND roll_id IN (SELECT value FROM json_each(?))",
            (volume_id, json.dumps(list(roll_ids))),
        ).fetchone()
        return int(row[0] or 0)

    def roll_facts(self, roll_ids: Collection[str]) -> dict[str, RollFacts]:
        """Each known roll of `roll_ids` with its counts (from one copy: the content's)."""
        wanted = sorted(set(roll_ids))
        facts: dict[str, RollFacts] = {}
        for row in self.db.execute(
            "SELECT * FROM rolls WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(wanted),),
        ).fetchall():
            volume_id = row["content_volume_id"] or self._any_copy(row["id"])
            files, size = self._copy_counts(row["id"], volume_id)
            facts[row["id"]] = RollFacts(
                roll_id=row["id"],
                shoot_day=row["shoot_day"],
                roll=row["roll"],
                state=row["state"],
                files=files,
                bytes=size,
                drive=self._label(volume_id),
            )
        return facts

    def _any_copy(self, roll_id: str) -> int | None:
        row = self.db.execute(
            "SELECT min(volume_id) FROM roll_copies WHERE roll_id = ?", (roll_id,)
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def _copy_counts(self, roll_id: str, volume_id: int | None) -> tuple[int, int]:
        row = self.db.execute(
            "SELECT count(*), sum(size) FROM files WHERE roll_id = ? AND volume_id = ?",
            (roll_id, volume_id),
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def _label(self, volume_id: int | None) -> str | None:
        row = self.db.execute("SELECT label FROM volumes WHERE id = ?", (volume_id,)).fetchone()
        return None if row is None else str(row[0])
