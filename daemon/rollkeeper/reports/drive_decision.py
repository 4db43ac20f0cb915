"""Telling people which drives may be erased, after re-checking the evidence, exactly once.

A drive's verdict is first judged on recorded evidence. Only when that says "clear" and the
drive was not already announced clear are the facts re-checked live (files on the drive stat'ed,
stored objects looked up) and the verdict judged again; only that verdict is announced. A drive
announced clear whose evidence no longer holds is announced revoked. Every verdict that changes
is recorded with its evidence (the audit trail).
"""

from __future__ import annotations

from dataclasses import dataclass

from rollkeeper.core.clearance import DriveVerdict, Policy, judge_drive
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.core.words import describe, revoked
from rollkeeper.ledger.rows import FileUpload, VolumeRow
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.evidence import ObjectCheck, Rechecks, as_json, as_recorded, drive_evidence
from rollkeeper.transfer.targets import Target


def object_check(target: Target) -> ObjectCheck:
    """Is the stored object still there, with the size and checksum the upload proved?"""

    def still_there(upload: FileUpload) -> bool:
        try:
            stored = target.head(upload.key)
        except (RollkeeperError, OSError):
            return False
        if stored is None or stored.size != upload.size:
            return False
        if target.proven_by_read_back or upload.stored_checksum is None:
            return True  # a folder or checksum-less store: present with the proven size
        return stored.checksum == upload.stored_checksum

    return still_there


@dataclass(frozen=True, slots=True)
class DriveDecision:
    volume: VolumeRow
    verdict: DriveVerdict
    changed: bool


def decide(
    ledger: Ledger,
    volume: VolumeRow,
    *,
    target: Target | None,
    archive_provider: str,
    policy: Policy,
    record: bool = True,
    record_unchanged: bool = False,
) -> DriveDecision:
    """Judge one drive; re-check live before saying "clear"; record and announce changes."""
    recorded = drive_evidence(
        ledger, volume, archive_provider=archive_provider, rechecks=Rechecks(objects=as_recorded)
    )
    verdict = judge_drive(recorded, policy)
    evidence = recorded
    if verdict.clear_to_erase:
        checks = Rechecks(sources=True, objects=object_check(target) if target else None)
        evidence = drive_evidence(
            ledger, volume, archive_provider=archive_provider, rechecks=checks
        )
        verdict = judge_drive(evidence, policy)
        if record:
            for on_drive in evidence.rolls:
                gone = [f.path for f in on_drive.roll.files if f.object_present is False]
                if gone:
                    ledger.objects_missing(on_drive.roll.roll_id, gone, volume.label)
    last = ledger.last_drive_clearance(volume.id)
    was_clear = bool(last.clear) if last is not None else False
    changed = last is None or was_clear != verdict.clear_to_erase or last.level != verdict.level
    if record and (changed or record_unchanged):
        announce = None
        if changed and verdict.clear_to_erase:
            announce = "clearance_granted"
        elif changed and was_clear:
            announce = "clearance_revoked"
        message = describe(verdict)
        if announce == "clearance_revoked":
            message = revoked(message)
        ledger.record_clearance(
            volume_id=volume.id,
            clear=verdict.clear_to_erase,
            level=verdict.level,
            verdict=as_json(verdict),
            evidence=as_json(evidence),
            announce=announce,
            message=message,
        )
    return DriveDecision(volume, verdict, changed)
