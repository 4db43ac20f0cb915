"""Checkpoints of unfinished multipart uploads: the parts already stored, so that an upload cut
off by a stop or a crash resumes where it was instead of starting over.

Written from the upload threads while a file is sent, each part in its own short transaction.
"""

from __future__ import annotations

from rollkeeper.ledger.connection import LedgerConnection, now_iso
from rollkeeper.ledger.rows import MultipartCheckpoint, part_record


class CheckpointRecords(LedgerConnection):
    """A multipart upload's id and part size, and each part stored so far."""

    def checkpoint_started(
        self, roll_id: str, path: str, key: str, size: int, upload_id: str, part_size: int
    ) -> None:
        with self.transaction():
            self.db.execute(
                "DELETE FROM upload_parts WHERE roll_id = ? AND path = ?", (roll_id, path)
            )
            self.db.execute(
                "INSERT OR REPLACE INTO uploads (roll_id, path, key, size, state, upload_id, "
                "part_size, updated_at) VALUES (?, ?, ?, ?, 'uploading', ?, ?, ?)",
                (roll_id, path, key, size, upload_id, part_size, now_iso()),
            )

    def checkpoint_part(
        self, roll_id: str, path: str, upload_id: str, number: int, size: int, etag: str,
        checksum: str | None,
    ) -> None:  # fmt: skip
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO upload_parts (roll_id, path, upload_id, number, size, "
                "etag, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (roll_id, path, upload_id, number, size, etag, checksum),
            )

    def checkpoint_of(self, roll_id: str, path: str) -> MultipartCheckpoint | None:
        row = self.db.execute(
            "SELECT upload_id, part_size FROM uploads WHERE roll_id = ? AND path = ? "
            "AND state = 'uploading' AND upload_id IS NOT NULL",
            (roll_id, path),
        ).fetchone()
        if row is None:
            return None
        parts = self.db.execute(
            "SELECT * FROM upload_parts WHERE roll_id = ? AND path = ? AND upload_id = ? "
            "ORDER BY number",
            (roll_id, path, row["upload_id"]),
        )
        return MultipartCheckpoint(
            str(row["upload_id"]), int(row["part_size"]), tuple(part_record(p) for p in parts)
        )

    def checkpoint_forget(self, roll_id: str, path: str) -> None:
        with self.transaction():
            self.db.execute(
                "DELETE FROM upload_parts WHERE roll_id = ? AND path = ?", (roll_id, path)
            )

    def open_upload_ids(self) -> set[str]:
        """Multipart uploads the ledger still means to resume (everything else is abandoned)."""
        rows = self.db.execute(
            "SELECT upload_id FROM uploads WHERE state = 'uploading' AND upload_id IS NOT NULL"
        )
        return {r[0] for r in rows}
