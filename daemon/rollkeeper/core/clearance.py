"""Erase clearance: may this card, this rotation drive, this RAID be erased yet?

Pure and fail-closed. Evidence is gathered elsewhere (the ledger, re-checks of source files and
stored objects) into the frozen dataclasses below; `judge_roll` and `judge_drive` turn it into a
verdict, with a human-readable reason for every "no". No I/O, no clock.

A false clearance destroys a day's shoot, so the rules are written to make one impossible:

- Every fact is explicit, and only the literal value `True` proves it. `None` (not known, not
  re-checked) and `False` (checked and failed) both refuse; so does any other value that slipped in.
- Clearance is granted only when nothing refused; every refusal adds a reason, so "not clear"
  never comes without one.
- A roll with no listed files, and a drive with no rolls, are never clear: nothing was proven.

Levels (FORMATS.md §6):

- CARDS_CLEAR (a roll): roll state uploaded (or archived); no problem recorded; the roll's
  manifest written to storage; at least one listed file; every MHL-listed file verified against
  its MHL hash, stored and its stored checksum proven equal, its source unchanged since
  verification, and its stored object re-checked present with the same checksum. Files the MHL
  does not list ("extras") never block the roll itself, only the drive they sit on (FORMATS.md §3).
- RAID_CLEAR (a roll): CARDS_CLEAR, and the archival copy verified for every object. With no
  archive tier configured a RAID is never cleared.
- A rotation drive may be erased when every roll folder on it is CARDS_CLEAR, the copy on the drive
  is itself verified and unchanged, and nothing else on it is unaccounted for; a RAID the same with
  RAID_CLEAR. The drive must be mounted and fully scanned since it was mounted, with no scan
  problems (layout errors, unreadable folders, unparseable MHLs).

Hidden and system files (`core.hidden`) never block. Paths are matched under Unicode NFC, as
everywhere else (`rollkeeper.mhl.model.name_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rollkeeper.core.hidden import is_hidden_path
from rollkeeper.core.lifecycle import FAILED_COPY_STATES, FAILED_ROLL_STATES, CopyState, RollState
from rollkeeper.mhl.model import name_key

Role = Literal["raid", "rotation"]
ArchiveStatus = Literal["none", "pending", "archived", "failed", "unknown"]
Level = Literal["none", "cards", "raid"]

#: Roll states from which a clearance may be reached (the archive itself is judged from its own
#: evidence, whatever the state says). Every other state, known or not, refuses.
CLEARABLE_ROLL_STATES = frozenset({RollState.UPLOADED.value, RollState.ARCHIVED.value})

#: A folder of this exact name (case matters, FORMATS.md §5) holds reports, not media.
REPORTS_FOLDER = "Reports"

#: How many file names one reason lists before it says "and N more".
NAMES_PER_REASON = 5


# --------------------------------------------------------------------------------------------
# Evidence


@dataclass(frozen=True, slots=True)
class FileEvidence:
    """One file of a roll, as the roll's MHL lists it, with every fact proven about it.

    `path` is relative to the roll folder, `/`-separated. Facts are `True` (proven), `False`
    (checked and failed) or `None` (not known / not checked yet); only `True` counts.
    """

    path: str
    listed_in_mhl: bool  # False: an extra, on disk but not in the MHL (never backed up)
    hidden: bool  # a hidden/system file (FORMATS.md §3); honoured only if the path is one too
    verified: bool | None  # bytes matched the MHL hash
    stored_proven: bool | None  # uploaded, and the stored object's checksum proven equal
    archived: bool | None  # the archival copy of the stored object verified
    source_unchanged: bool | None  # re-check: size/mtime/inode as when verified
    object_present: bool | None  # re-check: stored object still present, same checksum


@dataclass(frozen=True, slots=True)
class RollEvidence:
    """One roll (one card) across all its copies, with its upload and archive."""

    roll_id: str
    state: str  # a RollState value
    problems: tuple[str, ...]  # anything recorded against the roll; any one blocks
    files: tuple[FileEvidence, ...]
    manifest_written: bool  # the roll's manifest (MHL + proofs) is written to storage
    archive: ArchiveStatus  # "none": no archive tier is configured
    onset_copies: int  # on-set volumes holding a verified copy


@dataclass(frozen=True, slots=True)
class CopyFileEvidence:
    """One file of a roll's copy on one drive: is this drive's copy itself good?

    `path` is relative to the roll folder on this drive. Facts as in `FileEvidence`.
    """

    path: str
    listed_in_mhl: bool  # False: an extra on this drive
    hidden: bool
    verified: bool | None  # this copy's bytes matched the MHL hash
    unchanged: bool | None  # re-check: size/mtime/inode on this drive as when verified


@dataclass(frozen=True, slots=True)
class RollOnDrive:
    """One roll folder on the drive being judged."""

    roll: RollEvidence
    copy_state: str  # a CopyState value for the copy on this drive
    extras: tuple[str, ...]  # non-hidden files in the roll folder the MHL does not list
    copy_files: tuple[CopyFileEvidence, ...]


@dataclass(frozen=True, slots=True)
class DriveEvidence:
    """One physical drive (volume) and everything on it.

    `unaccounted` holds non-hidden files and folders outside any roll folder (and outside a
    `Reports/` folder), as paths relative to the volume root; folders end with `/`. Entries that
    are hidden/system paths or lie in a folder named exactly `Reports` are ignored here too.
    """

    label: str
    role: Role
    volume_id: int
    mounted: bool
    fully_scanned: bool  # a full scan finished since the drive was (last) mounted
    problems: tuple[str, ...]  # layout errors, unreadable folders, unparseable MHLs
    unaccounted: tuple[str, ...]
    rolls: tuple[RollOnDrive, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    """The production's clearance settings. The defaults are the safe ones.

    - `extras_block_drive`: a file the MHL does not list blocks erasing the drive it is on
      (otherwise it is a warning: erasing the drive destroys it). Only the literal `False` turns
      this off.
    - `min_onset_copies`: the production's on-set copy rule; a roll on fewer volumes is a
      warning, never a block.
    - `archive_required_for_raid`: a RAID is cleared only once the archival copy is verified.
      Only the literal `False` turns this off, and even then a RAID is never cleared when no
      archive tier is configured, when the archive status is unknown, or when archiving failed.
    """

    extras_block_drive: bool = True
    min_onset_copies: int = 3
    archive_required_for_raid: bool = True


DEFAULT_POLICY = Policy()


# --------------------------------------------------------------------------------------------
# Verdicts


@dataclass(frozen=True, slots=True)
class RollVerdict:
    """`reasons`: what keeps the roll from CARDS_CLEAR. `raid_reasons`: what else keeps it from
    RAID_CLEAR (the archive). `cards_clear` is True exactly when `reasons` is empty; `raid_clear`
    exactly when both are."""

    roll_id: str
    cards_clear: bool
    raid_clear: bool
    reasons: tuple[str, ...]
    raid_reasons: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Blocker:
    """One thing that keeps a drive from being erased; `roll_id` None for the drive itself."""

    roll_id: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class DriveVerdict:
    """`level` is the clearance the drive reached: "cards" for a clear rotation drive, "raid" for
    a clear RAID, "none" whenever `clear_to_erase` is False. `clear_to_erase` is True exactly
    when `blocking` is empty."""

    label: str
    role: str
    clear_to_erase: bool
    level: Level
    blocking: tuple[Blocker, ...]
    warnings: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Rolls

# Per-file facts for the cards level, in pipeline order: a file is reported for its first
# unproven fact only. (field, phrase when None, phrase when False or anything else)
_CARD_FACTS: tuple[tuple[str, str, str], ...] = (
    ("verified", "not yet verified against the MHL", "failed verification against the MHL hash"),
    (
        "stored_proven",
        "not yet uploaded and proven in storage",
        "stored with a checksum that does not match (upload not proven)",
    ),
    (
        "source_unchanged",
        "not re-checked on disk since verification",
        "changed on disk since verification (size, mtime or inode differ)",
    ),
    (
        "object_present",
        "not re-checked in storage",
        "missing from storage or changed there since the upload",
    ),
)
_ARCHIVE_FACT = ("archived", "archival copy not yet verified", "archival copy failed verification")

_ARCHIVE_REFUSALS: dict[str, str] = {
    "none": "no archive tier is configured, so RAIDs holding it are never cleared",
    "pending": "archival copy not yet made and verified",
    "failed": "archival copy failed verification",
    "unknown": "archive status unknown",
}


def judge_roll(evidence: RollEvidence, policy: Policy = DEFAULT_POLICY) -> RollVerdict:
    """CARDS_CLEAR and RAID_CLEAR for one roll, with the reasons for each "no"."""
    rid = evidence.roll_id
    reasons: list[str] = []
    raid_reasons: list[str] = []
    warnings: list[str] = []

    reasons.extend(_state_reasons(rid, evidence.state))
    reasons.extend(f"{rid}: problem recorded: {problem}" for problem in evidence.problems)
    if evidence.manifest_written is not True:
        reasons.append(f"{rid}: the roll's manifest has not been written to storage")

    listed = [f for f in evidence.files if _counts_as_listed(f.path, f.listed_in_mhl, f.hidden)]
    if not listed:
        reasons.append(
            f"{rid}: no files listed in its MHL; a roll with nothing proven is never clear"
        )
    reasons.extend(_duplicate_reasons(rid, [f.path for f in listed], "the roll's evidence"))

    card_failures: dict[str, list[str]] = {}
    archive_failures: dict[str, list[str]] = {}
    archive_strict = policy.archive_required_for_raid is not False
    for f in listed:
        phrase = _first_unproven(f, _CARD_FACTS)
        if phrase is not None:
            card_failures.setdefault(phrase, []).append(f.path)
            continue
        if archive_strict or f.archived is not None:  # lenient policy: only a failure refuses
            phrase = _first_unproven(f, (_ARCHIVE_FACT,))
            if phrase is not None:
                archive_failures.setdefault(phrase, []).append(f.path)
    reasons.extend(_grouped(rid, card_failures))

    archive = evidence.archive
    if archive_strict:
        if archive != "archived":
            raid_reasons.append(f"{rid}: {_archive_refusal(archive)}")
        else:
            raid_reasons.extend(_grouped(rid, archive_failures))
    else:
        if archive not in ("archived", "pending"):
            raid_reasons.append(f"{rid}: {_archive_refusal(archive)}")
        raid_reasons.extend(_grouped(rid, archive_failures))

    extras = sorted(
        f.path
        for f in evidence.files
        if f.listed_in_mhl is False and not _is_hidden(f.path, f.hidden)
    )
    if extras:
        warnings.append(
            _files_reason(rid, extras, "not in the MHL, so not covered by this clearance")
        )
    if evidence.onset_copies < policy.min_onset_copies:
        warnings.append(
            f"{rid}: only {evidence.onset_copies} on-set "
            f"{'copy' if evidence.onset_copies == 1 else 'copies'}; "
            f"the production's rule is {policy.min_onset_copies}"
        )

    cards_clear = not reasons
    raid_clear = cards_clear and not raid_reasons
    if raid_clear and not archive_strict and not _archive_proven(evidence, listed):
        warnings.append(
            f"{rid}: RAID clearance given without a verified archival copy "
            "(archive_required_for_raid is off)"
        )
    return RollVerdict(
        roll_id=rid,
        cards_clear=cards_clear,
        raid_clear=raid_clear,
        reasons=tuple(reasons),
        raid_reasons=tuple(raid_reasons),
        warnings=tuple(warnings),
    )


def _state_reasons(rid: str, state: str) -> list[str]:
    if state in CLEARABLE_ROLL_STATES:
        return []
    if state in FAILED_ROLL_STATES:
        return [f"{rid}: roll is in failure state {state.upper()}; a failed roll is never cleared"]
    if state in {s.value for s in RollState}:
        return [f"{rid}: not yet uploaded and proven (state: {state})"]
    return [f"{rid}: unknown roll state {state!r}; it is not cleared"]


def _archive_refusal(archive: str) -> str:
    return _ARCHIVE_REFUSALS.get(archive, f"archive status {archive!r} is not understood")


def _archive_proven(evidence: RollEvidence, listed: Sequence[FileEvidence]) -> bool:
    return evidence.archive == "archived" and all(f.archived is True for f in listed)


def _first_unproven(f: object, facts: Iterable[tuple[str, str, str]]) -> str | None:
    for field_name, when_unknown, when_failed in facts:
        value = getattr(f, field_name)
        if value is not True:
            return when_unknown if value is None else when_failed
    return None


# --------------------------------------------------------------------------------------------
# Drives


def judge_drive(evidence: DriveEvidence, policy: Policy = DEFAULT_POLICY) -> DriveVerdict:
    """May this drive be erased? A rotation drive needs every roll on it CARDS_CLEAR, a RAID
    every roll RAID_CLEAR; both need the copies on the drive itself verified and unchanged and
    nothing else on the drive unaccounted for."""
    label = evidence.label
    role = evidence.role
    blocking: list[Blocker] = []
    warnings: list[str] = []

    def block(roll_id: str | None, reason: str) -> None:
        blocking.append(Blocker(roll_id, reason))

    if role not in ("raid", "rotation"):
        block(None, f"{label}: unknown drive role {role!r}; only RAIDs and rotation drives clear")
    if evidence.mounted is not True:
        block(None, f"{label}: not mounted, so its contents cannot be re-checked")
    if evidence.fully_scanned is not True:
        block(None, f"{label}: not fully scanned since it was mounted")
    for problem in evidence.problems:
        block(None, f"{label}: {problem}")
    for item in evidence.unaccounted:
        if _is_hidden(item, hidden=True) or _in_reports(item):
            continue
        if item.endswith("/"):
            block(None, f"{label}: unknown folder {item.rstrip('/')!r} is not in any roll")
        else:
            block(None, f"{label}: unknown file {item!r} is not in any roll")
    if not evidence.rolls:
        block(
            None,
            f"{label}: nothing on it has been proven (no rolls found); "
            "an empty drive is not vouched for",
        )

    extras_block = policy.extras_block_drive is not False
    for on_drive in evidence.rolls:
        roll = on_drive.roll
        rid = roll.roll_id
        verdict = judge_roll(roll, policy)
        for reason in verdict.reasons:
            block(rid, reason)
        if role != "rotation":  # a RAID, or an unknown role, needs the RAID level
            for reason in verdict.raid_reasons:
                block(rid, reason)
        warnings.extend(verdict.warnings)

        for reason in _copy_reasons(label, on_drive):
            block(rid, reason)

        extras = _extras_on_drive(on_drive)
        if extras:
            if extras_block:
                block(
                    rid,
                    _files_reason(
                        rid,
                        extras,
                        f"on {label} is not in the MHL and was never backed up",
                        f"on {label} are not in the MHL and were never backed up",
                    ),
                )
            else:
                warnings.append(
                    _files_reason(
                        rid,
                        extras,
                        f"on {label} is not in the MHL and dies with the drive "
                        "(extras_block_drive is off)",
                        f"on {label} are not in the MHL and die with the drive "
                        "(extras_block_drive is off)",
                    )
                )

    clear = not blocking
    level: Level = "none"
    if clear:
        level = "raid" if role == "raid" else "cards"
    return DriveVerdict(
        label=label,
        role=role,
        clear_to_erase=clear,
        level=level,
        blocking=tuple(blocking),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _copy_reasons(label: str, on_drive: RollOnDrive) -> list[str]:
    """Is the roll's copy on this drive itself verified and unchanged, file for file?"""
    rid = on_drive.roll.roll_id
    state = on_drive.copy_state
    reasons: list[str] = []
    if state != CopyState.VERIFIED.value:
        if state in FAILED_COPY_STATES:
            reasons.append(f"{rid}: the copy on {label} failed ({state}); it is never cleared")
        elif state == CopyState.GONE.value:
            reasons.append(f"{rid}: the copy on {label} disappeared while the drive was mounted")
        elif state in {s.value for s in CopyState}:
            reasons.append(f"{rid}: the copy on {label} is not yet verified (state: {state})")
        else:
            reasons.append(f"{rid}: the copy on {label} has unknown state {state!r}")

    roll_listed = {
        name_key(f.path)
        for f in on_drive.roll.files
        if _counts_as_listed(f.path, f.listed_in_mhl, f.hidden)
    }
    copy_listed = [
        f for f in on_drive.copy_files if _counts_as_listed(f.path, f.listed_in_mhl, f.hidden)
    ]
    reasons.extend(
        _duplicate_reasons(rid, [f.path for f in copy_listed], f"the evidence for {label}")
    )
    failures: dict[str, list[str]] = {}
    facts = (
        ("verified", f"not yet verified on {label}", f"failed verification on {label}"),
        (
            "unchanged",
            f"not re-checked on {label} since verification",
            f"changed on {label} since verification (size, mtime or inode differ)",
        ),
    )
    seen: set[str] = set()
    for f in copy_listed:
        key = name_key(f.path)
        seen.add(key)
        if key not in roll_listed:
            failures.setdefault(
                f"listed in the copy on {label} but not in the roll's MHL evidence", []
            ).append(f.path)
            continue
        phrase = _first_unproven(f, facts)
        if phrase is not None:
            failures.setdefault(phrase, []).append(f.path)
    missing = sorted(
        f.path
        for f in on_drive.roll.files
        if _counts_as_listed(f.path, f.listed_in_mhl, f.hidden) and name_key(f.path) not in seen
    )
    if missing:
        failures[f"without a verification record on {label}"] = missing
    reasons.extend(_grouped(rid, failures))
    return reasons


