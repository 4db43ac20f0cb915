"""Each roll's clearance as its recorded evidence stands: what `status`, the roll report and the
dashboard say of a roll.

It is drawn from the ledger alone (no file is stat'ed, no object looked up: an announced
clearance is re-proven live, `reports.drive_decision`), so it is a function of the rows it reads.
The daemon's loop judges each roll once and keeps the verdict (`ledger.roll_verdicts`, whose
triggers drop it when any of those rows changes); a reader takes the kept verdicts and judges
only the rolls without one, so a status of 200,000 uploaded files does not read them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rollkeeper import __version__
from rollkeeper.core.clearance import judge_roll
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.evidence import Rechecks, as_recorded, roll_evidence


def recorded_judge(archive_provider: str) -> str:
    """Who judged a kept verdict: this release, with this archive provider (another release may
    judge otherwise; a status with another provider judges for itself)."""
    return f"rollkeeper {__version__}, archive {archive_provider}"


def recorded_clearance(ledger: Ledger, roll_id: str, archive_provider: str) -> dict[str, Any]:
    """Both clearance levels of a roll as the recorded evidence stands, judged now."""
    verdict = judge_roll(
        roll_evidence(
            ledger, roll_id, archive_provider=archive_provider,
            rechecks=Rechecks(sources=False, objects=as_recorded),
        )
    )  # fmt: skip
    return {
        "cards_clear": verdict.cards_clear,
        "raid_clear": verdict.raid_clear,
        "reasons": list(verdict.reasons) + list(verdict.raid_reasons),
        "warnings": list(verdict.warnings),
    }


def recorded_clearances(
    ledger: Ledger, roll_ids: Iterable[str], archive_provider: str
) -> dict[str, dict[str, Any]]:
    """Each roll's recorded clearance, by id: the kept verdict, else judged here."""
    kept = ledger.kept_roll_verdicts(recorded_judge(archive_provider))
    return {
        roll_id: kept.get(roll_id) or recorded_clearance(ledger, roll_id, archive_provider)
        for roll_id in roll_ids
    }
