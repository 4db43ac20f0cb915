"""One drive's clearance decision: judged from a read of the ledger, then recorded.

`judge` only reads. It judges the recorded evidence and, only when that says "clear", re-checks
the facts live (every file on the drive stat'ed again, every stored object whose last listing is
older than `max_evidence_age` looked up again) and judges once more: a clearance is never
announced on stale evidence. `record_judgment`
records what a judgment found: stored objects the re-check found gone (`Ledger.objects_missing`)
and the verdict with its evidence (`Ledger.record_clearance`, the audit trail), announcing a
clearance granted or revoked. The daemon's loop and the `clearance` command both judge and
record with these two.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rollkeeper.core import happened
from rollkeeper.core.clearance import DriveEvidence, DriveVerdict, Policy, judge_drive
from rollkeeper.core.events import Event
from rollkeeper.ledger.rows import DriveClearance, VolumeRow
from rollkeeper.ledger.store import Ledger, now_iso
from rollkeeper.reports.evidence import (
    Rechecks,
    as_json,
    as_recorded,
    drive_evidence,
)
from rollkeeper.reports.evidence_audit import audit_json
from rollkeeper.reports.live_objects import object_check
from rollkeeper.transfer.targets import Target


@dataclass(frozen=True, slots=True)
class Judges:
    """What a drive is judged with: the target its objects are looked up on (None: nothing is
    uploaded), the archive provider's name, the production's clearance policy, and how old a
    stored object's last check may be before a clearance looks it up again."""

    target: Target | None
    archive_provider: str
    policy: Policy
    max_evidence_age: float | None = None  # trust object checks this young (None: none)


@dataclass(frozen=True, slots=True)
class Judgment:
    """A drive's verdict, the evidence it was drawn from, and the stored objects found gone
    (paths per roll) by the live re-check."""

    volume: VolumeRow
    verdict: DriveVerdict
    evidence: DriveEvidence
    missing: dict[str, list[str]]
    objects_checked_at: str | None = None  # when the live re-check looked objects up (None: not)
    judged_at: str = field(default_factory=now_iso)  # the drive's files were re-stat'ed then

    def rolls(self) -> list[str]:
        """The rolls on the drive, whose facts the verdict rests on."""
        return [on_drive.roll.roll_id for on_drive in self.evidence.rolls]


def judge(ledger: Ledger, volume: VolumeRow, judges: Judges) -> Judgment:
    """Judge one drive; re-check live before saying "clear". Writes nothing."""
    provider = judges.archive_provider
    recorded = drive_evidence(
        ledger,
        volume,
        archive_provider=provider,
        rechecks=Rechecks(objects=as_recorded, storage_errors=judges.target is None),
    )
    verdict = judge_drive(recorded, judges.policy)
    if not verdict.clear_to_erase:
        return Judgment(volume, verdict, recorded, {})
    objects = object_check(judges.target, judges.max_evidence_age) if judges.target else None
    evidence = drive_evidence(
        ledger, volume, archive_provider=provider, rechecks=Rechecks(sources=True, objects=objects)
    )
    missing = {
        on_drive.roll.roll_id: gone
        for on_drive in evidence.rolls
        if (gone := [f.path for f in on_drive.roll.files if f.object_present is False])
    }
    checked_at = objects.checked_at if objects is not None else None
    return Judgment(volume, judge_drive(evidence, judges.policy), evidence, missing, checked_at)


def _answer_changed(last: DriveClearance | None, verdict: DriveVerdict) -> bool:
    """Whether the answer to "may it be erased?" changed: cleared or not, and at which level."""
    return last is None or bool(last.clear) != verdict.clear_to_erase or last.level != verdict.level


def _changed(last: DriveClearance | None, verdict: DriveVerdict) -> bool:
    """Whether the verdict differs from the last recorded: its answer, or only its reasons and
    warnings (which status shows, so they must be the current ones)."""
    if last is None or _answer_changed(last, verdict):
        return True
    return bool(json.loads(last.verdict) != as_json(verdict))


def _announcement(ledger: Ledger, judgment: Judgment, last: DriveClearance | None) -> Event | None:
    """A verdict that grants a clearance, or revokes one granted before, is told (unless the
    drive was recorded erased since: that was told already); one whose reasons alone changed is
    only recorded."""
    clear = judgment.verdict.clear_to_erase
    was_clear = last is not None and bool(last.clear)
    if not _answer_changed(last, judgment.verdict) or (not clear and not was_clear):
        return None
    erased = judgment.volume.erased_at
    if not clear and last is not None and erased is not None and erased >= last.at:
        return None  # erased as its clearance allowed: the erase was told, not a revocation
    rolls = judgment.rolls()
    size = ledger.copies_size(judgment.volume.id, rolls)
    return happened.clearance(judgment.volume.id, judgment.verdict, rolls=len(rolls), size=size)


def verdict_changed(ledger: Ledger, judgment: Judgment) -> bool:
    """Whether the judgment's verdict differs from the drive's last recorded one, in its answer
    or its reasons (a drive never judged before has changed)."""
    return _changed(ledger.last_drive_clearance(judgment.volume.id), judgment.verdict)


def record_judgment(ledger: Ledger, judgment: Judgment, *, record_unchanged: bool = False) -> bool:
    """Record what the judgment found: the stored objects gone, and the verdict with its
    evidence when it changed (announced if it grants or revokes a clearance) or, with
    `record_unchanged`, in any case. True when the verdict changed."""
    volume, verdict = judgment.volume, judgment.verdict
    for roll_id, gone in judgment.missing.items():
        ledger.objects_missing(roll_id, gone, volume.label)
    last = ledger.last_drive_clearance(volume.id)
    changed = _changed(last, verdict)
    if not (changed or record_unchanged):
        return False
    ledger.record_clearance(
        volume_id=volume.id,
        clear=verdict.clear_to_erase,
        level=verdict.level,
        verdict=as_json(verdict),
        evidence=audit_json(judgment.evidence),
        event=_announcement(ledger, judgment, last),
    )
    return changed