def _extras_on_drive(on_drive: RollOnDrive) -> list[str]:
    paths = [p for p in on_drive.extras if not _is_hidden(p, hidden=True)]
    paths.extend(
        f.path
        for f in on_drive.copy_files
        if f.listed_in_mhl is False and not _is_hidden(f.path, f.hidden)
    )
    return sorted(dict.fromkeys(paths))


# --------------------------------------------------------------------------------------------
# Shared helpers


def _is_hidden(path: str, hidden: object) -> bool:
    """Hidden only when the evidence says so AND the shared rule agrees (fail closed)."""
    return hidden is True and is_hidden_path(path.rstrip("/"))


def _counts_as_listed(path: str, listed_in_mhl: object, hidden: object) -> bool:
    """A file that must be proven: listed (anything but a literal False) and not hidden."""
    return listed_in_mhl is not False and not _is_hidden(path, hidden)


def _in_reports(path: str) -> bool:
    return REPORTS_FOLDER in path.rstrip("/").split("/")


def _duplicate_reasons(rid: str, paths: Iterable[str], where: str) -> list[str]:
    counts: dict[str, int] = {}
    first_spelling: dict[str, str] = {}
    for path in paths:
        key = name_key(path)
        counts[key] = counts.get(key, 0) + 1
        first_spelling.setdefault(key, path)
    twice = sorted(first_spelling[k] for k, n in counts.items() if n > 1)
    if not twice:
        return []
    return [_files_reason(rid, twice, f"listed more than once in {where} (contradictory)")]


def _grouped(rid: str, failures: dict[str, list[str]]) -> list[str]:
    return [_files_reason(rid, sorted(paths), phrase) for phrase, paths in failures.items()]


def _files_reason(rid: str, paths: Sequence[str], phrase: str, plural: str | None = None) -> str:
    """`A001R1AB: Clips/C003.mov not yet uploaded …`, or a count and the first few names."""
    if len(paths) == 1:
        return f"{rid}: {paths[0]} {phrase}"
    shown = ", ".join(paths[:NAMES_PER_REASON])
    more = len(paths) - NAMES_PER_REASON
    tail = f" and {more} more" if more > 0 else ""
    return f"{rid}: {len(paths)} files {plural or phrase}: {shown}{tail}"
