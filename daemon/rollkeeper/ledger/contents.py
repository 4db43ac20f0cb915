"""A roll's content: which of its copies' contents is *the* roll, and the copies that differ.

A roll's content identity is its set of (relative path, size, hash), digested as its copies'
MHL fingerprint. The first content stored — the copy an upload reads — or, before any upload,
the first content verified, is claimed as the roll's content and never changes afterwards. A
copy holding other content under the same name is not the roll: it does not make the roll's
state, it is never uploaded over the stored one, its drive is kept (the clearance rule), and
one alarm names both drives and the files that differ.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from rollkeeper.core import happened
from rollkeeper.core.lifecycle import ContentEntry, CopyState, UploadStage, differing_paths
from rollkeeper.ledger.events import EventLog
from rollkeeper.ledger.rows import CopyRow

#: A verified file's status when the MHL does not list it (`mhl.verify.FileStatus.EXTRA`, not
#: imported here: the ledger need not load the hashing to read its rows).
_EXTRA = "extra"


@dataclass(frozen=True, slots=True)
class RollContent:
    """The content claimed as the roll: its fingerprint, the copy (volume) it was read from and
    that volume's label."""

    fingerprint: str
    volume_id: int | None
    label: str | None


class RollContents(EventLog):
    """Claiming a roll's content, and telling of copies that hold another."""

    def roll_content(self, roll_id: str) -> RollContent | None:
        """The content claimed as the roll, None while no copy was verified or uploaded."""
        row = self.db.execute(
            "SELECT r.content_fingerprint, r.content_volume_id, v.label FROM rolls r "
            "LEFT JOIN volumes v ON v.id = r.content_volume_id WHERE r.id = ?",
            (roll_id,),
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return RollContent(row[0], row[1], row[2])

    def may_upload_from(self, roll_id: str, volume_id: int) -> bool:
        """Whether the copy on `volume_id` holds the roll's content (or none is claimed yet),
        so that uploading it never puts other content over the stored one."""
        content = self.roll_content(roll_id)
        if content is None:
            return True
        row = self.db.execute(
            "SELECT mhl_fingerprint FROM roll_copies WHERE roll_id = ? AND volume_id = ?",
            (roll_id, volume_id),
        ).fetchone()
        return row is not None and row[0] == content.fingerprint

    def _claimed_content(self, roll_id: str, copies: Sequence[CopyRow]) -> str | None:
        """The roll's content, claimed now if nothing was yet: the copy its upload reads, or
        else the copy verified first."""
        row = self.db.execute(
            "SELECT content_fingerprint FROM rolls WHERE id = ?", (roll_id,)
        ).fetchone()
        if row is None or row[0] is not None:
            return None if row is None else str(row[0])
        upload = self.db.execute(
            "SELECT volume_id FROM roll_uploads WHERE roll_id = ?", (roll_id,)
        ).fetchone()
        verified = sorted(
            (c for c in copies if c.state is CopyState.VERIFIED and c.mhl_fingerprint),
            key=lambda c: c.verified_at or "",
        )
        source = next((c for c in copies if upload and c.volume_id == upload[0]), None)
        chosen = source if source is not None and source.mhl_fingerprint else None
        chosen = chosen or (verified[0] if verified else None)
        if chosen is None:
            return None
        self.db.execute(
            "UPDATE rolls SET content_fingerprint = ?, content_volume_id = ? WHERE id = ?",
            (chosen.mhl_fingerprint, chosen.volume_id, roll_id),
        )
        return chosen.mhl_fingerprint

    def _content_entries(self, roll_id: str, volume_id: int) -> dict[str, ContentEntry]:
        """A verified copy's content as recorded: each MHL-listed path with size and hashes."""
        rows = self.db.execute(
            "SELECT path, size, expected FROM files "
            "WHERE roll_id = ? AND volume_id = ? AND status != ?",
            (roll_id, volume_id, _EXTRA),
        )
        return {path: (size, json.loads(expected)) for path, size, expected in rows}

    def _tell_differing(self, roll_id: str, copies: Sequence[CopyRow], content: str) -> None:
        """One alarm for each verified copy whose content is not the roll's (once per copy and
        content), naming both drives and the files that differ."""
        if not any(
            c.state is CopyState.VERIFIED and c.mhl_fingerprint not in (None, content)
            for c in copies
        ):
            return  # the common case: no more queries
        untold = self.db.execute(
            "SELECT c.volume_id, c.mhl_fingerprint, v.label FROM roll_copies c "
            "JOIN volumes v ON v.id = c.volume_id "
            "WHERE c.roll_id = ? AND c.state = ? AND c.mhl_fingerprint IS NOT NULL "
            "AND c.mhl_fingerprint != ? "
            "AND (c.differs_alarmed IS NULL OR c.differs_alarmed != c.mhl_fingerprint)",
            (roll_id, CopyState.VERIFIED.value, content),
        ).fetchall()
        claimed = self.roll_content(roll_id)
        if not untold or claimed is None or claimed.volume_id is None:
            return
        stored_entries = self._content_entries(roll_id, claimed.volume_id)
        if not stored_entries:  # the claimed copy's own evidence is not recorded yet
            return
        upload = self.db.execute(
            "SELECT state FROM roll_uploads WHERE roll_id = ?", (roll_id,)
        ).fetchone()
        stored = upload is not None and upload[0] == UploadStage.UPLOADED.value
        for volume_id, fingerprint, label in untold:
            paths = differing_paths(stored_entries, self._content_entries(roll_id, volume_id))
            self._record(
                happened.copy_differs(
                    roll_id,
                    volume_id,
                    label=label,
                    content_label=claimed.label or "?",
                    stored=stored,
                    paths=paths,
                )
            )
            self.db.execute(
                "UPDATE roll_copies SET differs_alarmed = ? WHERE roll_id = ? AND volume_id = ?",
                (fingerprint, roll_id, volume_id),
            )
