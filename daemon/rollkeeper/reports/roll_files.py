"""One roll's files as the ledger proves them: for each file of its uploaded copy, whether it is
listed in the MHL, verified, stored and proven, archived, and still present in storage as last
listed — the evidence a clearance is drawn from, as recorded (nothing is re-checked here).

With it, when each kind of that evidence was last checked (`checked_at`, as `clearance --json`
says it). The dashboard's roll page and `/api/rolls/{roll}` show it; `rollkeeper clearance
--roll` is the answer that re-checks before it clears.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rollkeeper.ledger.snapshot import read_snapshot
from rollkeeper.reports.evidence import Rechecks, as_json, as_recorded, roll_evidence
from rollkeeper.reports.ledger_file import require_ledger
from rollkeeper.reports.roll_clearance import recorded_checks
from rollkeeper.reports.status import NO_LEDGER_HINT


@dataclass(frozen=True, slots=True)
class RollFiles:
    """A roll's files with their recorded evidence, and when each kind of it was checked."""

    files: list[dict[str, Any]]
    checked_at: dict[str, str | None]  # as in `clearance --json`: mhl_verification, …


def load_roll_files(
    state_dir: Path, roll_id: str, archive_provider: str = "none"
) -> RollFiles | None:
    """The files of `roll_id` with their recorded evidence (`path`, `listed_in_mhl`, `hidden`,
    `verified`, `stored_proven`, `archived`, `source_unchanged`, `object_present`: true, false
    or null for not known) and when it was checked; None for a roll the ledger does not know."""
    require_ledger(state_dir, NO_LEDGER_HINT)
    with read_snapshot(state_dir) as ledger:
        if ledger.roll(roll_id) is None:
            return None
        evidence = roll_evidence(
            ledger, roll_id, archive_provider=archive_provider,
            rechecks=Rechecks(sources=False, objects=as_recorded),
        )  # fmt: skip
        checked = recorded_checks(ledger, roll_id, archive_provider)
    return RollFiles(as_json(evidence.files), as_json(checked))
