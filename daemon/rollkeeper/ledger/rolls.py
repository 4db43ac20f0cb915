"""The ledger's rolls and their on-set copies: each copy's state, and the roll's state derived
from its copies, its upload and its archival copy."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rollkeeper.core import happened
from rollkeeper.core.events import Event
from rollkeeper.core.lifecycle import CopyState, RollState, UploadStage, derive_roll_state
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.contents import RollContents
from rollkeeper.ledger.rows import CopyRow, RollRecord, copy_row, roll_record


class RollRecords(RollContents):
    """Rolls and copies: reading them, moving a copy's state, re-deriving the roll's."""

    def roll(self, roll_id: str) -> RollRecord | None:
        row = self.db.execute("SELECT * FROM rolls WHERE id = ?", (roll_id,)).fetchone()
        return roll_record(row) if row else None

    def rolls(self) -> list[RollRecord]:
        rows = self.db.execute("SELECT * FROM rolls ORDER BY shoot_day, media_type, roll")
        return [roll_record(r) for r in rows]

    def copy(self, roll_id: str, volume_id: int) -> CopyRow | None:
        row = self.db.execute(
            "SELECT * FROM roll_copies WHERE roll_id = ? AND volume_id = ?", (roll_id, volume_id)
        ).fetchone()
        return copy_row(row) if row else None

    def copies(self, *, roll_id: str | None = None, volume_id: int | None = None) -> list[CopyRow]:
        query = "SELECT * FROM roll_copies WHERE 1=1"
        params: list[Any] = []
        if roll_id is not None:
            query += " AND roll_id = ?"
            params.append(roll_id)
        if volume_id is not None:
            query += " AND volume_id = ?"
            params.append(volume_id)
        return [copy_row(r) for r in self.db.execute(query + " ORDER BY roll_id", params)]

    def copies_waiting(self) -> list[CopyRow]:
        """Copies that may become ready (settling, or incomplete and perhaps completed since),
        oldest change first."""
        rows = self.db.execute(
            "SELECT * FROM roll_copies WHERE state IN (?, ?) ORDER BY updated_at",
            (CopyState.SETTLING.value, CopyState.INCOMPLETE.value),
        )
        return [copy_row(r) for r in rows]

    def _derived_state(self, roll_id: str) -> RollState:
        """The roll's state as its copies holding its content, its upload and its archive check
        make it. A copy holding other content under the roll's name is told of once and judged
        on its own drive (`ledger.contents`); CONFLICT is only a storage key holding other
        content."""
        copies = self.copies(roll_id=roll_id)
        content = self._claimed_content(roll_id, copies)
        if content is not None:
            self._tell_differing(roll_id, copies, content)
            copies = [c for c in copies if c.mhl_fingerprint in (None, content)]
        upload = self.db.execute(
            "SELECT state FROM roll_uploads WHERE roll_id = ?", (roll_id,)
        ).fetchone()
        archive = self.db.execute(
            "SELECT state FROM archive_checks WHERE roll_id = ?", (roll_id,)
        ).fetchone()
        return derive_roll_state(
            (c.state for c in copies),
            conflict=False,
            upload=UploadStage(upload[0]) if upload else None,
            archived=archive is not None and archive[0] == "archived",
        )

    def _refresh_roll(self, roll_id: str) -> RollState:
        """Re-derive a roll's state from its copies; an event when it changes."""
        state = self._derived_state(roll_id)
        old = self.db.execute("SELECT state FROM rolls WHERE id = ?", (roll_id,)).fetchone()
        if old is not None and old[0] != state.value:
            self.db.execute(
                "UPDATE rolls SET state = ?, updated_at = ? WHERE id = ?",
                (state.value, now_iso(), roll_id),
            )
            self._record(
                happened.roll_state(roll_id, before=old[0], after=state, copies_disagree=False)
            )
        return state

    def _set_copy_state(
        self, roll_id: str, volume_id: int, state: CopyState, problems: list[str]
    ) -> None:
        column = {
            CopyState.READY: "ready_at",
            CopyState.VERIFYING: "ready_at",
            CopyState.VERIFIED: "verified_at",
        }.get(state)
        stamp = now_iso()
        extra = f", {column} = '{stamp}'" if column else ""
        self.db.execute(
            f"UPDATE roll_copies SET state = ?, problems = ?, updated_at = ?{extra} "  # noqa: S608
            "WHERE roll_id = ? AND volume_id = ?",
            (state.value, json.dumps(problems), stamp, roll_id, volume_id),
        )

    def set_copy_state(
        self,
        roll_id: str,
        volume_id: int,
        state: CopyState,
        *,
        event: Event,
        problems: Iterable[str] = (),
    ) -> RollState:
        """Move one copy to `state`, `event` saying why; returns the roll's new state."""
        with self.transaction():
            self._set_copy_state(roll_id, volume_id, state, list(problems))
            self._record(event)
            return self._refresh_roll(roll_id)

    def note_waiting(self, roll_id: str, volume_id: int, waiting_for: Iterable[str]) -> None:
        """Keep, as a settling copy's problems, the listed files it still waits for.

        No event: the list changes as bytes arrive; what stalls is announced when it fails.
        """
        with self.transaction():
            self.db.execute(
                "UPDATE roll_copies SET problems = ? "
                "WHERE roll_id = ? AND volume_id = ? AND state = ?",
                (json.dumps(list(waiting_for)), roll_id, volume_id, CopyState.SETTLING.value),
            )

    def resume_interrupted(self) -> list[str]:
        """At start-up: copies left READY or VERIFYING by a stop or crash go back to SETTLING.

        Their verification never finished, so nothing was proven; they are verified again once
        they settle. Returns the roll ids concerned.
        """
        with self.transaction():
            rows = self.db.execute(
                "SELECT c.roll_id, c.volume_id, v.label FROM roll_copies c "
                "JOIN volumes v ON v.id = c.volume_id WHERE c.state IN (?, ?)",
                (CopyState.READY.value, CopyState.VERIFYING.value),
            ).fetchall()
            for roll_id, volume_id, label in rows:
                self._set_copy_state(roll_id, volume_id, CopyState.SETTLING, [])
                self._record(happened.interrupted_by_stop(roll_id, volume_id, label=label))
                self._refresh_roll(roll_id)
        return [row[0] for row in rows]
