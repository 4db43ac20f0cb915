"""The ledger's verification evidence: each verified file of a copy, as it was read.

A verification's verdict is kept only while its copy is still VERIFYING: if the copy changed
while it was read, the result describes something that no longer exists.
"""

from __future__ import annotations

import json

from rollkeeper.core import happened
from rollkeeper.core.events import Event
from rollkeeper.core.lifecycle import CopyState, RollState
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.rolls import RollRecords
from rollkeeper.ledger.rows import FileIdentity, VerifiedFile, verified_file


class EvidenceRecords(RollRecords):
    """Per-file verification evidence and the copy's verdict, stored together."""

    def _still_verifying(self, roll_id: str, volume_id: int) -> bool:
        """Only a copy still VERIFYING takes a verdict: if its MHL changed (or it vanished)
        while it was read, the result describes something that no longer exists."""
        current = self.copy(roll_id, volume_id)
        if current is None or current.state is CopyState.VERIFYING:
            return True  # an unknown copy fails on the foreign key, loudly
        self._record(happened.verification_discarded(roll_id, volume_id, now=current.state))
        return False

    def _store_evidence(self, roll_id: str, volume_id: int, files: list[VerifiedFile]) -> None:
        """Replace a copy's per-file verification evidence."""
        stamp = now_iso()
        self.db.execute(
            "DELETE FROM files WHERE roll_id = ? AND volume_id = ?", (roll_id, volume_id)
        )
        self.db.executemany(
            "INSERT INTO files (roll_id, volume_id, path, size, expected, status, verified, "
            "mtime_ns, inode, verified_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (roll_id, volume_id, f.path, f.size, json.dumps(f.expected), f.status,
                 json.dumps(f.verified), f.mtime_ns, f.inode, stamp)
                for f in files
            ],
        )  # fmt: skip

    def record_verification(
        self,
        roll_id: str,
        volume_id: int,
        state: CopyState,
        files: list[VerifiedFile],
        *,
        problems: list[str],
        event: Event,
    ) -> RollState:
        """Store a verification's per-file evidence and the copy's verdict (`event`) in one
        transaction.

        Only a copy still VERIFYING takes the verdict: if its MHL changed (or it vanished) while
        it was being read, the result describes something that no longer exists and is dropped.
        """
        with self.transaction():
            if not self._still_verifying(roll_id, volume_id):
                return self._refresh_roll(roll_id)
            self._store_evidence(roll_id, volume_id, files)
            self._set_copy_state(roll_id, volume_id, state, problems)
            self._record(event)
            return self._refresh_roll(roll_id)

    def verified_files(self, roll_id: str, volume_id: int) -> list[VerifiedFile]:
        rows = self.db.execute(
            "SELECT * FROM files WHERE roll_id = ? AND volume_id = ? ORDER BY path",
            (roll_id, volume_id),
        )
        return [verified_file(r) for r in rows]

    def file_identities(self, roll_id: str, volume_id: int) -> list[FileIdentity]:
        """What a rescan compares with the disk: each verified file's path, size, mtime, inode
        and status, without the hashes (which it never needs, and which cost a decode each)."""
        rows = self.db.execute(
            "SELECT path, size, mtime_ns, inode, status FROM files "
            "WHERE roll_id = ? AND volume_id = ? ORDER BY path",
            (roll_id, volume_id),
        )
        return [FileIdentity(*row) for row in rows]
