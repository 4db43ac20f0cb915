"""How many files and bytes each on-set copy's MHL accounts for, read for every copy at once.

The roll report shows a roll's file count and size; reading them copy by copy would cost a
query per roll, so they come from one grouped read of the verified files. Files the MHL does not
list (extras, hidden files) are not the roll's and are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from rollkeeper.ledger.connection import LedgerConnection

#: Verified-file statuses that are not the roll's own media (`mhl.verify.FileStatus`).
_NOT_THE_ROLLS = ("extra", "ignored")


@dataclass(frozen=True, slots=True)
class CopyTotal:
    """One copy's files as its verification recorded them: how many, and their bytes."""

    files: int
    size: int


class TotalRecords(LedgerConnection):
    """Per-copy totals of the verified files."""

    def copy_totals(self) -> dict[tuple[str, int], CopyTotal]:
        """Every verified copy's file count and bytes, by (roll id, volume id)."""
        rows = self.db.execute(
            "SELECT roll_id, volume_id, COUNT(*), COALESCE(SUM(size), 0) FROM files "
            "WHERE status NOT IN (?, ?) GROUP BY roll_id, volume_id",
            _NOT_THE_ROLLS,
        )
        return {(r[0], int(r[1])): CopyTotal(int(r[2]), int(r[3])) for r in rows}
