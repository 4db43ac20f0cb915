"""The ledger's storage target: the identity its marker holds (recorded at first use) and
whether it is usable now, since when, and why not; and the rolls waiting for it.

One row per target (by its description, e.g. `folder /mnt/nas`): pointing `[target]` at another
folder or bucket is a new target, adopted at its first use.
"""

from __future__ import annotations

from dataclasses import dataclass

from rollkeeper.core.events import Event
from rollkeeper.core.lifecycle import UploadStage
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.rolls import RollRecords


@dataclass(frozen=True, slots=True)
class TargetState:
    """A target as last checked: its identity, usable or not (and why), since when."""

    target: str
    identity: str | None
    marker_key: str | None
    adopted_at: str | None
    usable: bool
    problem: str | None
    since: str
    checked_at: str


_UPSERT = (
    "INSERT INTO target_state (target, usable, problem, since, checked_at) VALUES (?,?,?,?,?) "
    "ON CONFLICT (target) DO UPDATE SET "
    "since = CASE WHEN target_state.usable = excluded.usable THEN target_state.since "
    "ELSE excluded.since END, "
    "usable = excluded.usable, problem = excluded.problem, checked_at = excluded.checked_at"
)


class TargetRecords(RollRecords):
    """The target's identity and state, and the rolls whose upload waits for it."""

    def target_state(self, target: str | None = None) -> TargetState | None:
        """The named target's state, or (None) the one checked last (None: never checked, or
        a ledger no daemon of this version has opened yet)."""
        if not self._has_target_table():
            return None
        query, args = (
            ("SELECT * FROM target_state WHERE target = ?", (target,))
            if target is not None
            else ("SELECT * FROM target_state ORDER BY checked_at DESC LIMIT 1", ())
        )
        row = self.db.execute(query, args).fetchone()
        if row is None:
            return None
        values = {name: row[name] for name in TargetState.__dataclass_fields__}
        return TargetState(**(values | {"usable": bool(row["usable"])}))

    def _has_target_table(self) -> bool:
        found = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'target_state'"
        ).fetchone()
        return found is not None

    def target_identity(self, target: str) -> str | None:
        """The identity recorded for the target at its first use (None: never used)."""
        state = self.target_state(target)
        return state.identity if state is not None else None

    def a_stored_key(self, target: str) -> str | None:
        """The key of one object recorded as stored on the target (None: none was)."""
        row = self.db.execute(
            "SELECT u.key FROM uploads u JOIN roll_uploads r ON r.roll_id = u.roll_id "
            "WHERE r.target = ? AND u.state = 'stored' LIMIT 1",
            (target,),
        ).fetchone()
        return str(row[0]) if row else None

    def adopt_target(self, target: str, identity: str, marker_key: str, *, event: Event) -> None:
        """The target's first use: its marker's identity is recorded (and it is usable)."""
        with self.transaction():
            stamp = now_iso()
            self.db.execute(_UPSERT, (target, 1, None, stamp, stamp))
            self.db.execute(
                "UPDATE target_state SET identity = ?, marker_key = ?, adopted_at = ? "
                "WHERE target = ?",
                (identity, marker_key, stamp, target),
            )
            self._record(event)

    def set_target_state(
        self, target: str, *, usable: bool, problem: str | None, event: Event | None
    ) -> None:
        """The target as checked now; `event` when that is news (it changed)."""
        with self.transaction():
            stamp = now_iso()
            self.db.execute(_UPSERT, (target, int(usable), problem, stamp, stamp))
            if event is not None:
                self._record(event)

    def upload_waiting(
        self,
        roll_id: str,
        volume_id: int,
        *,
        target: str,
        key_prefix: str,
        problem: str,
        event: Event | None,
    ) -> None:
        """A roll verified without storage waits for it (`event`: said once per roll)."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO roll_uploads (roll_id, state, volume_id, target, key_prefix, "
                "attempts, last_error) VALUES (?, ?, ?, ?, ?, 0, ?) "
                "ON CONFLICT (roll_id) DO UPDATE SET state = excluded.state, "
                "volume_id = excluded.volume_id, last_error = excluded.last_error",
                (roll_id, UploadStage.WAITING_FOR_STORAGE.value, volume_id, target, key_prefix,
                 problem),
            )  # fmt: skip
            if event is not None:
                self._record(event)
            self._refresh_roll(roll_id)

    def failed_uploads_due_now(self) -> None:
        """Every failed upload is due at once (a start-up with the target usable)."""
        with self.transaction():
            self.db.execute(
                "UPDATE roll_uploads SET next_attempt_at = ? WHERE state = ?",
                (now_iso(), UploadStage.UPLOAD_FAILED.value),
            )

    def uploads_waiting(self) -> list[str]:
        """Rolls verified and waiting for storage, in the order they began waiting."""
        rows = self.db.execute(
            "SELECT roll_id FROM roll_uploads WHERE state = ? ORDER BY rowid",
            (UploadStage.WAITING_FOR_STORAGE.value,),
        )
        return [r[0] for r in rows]
