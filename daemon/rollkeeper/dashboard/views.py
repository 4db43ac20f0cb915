"""What the dashboard shows, read from the reports' views only: the status document of
`rollkeeper status --json` (`reports.status.load_status`), never a ledger table.

Each request reads the ledger afresh through `load_status` (a read-only snapshot, no lock): the
page says what `status` would say at that moment, whatever the daemon's loop is doing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rollkeeper.reports.roll_files import RollFiles, load_roll_files
from rollkeeper.reports.roll_report import RollReport, load_status_and_report
from rollkeeper.reports.status import load_status


@dataclass(frozen=True, slots=True)
class StatusSource:
    """Where the status document comes from: the state folder and the settings `status` uses."""

    state_dir: Path
    archive_provider: str = "none"
    max_evidence_age: float = 600.0

    def status(self) -> dict[str, Any]:
        """The whole `rollkeeper.status/1` document, as `status --json` prints it now."""
        return load_status(self.state_dir, self.archive_provider, self.max_evidence_age)

    def board(self) -> tuple[dict[str, Any], RollReport]:
        """The status document and the roll report of one moment (one snapshot): the board's
        drives and health from the first, its rolls by shoot day from the second."""
        return load_status_and_report(self.state_dir, self.archive_provider, self.max_evidence_age)

    def roll_files(self, roll_id: str) -> RollFiles:
        """A roll's files with their recorded evidence and when it was checked
        (`reports.roll_files`); none for a roll gone from the ledger since."""
        found = load_roll_files(self.state_dir, roll_id, self.archive_provider)
        return found or RollFiles([], {})


def drives(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every known drive (the document's `volumes`, fields unchanged)."""
    volumes: list[dict[str, Any]] = document["volumes"]
    return volumes


def day_rolls(document: dict[str, Any], day: str) -> list[dict[str, Any]]:
    """The rolls of one shoot day, in the document's order; empty for a day not known."""
    return [roll for roll in document["rolls"] if roll["shoot_day"] == day]


def find_roll(document: dict[str, Any], roll: str) -> dict[str, Any] | None:
    """One roll by its id (`day/media/roll`) or, when unambiguous, by its roll name."""
    rolls: list[dict[str, Any]] = document["rolls"]
    exact = [r for r in rolls if r["id"] == roll]
    named = [r for r in rolls if r["roll"] == roll]
    found = exact or named
    return found[0] if len(found) == 1 else None
