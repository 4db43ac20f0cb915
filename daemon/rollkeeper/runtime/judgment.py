"""One drive's clearance judgment, made from a read of the ledger, recorded by the loop.

`judge` only reads: it judges the recorded evidence and, only when that says "clear", re-checks
the facts live (every file on the drive stat'ed again, every stored object looked up again) and
judges once more. `record_judgment` is the loop's part: stored objects the re-check found gone
(`Ledger.objects_missing`), and the verdict with its evidence when it changed
(`Ledger.record_clearance`, announcing a clearance granted or revoked).
"""

from __future__ import annotations

from dataclasses import dataclass

from rollkeeper.core.clearance import DriveEvidence, DriveVerdict, Policy, judge_drive
from rollkeeper.core.words import describe, revoked
from rollkeeper.ledger.rows import VolumeRow
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.drive_decision import object_check
from rollkeeper.reports.evidence import Rechecks, as_json, as_recorded, drive_evidence
from rollkeeper.transfer.targets import Target


@dataclass(frozen=True, slots=True)
class Judges:
    """What a drive is judged with: the target its objects are looked up on, the archive
    provider's name, and the production's clearance policy."""

    target: Target | None
    archive_provider: str
    policy: Policy


@dataclass(frozen=True, slots=True)
class Judgment:
    """A drive's verdict, the evidence it was drawn from, and the stored objects found gone
    (paths per roll) by the live re-check."""

    volume: VolumeRow
    verdict: DriveVerdict
    evidence: DriveEvidence
    missing: dict[str, list[str]]

    def rolls(self) -> list[str]:
        """The rolls on the drive, whose facts the verdict rests on."""
        return [on_drive.roll.roll_id for on_drive in self.evidence.rolls]


def judge(ledger: Ledger, volume: VolumeRow, judges: Judges) -> Judgment:
    """Judge one drive; re-check live before saying "clear". Writes nothing."""
    provider = judges.archive_provider
    recorded = drive_evidence(
        ledger, volume, archive_provider=provider, rechecks=Rechecks(objects=as_recorded)
    )
    verdict = judge_drive(recorded, judges.policy)
    if not verdict.clear_to_erase:
        return Judgment(volume, verdict, recorded, {})
    objects = object_check(judges.target) if judges.target else None
    evidence = drive_evidence(
        ledger, volume, archive_provider=provider, rechecks=Rechecks(sources=True, objects=objects)
    )
    missing = {
        on_drive.roll.roll_id: gone
        for on_drive in evidence.rolls
        if (gone := [f.path for f in on_drive.roll.files if f.object_present is False])
    }
    return Judgment(volume, judge_drive(evidence, judges.policy), evidence, missing)


def record_judgment(ledger: Ledger, judgment: Judgment) -> bool:
    """Record what the judgment found; True when the drive's verdict changed (and was
    recorded, announced if it granted or revoked the clearance)."""
    volume, verdict = judgment.volume, judgment.verdict
    for roll_id, gone in judgment.missing.items():
        ledger.objects_missing(roll_id, gone, volume.label)
    last = ledger.last_drive_clearance(volume.id)
    was_clear = bool(last.clear) if last is not None else False
    changed = last is None or was_clear != verdict.clear_to_erase or last.level != verdict.level
    if not changed:
        return False
    announce = None
    message = describe(verdict)
    if verdict.clear_to_erase:
        announce = "clearance_granted"
    elif was_clear:
        announce = "clearance_revoked"
        message = revoked(message)
    ledger.record_clearance(
        volume_id=volume.id,
        clear=verdict.clear_to_erase,
        level=verdict.level,
        verdict=as_json(verdict),
        evidence=as_json(judgment.evidence),
        announce=announce,
        message=message,
    )
    return True
