"""May this drive be erased? The drive-level checks, then each roll folder on it.

A rotation drive needs every roll on it CARDS_CLEAR, a RAID every roll RAID_CLEAR; both need
the copies on the drive itself verified and unchanged, nothing else on the drive unaccounted for,
and the drive mounted and fully scanned since it was mounted, with no scan problems.
"""

from __future__ import annotations

from dataclasses import replace

from rollkeeper.core.clearance.copies import copy_reasons, extras_on_drive
from rollkeeper.core.clearance.evidence import DEFAULT_POLICY, DriveEvidence, Policy, RollOnDrive
from rollkeeper.core.clearance.reasons import files_reason, in_reports, is_hidden
from rollkeeper.core.clearance.rolls import judge_roll
from rollkeeper.core.clearance.verdicts import Blocker, DriveVerdict, Level
from rollkeeper.core.lifecycle import CopyState


def judge_drive(evidence: DriveEvidence, policy: Policy = DEFAULT_POLICY) -> DriveVerdict:
    """May this drive be erased? A rotation drive needs every roll on it CARDS_CLEAR, a RAID
    every roll RAID_CLEAR; both need the copies on the drive itself verified and unchanged and
    nothing else on the drive unaccounted for."""
    evidence = on_the_drive(evidence)
    blocking = [Blocker(None, reason) for reason in drive_reasons(evidence)]
    warnings: list[str] = []
    for on_drive in evidence.rolls:
        roll_blocking, roll_warnings = roll_on_drive(evidence, on_drive, policy)
        blocking.extend(roll_blocking)
        warnings.extend(roll_warnings)
    clear = not blocking
    level: Level = "none"
    if clear:
        level = "raid" if evidence.role == "raid" else "cards"
    return DriveVerdict(
        label=evidence.label,
        role=evidence.role,
        clear_to_erase=clear,
        level=level,
        blocking=tuple(blocking),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def on_the_drive(evidence: DriveEvidence) -> DriveEvidence:
    """The drive without the copies recorded as erased from it: they are no longer there, so
    they neither count nor block (a wiped drive re-used for new rolls is just a drive)."""
    erased = CopyState.ERASED.value
    if all(r.copy_state != erased for r in evidence.rolls):
        return evidence
    return replace(evidence, rolls=tuple(r for r in evidence.rolls if r.copy_state != erased))


def drive_reasons(evidence: DriveEvidence) -> list[str]:
    """What keeps the drive itself from clearing, whatever its rolls say."""
    return [
        *role_reasons(evidence),
        *scan_reasons(evidence),
        *unaccounted_reasons(evidence),
        *empty_drive_reasons(evidence),
    ]


def role_reasons(evidence: DriveEvidence) -> list[str]:
    """Only RAIDs and rotation drives clear."""
    if evidence.role in ("raid", "rotation"):
        return []
    return [
        f"{evidence.label}: unknown drive role {evidence.role!r}; "
        "only RAIDs and rotation drives clear"
    ]


def scan_reasons(evidence: DriveEvidence) -> list[str]:
    """The drive must be mounted and fully scanned since, with no scan problems."""
    label = evidence.label
    reasons: list[str] = []
    if evidence.mounted is not True:
        reasons.append(f"{label}: not mounted, so its contents cannot be re-checked")
    if evidence.fully_scanned is not True:
        reasons.append(f"{label}: not fully scanned since it was mounted")
    reasons.extend(f"{label}: {problem}" for problem in evidence.problems)
    return reasons


def unaccounted_reasons(evidence: DriveEvidence) -> list[str]:
    """Every file and folder outside a roll blocks, unless hidden or in a `Reports` folder."""
    label = evidence.label
    reasons: list[str] = []
    for item in evidence.unaccounted:
        if is_hidden(item, hidden=True) or in_reports(item):
            continue
        if item.endswith("/"):
            reasons.append(f"{label}: unknown folder {item.rstrip('/')!r} is not in any roll")
        else:
            reasons.append(f"{label}: unknown file {item!r} is not in any roll")
    return reasons


def empty_drive_reasons(evidence: DriveEvidence) -> list[str]:
    """A drive with no rolls on it is never vouched for: nothing was proven."""
    if evidence.rolls:
        return []
    return [
        f"{evidence.label}: nothing on it has been proven (no rolls found); "
        "an empty drive is not vouched for"
    ]


def roll_on_drive(
    evidence: DriveEvidence, on_drive: RollOnDrive, policy: Policy
) -> tuple[list[Blocker], list[str]]:
    """The blockers and warnings one roll folder brings to the drive's verdict."""
    label = evidence.label
    rid = on_drive.roll.roll_id
    verdict = judge_roll(on_drive.roll, policy)
    reasons = list(verdict.reasons)
    if evidence.role != "rotation":  # a RAID, or an unknown role, needs the RAID level
        reasons.extend(verdict.raid_reasons)
    reasons.extend(copy_reasons(label, on_drive))
    warnings = list(verdict.warnings)
    extras = extras_on_drive(on_drive)
    if extras and policy.extras_block_drive is not False:
        reasons.append(
            files_reason(
                rid,
                extras,
                f"on {label} is not in the MHL and was never backed up",
                f"on {label} are not in the MHL and were never backed up",
            )
        )
    elif extras:
        warnings.append(
            files_reason(
                rid,
                extras,
                f"on {label} is not in the MHL and dies with the drive (extras_block_drive is off)",
                f"on {label} are not in the MHL and die with the drive (extras_block_drive is off)",
            )
        )
    return [Blocker(rid, reason) for reason in reasons], warnings
