"""The ledger's uploads to primary storage: per roll (its stage and progress) and per file (its
object and the proof that it was stored intact)."""

from __future__ import annotations

from rollkeeper.core import happened
from rollkeeper.core.events import Event
from rollkeeper.core.lifecycle import RollState, UploadStage
from rollkeeper.core.words import missing_from_storage
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.evidence import EvidenceRecords
from rollkeeper.ledger.rows import (
    FILE_UPLOAD_COLUMNS,
    FileUpload,
    FinishedTransfer,
    RollUpload,
    file_upload,
    roll_upload,
    upload_fields,
)


class UploadRecords(EvidenceRecords):
    """A roll's upload: started, progressing, finished with its proof, or found missing later."""

    def upload_started(
        self, roll_id: str, volume_id: int, *, target: str, key_prefix: str, bytes_total: int
    ) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO roll_uploads (roll_id, state, volume_id, target, key_prefix, "
                "bytes_total, bytes_done, started_at, progress_at, attempts) "
                "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 1) "
                "ON CONFLICT (roll_id) DO UPDATE SET state = excluded.state, "
                "volume_id = excluded.volume_id, target = excluded.target, "
                "key_prefix = excluded.key_prefix, bytes_total = excluded.bytes_total, "
                "bytes_done = 0, started_at = excluded.started_at, "
                "progress_at = excluded.progress_at, attempts = roll_uploads.attempts + 1, "
                "finished_at = NULL, next_attempt_at = NULL",
                (roll_id, UploadStage.UPLOADING.value, volume_id, target, key_prefix,
                 bytes_total, now_iso(), now_iso()),
            )  # fmt: skip
            self._record(
                happened.upload_started(roll_id, volume_id, target=target, bytes_total=bytes_total)
            )
            self._refresh_roll(roll_id)

    def record_transfer(
        self, roll_id: str, volume_id: int, finished: FinishedTransfer, *, event: Event
    ) -> RollState:
        """A finished pass: verification evidence, every file's upload and proof, and the
        verdict (`event`), in one transaction (dropped, like a verification's, if the copy
        changed while it was read)."""
        with self.transaction():
            if not self._still_verifying(roll_id, volume_id):
                return self._refresh_roll(roll_id)
            self._store_evidence(roll_id, volume_id, finished.evidence)
            stamp = now_iso()
            self._store_file_uploads(roll_id, finished.uploads, stamp)
            self._set_copy_state(roll_id, volume_id, finished.copy_state, finished.problems)
            self._finish_roll_upload(roll_id, finished, stamp)
            self._record(event)
            return self._refresh_roll(roll_id)

    def _store_file_uploads(self, roll_id: str, uploads: list[FileUpload], stamp: str) -> None:
        """Each file's object and proof, replacing what an earlier attempt recorded."""
        self.db.executemany(
            "INSERT OR REPLACE INTO uploads (roll_id, path, key, size, state, "
            "checksum_algorithm, local_checksum, stored_checksum, xxh64, etag, version_id, "
            "proof, detail, source_size, source_mtime_ns, source_inode, updated_at, checked_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (roll_id, *upload_fields(u), stamp, stamp if u.state == "stored" else None)
                for u in uploads
            ],
        )

    def _finish_roll_upload(self, roll_id: str, finished: FinishedTransfer, stamp: str) -> None:
        """The roll's upload ends at its stage: all bytes done, or the first problems kept."""
        uploaded = finished.stage is UploadStage.UPLOADED
        last_error = (
            None if uploaded else finished.storage_problem or "; ".join(finished.problems[:5])
        )
        self.db.execute(
            "UPDATE roll_uploads SET state = ?, manifest_key = ?, finished_at = ?, "
            "last_error = ?, next_attempt_at = ?, "
            "bytes_done = CASE WHEN ? THEN bytes_total ELSE bytes_done END, "
            "objects_checked_at = CASE WHEN ? THEN ? ELSE objects_checked_at END, "
            "objects_check_error = NULL WHERE roll_id = ?",
            (finished.stage.value, finished.manifest_key, stamp, last_error, finished.retry_at,
             uploaded, uploaded, stamp, roll_id),
        )  # fmt: skip

    def upload_progress(self, roll_id: str, bytes_done: int) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE roll_uploads SET bytes_done = ?, progress_at = ? WHERE roll_id = ?",
                (bytes_done, now_iso(), roll_id),
            )

    def roll_upload(self, roll_id: str) -> RollUpload | None:
        row = self.db.execute("SELECT * FROM roll_uploads WHERE roll_id = ?", (roll_id,)).fetchone()
        return roll_upload(row) if row else None

    def file_uploads(self, roll_id: str) -> dict[str, FileUpload]:
        rows = self.db.execute(
            f"SELECT {FILE_UPLOAD_COLUMNS} FROM uploads u "  # noqa: S608
            "LEFT JOIN roll_uploads r ON r.roll_id = u.roll_id WHERE u.roll_id = ?",
            (roll_id,),
        )
        return {upload.path: upload for upload in map(file_upload, rows)}

    def rolls_with_lost_objects(self) -> set[str]:
        """The rolls with stored objects found missing, each to be uploaded again. Such a
        roll's upload is not "uploaded" again until it is: only the others' files are read."""
        rows = self.db.execute(
            # CROSS JOIN: from each such upload into the files' primary key, not a scan of all
            "SELECT DISTINCT f.roll_id FROM roll_uploads r CROSS JOIN uploads f "
            "ON f.roll_id = r.roll_id WHERE r.state != ? AND f.state = 'missing'",
            (UploadStage.UPLOADED.value,),
        )
        return {str(row[0]) for row in rows}

    def uploads_due(self, now: str | None) -> list[str]:
        """Rolls whose failed upload waited long enough to be tried again at `now`; with `now`
        None, every roll whose upload failed, however long ago."""
        rows = self.db.execute(
            "SELECT roll_id FROM roll_uploads WHERE state = ? "
            "AND (? IS NULL OR next_attempt_at <= ?)",
            (UploadStage.UPLOAD_FAILED.value, now, now),
        )
        return [r[0] for r in rows]

    def objects_missing(self, roll_id: str, paths: list[str], drive: str) -> None:
        """A re-check found stored objects gone or changed: the upload's proof no longer holds."""
        with self.transaction():
            self._mark_missing(roll_id, paths, drive)

    def _mark_missing(self, roll_id: str, paths: list[str], drive: str) -> None:
        """The objects at `paths` are gone: the roll is to be uploaded again at once (from a
        mounted copy, verified again on the way), and its clearances no longer hold."""
        self.db.executemany(
            "UPDATE uploads SET state = 'missing', updated_at = ? WHERE roll_id = ? AND path = ?",
            [(now_iso(), roll_id, path) for path in paths],
        )
        self.db.execute(
            "UPDATE roll_uploads SET state = ?, next_attempt_at = ?, last_error = ? "
            "WHERE roll_id = ?",
            (UploadStage.UPLOAD_FAILED.value, now_iso(), missing_from_storage(paths), roll_id),
        )
        self._record(happened.objects_missing(roll_id, paths=paths, drive=drive))
        self._refresh_roll(roll_id)
