"""One consistent moment of the ledger, with its per-roll tables read once for views of every roll.

`rollkeeper status` shows every roll: the per-roll lookups it makes (copies, upload, archive
check, content) are answered here from a few queries over the whole ledger, so a status of a
thousand rolls costs a handful of queries, not thousands. Per-file rows (200 per roll, 200,000 on
a big show) are not read whole: they are read roll by roll, only for a roll judged here (one the
daemon has not judged yet, `reports.recorded_verdict`). The SQL stays in the ledger package.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rollkeeper.ledger.contents import RollContent
from rollkeeper.ledger.rows import (
    ArchiveCheck,
    CopyRow,
    RollRecord,
    RollUpload,
    archive_check,
    copy_row,
    roll_upload,
)
from rollkeeper.ledger.store import Ledger


class LedgerSnapshot(Ledger):
    """The open read-only ledger, answering the per-roll lookups from whole tables read once.
    Any other lookup (every per-file one) goes to the ledger itself, as before."""

    def __init__(self, ledger: Ledger) -> None:  # shares `ledger`'s connection; opens nothing
        self.path = ledger.path
        self.db = ledger.db
        self._found = ledger._found  # the file as the connection found it (`check_whole`)
        self._rolls = {row.id: row for row in ledger.rolls()}
        self._labels = {v.id: v.label for v in ledger.volumes()}
        self._copies: dict[str, list[CopyRow]] = defaultdict(list)
        for row in self.db.execute("SELECT * FROM roll_copies ORDER BY roll_id, volume_id"):
            self._copies[row["roll_id"]].append(copy_row(row))
        self._roll_uploads = {
            row["roll_id"]: roll_upload(row)
            for row in self.db.execute("SELECT * FROM roll_uploads")
        }
        self._archive_checks = {
            row["roll_id"]: archive_check(row)
            for row in self.db.execute("SELECT * FROM archive_checks")
        }

    def roll(self, roll_id: str) -> RollRecord | None:
        return self._rolls.get(roll_id)

    def rolls(self) -> list[RollRecord]:
        return list(self._rolls.values())

    def roll_content(self, roll_id: str) -> RollContent | None:
        roll = self._rolls.get(roll_id)
        if roll is None or roll.content_fingerprint is None:
            return None
        volume_id = roll.content_volume_id
        label = self._labels.get(volume_id) if volume_id is not None else None
        return RollContent(roll.content_fingerprint, volume_id, label)

    def copies(self, *, roll_id: str | None = None, volume_id: int | None = None) -> list[CopyRow]:
        if volume_id is not None:
            return super().copies(roll_id=roll_id, volume_id=volume_id)
        if roll_id is None:
            return [copy for copies in self._copies.values() for copy in copies]
        return list(self._copies.get(roll_id, []))

    def roll_upload(self, roll_id: str) -> RollUpload | None:
        return self._roll_uploads.get(roll_id)

    def archive_check(self, roll_id: str) -> ArchiveCheck | None:
        return self._archive_checks.get(roll_id)


@contextmanager
def read_snapshot(state_dir: Path) -> Iterator[LedgerSnapshot]:
    """The ledger in `state_dir`, opened read-only (no lock: the daemon may be running) and read
    in one transaction, so every answer comes from one moment of it."""
    opened = Ledger.in_state_dir(state_dir, readonly=True)
    try:
        opened.db.execute("BEGIN")
        yield LedgerSnapshot(opened)
    finally:
        opened.close()  # closing ends the read transaction
