"""Verifying a failed copy again when the DIT asks (`rollkeeper reverify ROLL`).

A copy marked bad — a mismatch, or incomplete — stays so until its files change; when the cause
was elsewhere (a file since put back as it was, a reading fault) the DIT asks for another look:
the copy settles again and is verified anew, and an upload that stopped at a mismatch is tried
again from it.
"""

from __future__ import annotations

from rollkeeper.core import happened
from rollkeeper.core.lifecycle import CopyState, UploadStage
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.rolls import RollRecords

#: The copy states `reverify` sends back to settling.
BAD_COPY_STATES = frozenset({CopyState.MISMATCH, CopyState.INCOMPLETE})


class ReverifyRecords(RollRecords):
    """Sending a roll's bad copies back to be verified again."""

    def bad_copies(self, roll_id: str) -> list[int]:
        """The volumes holding a copy of the roll marked bad (mismatch or incomplete)."""
        return [c.volume_id for c in self.copies(roll_id=roll_id) if c.state in BAD_COPY_STATES]

    def reverify(self, roll_id: str) -> list[int]:
        """Every bad copy of the roll settles again (to be verified anew), and an upload that
        ended at a mismatch is due again; returns the volumes of the copies sent back."""
        with self.transaction():
            volumes = self.bad_copies(roll_id)
            for volume_id in volumes:
                label = self.db.execute("SELECT label FROM volumes WHERE id = ?", (volume_id,))
                self._set_copy_state(roll_id, volume_id, CopyState.SETTLING, [])
                self._record(
                    happened.reverify_requested(roll_id, volume_id, label=str(label.fetchone()[0]))
                )
            self.db.execute(
                "UPDATE roll_uploads SET state = ?, next_attempt_at = ? "
                "WHERE roll_id = ? AND state = ?",
                (UploadStage.UPLOAD_FAILED.value, now_iso(), roll_id, UploadStage.MISMATCH.value),
            )
            self._refresh_roll(roll_id)
        return volumes
