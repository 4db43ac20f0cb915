"""Is a roll's copy on one drive itself good: verified, unchanged, and nothing extra beside it?"""

from __future__ import annotations

from rollkeeper.core.clearance.evidence import CopyFileEvidence, RollOnDrive
from rollkeeper.core.clearance.reasons import (
    Fact,
    counts_as_listed,
    duplicate_reasons,
    first_unproven,
    grouped,
    is_hidden,
)
from rollkeeper.core.lifecycle import FAILED_COPY_STATES, CopyState
from rollkeeper.mhl.model import name_key


def copy_reasons(label: str, on_drive: RollOnDrive) -> list[str]:
    """Is the roll's copy on this drive itself verified and unchanged, file for file?"""
    rid = on_drive.roll.roll_id
    copy_listed = [
        f for f in on_drive.copy_files if counts_as_listed(f.path, f.listed_in_mhl, f.hidden)
    ]
    return [
        *copy_state_reasons(label, on_drive),
        *content_reasons(label, on_drive),
        *duplicate_reasons(rid, [f.path for f in copy_listed], f"the evidence for {label}"),
        *grouped(rid, copy_file_failures(label, on_drive, copy_listed)),
    ]


def copy_state_reasons(label: str, on_drive: RollOnDrive) -> list[str]:
    """Only a verified copy may clear; a failed, vanished, pending or unknown one never does."""
    rid = on_drive.roll.roll_id
    state = on_drive.copy_state
    if state == CopyState.VERIFIED.value:
        return []
    if state in FAILED_COPY_STATES:
        return [f"{rid}: the copy on {label} failed ({state}); it is never cleared"]
    if state == CopyState.GONE.value:
        return [f"{rid}: the copy on {label} disappeared while the drive was mounted"]
    if state in {s.value for s in CopyState}:
        return [f"{rid}: the copy on {label} is not yet verified (state: {state})"]
    return [f"{rid}: the copy on {label} has unknown state {state!r}"]


def content_reasons(label: str, on_drive: RollOnDrive) -> list[str]:
    """The copy must hold the roll's stored content: a copy with other content under the same
    roll name is not backed up by the roll's clearance, whatever its own verification says."""
    if on_drive.same_content is True:
        return []
    rid = on_drive.roll.roll_id
    roll = rid.rsplit("/", 1)[-1]
    if on_drive.same_content is False:
        other = f" (the stored one was read from {on_drive.content_drive})"
        return [
            f"{rid}: keep — {label} holds a different {roll} than the one stored"
            + (other if on_drive.content_drive else "")
        ]
    return [f"{rid}: the copy on {label} is not known to hold the {roll} that is stored"]


def copy_file_failures(
    label: str, on_drive: RollOnDrive, copy_listed: list[CopyFileEvidence]
) -> dict[str, list[str]]:
    """Per phrase, the copy's files not proven on this drive or not in the roll's MHL."""
    roll_listed = {
        name_key(f.path)
        for f in on_drive.roll.files
        if counts_as_listed(f.path, f.listed_in_mhl, f.hidden)
    }
    facts: tuple[Fact, ...] = (
        ("verified", f"not yet verified on {label}", f"failed verification on {label}"),
        (
            "unchanged",
            f"not re-checked on {label} since verification",
            f"changed on {label} since verification (size, mtime or inode differ)",
        ),
    )
    failures: dict[str, list[str]] = {}
    seen: set[str] = set()
    for f in copy_listed:
        key = name_key(f.path)
        seen.add(key)
        if key not in roll_listed:
            failures.setdefault(
                f"listed in the copy on {label} but not in the roll's MHL evidence", []
            ).append(f.path)
            continue
        phrase = first_unproven(f, facts)
        if phrase is not None:
            failures.setdefault(phrase, []).append(f.path)
    missing = sorted(
        f.path
        for f in on_drive.roll.files
        if counts_as_listed(f.path, f.listed_in_mhl, f.hidden) and name_key(f.path) not in seen
    )
    if missing:
        failures[f"without a verification record on {label}"] = missing
    return failures


def extras_on_drive(on_drive: RollOnDrive) -> list[str]:
    """Non-hidden files in the roll folder on this drive that the MHL does not list."""
    paths = [p for p in on_drive.extras if not is_hidden(p, hidden=True)]
    paths.extend(
        f.path
        for f in on_drive.copy_files
        if f.listed_in_mhl is False and not is_hidden(f.path, f.hidden)
    )
    return sorted(dict.fromkeys(paths))
