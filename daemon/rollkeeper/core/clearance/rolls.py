"""CARDS_CLEAR and RAID_CLEAR for one roll (FORMATS.md §6), as a sequence of named checks.

Each check returns the reasons it refuses for; the roll is clear at a level exactly when no
check at that level refused. Files the MHL does not list never block the roll itself, only the
drive they sit on (FORMATS.md §3).
"""

from __future__ import annotations

from collections.abc import Sequence

from rollkeeper.core.clearance.evidence import (
    CLEARABLE_ROLL_STATES,
    DEFAULT_POLICY,
    FileEvidence,
    Policy,
    RollEvidence,
)
from rollkeeper.core.clearance.reasons import (
    Fact,
    counts_as_listed,
    duplicate_reasons,
    files_reason,
    first_unproven,
    grouped,
    is_hidden,
)
from rollkeeper.core.clearance.verdicts import RollVerdict
from rollkeeper.core.lifecycle import FAILED_ROLL_STATES, RollState

# Per-file facts for the cards level, in pipeline order: a file is reported for its first
# unproven fact only.
CARD_FACTS: tuple[Fact, ...] = (
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
ARCHIVE_FACT: Fact = (
    "archived",
    "archival copy not yet verified",
    "archival copy failed verification",
)

_ARCHIVE_REFUSALS: dict[str, str] = {
    "none": "no archive tier is configured, so RAIDs holding it are never cleared",
    "pending": "archival copy not yet made and verified",
    "failed": "archival copy failed verification",
    "unknown": "archive status unknown",
}


def judge_roll(evidence: RollEvidence, policy: Policy = DEFAULT_POLICY) -> RollVerdict:
    """CARDS_CLEAR and RAID_CLEAR for one roll, with the reasons for each "no"."""
    rid = evidence.roll_id
    listed = listed_files(evidence)
    reasons = [
        *state_reasons(rid, evidence.state),
        *problem_reasons(evidence),
        *storage_reasons(evidence),
        *manifest_reasons(evidence),
        *listing_reasons(rid, listed, evidence.state),
        *card_fact_reasons(rid, listed, _card_facts(evidence)),
    ]
    raid_reasons = archive_reasons(evidence, listed, policy)
    warnings = [*extras_warnings(evidence), *onset_copy_warnings(evidence, policy)]
    cards_clear = not reasons
    raid_clear = cards_clear and not raid_reasons
    if raid_clear:
        warnings.extend(lenient_raid_warnings(evidence, listed, policy))
    return RollVerdict(
        roll_id=rid,
        cards_clear=cards_clear,
        raid_clear=raid_clear,
        reasons=tuple(reasons),
        raid_reasons=tuple(raid_reasons),
        warnings=tuple(warnings),
    )


def listed_files(evidence: RollEvidence) -> list[FileEvidence]:
    """The files that must be proven: listed in the MHL and not hidden."""
    return [f for f in evidence.files if counts_as_listed(f.path, f.listed_in_mhl, f.hidden)]


def state_reasons(rid: str, state: str) -> list[str]:
    """Only an uploaded or archived roll may clear; a failed or unknown state never does."""
    if state in CLEARABLE_ROLL_STATES:
        return []
    if state in FAILED_ROLL_STATES:
        return [f"{rid}: roll is in failure state {state.upper()}; a failed roll is never cleared"]
    if state in {s.value for s in RollState}:
        return [f"{rid}: not yet uploaded and proven (state: {state})"]
    return [f"{rid}: unknown roll state {state!r}; it is not cleared"]


def problem_reasons(evidence: RollEvidence) -> list[str]:
    """Any problem recorded against the roll blocks it."""
    return [f"{evidence.roll_id}: problem recorded: {problem}" for problem in evidence.problems]


def _card_facts(evidence: RollEvidence) -> tuple[Fact, ...]:
    """While storage cannot be checked, that one reason stands for every object."""
    return CARD_FACTS if evidence.storage_problem is None else CARD_FACTS[:-1]


def storage_reasons(evidence: RollEvidence) -> list[str]:
    """Stored objects that cannot be checked (denied, bucket gone, timed out, target folder
    not there) prove nothing: keep the cards."""
    if evidence.storage_problem is None:
        return []
    return [f"{evidence.roll_id}: keep — storage cannot be checked: {evidence.storage_problem}"]


def manifest_reasons(evidence: RollEvidence) -> list[str]:
    """The roll's manifest must be written to storage."""
    if evidence.manifest_written is True:
        return []
    return [f"{evidence.roll_id}: the roll's manifest has not been written to storage"]


def listing_reasons(rid: str, listed: Sequence[FileEvidence], state: str) -> list[str]:
    """A roll with nothing listed is never clear, nor one whose evidence lists a file twice.

    A roll not yet uploaded has no file evidence yet: its state already says why it is not
    clear, and "no files listed" would wrongly blame its MHL."""
    reasons: list[str] = []
    if not listed and state in CLEARABLE_ROLL_STATES:
        reasons.append(
            f"{rid}: no files listed in its MHL; a roll with nothing proven is never clear"
        )
    reasons.extend(duplicate_reasons(rid, [f.path for f in listed], "the roll's evidence"))
    return reasons


def card_fact_reasons(
    rid: str, listed: Sequence[FileEvidence], facts: tuple[Fact, ...] = CARD_FACTS
) -> list[str]:
    """Every listed file verified, stored and proven, unchanged at source and present in
    storage (the last left to `storage_reasons` while storage cannot be checked)."""
    failures: dict[str, list[str]] = {}
    for f in listed:
        phrase = first_unproven(f, facts)
        if phrase is not None:
            failures.setdefault(phrase, []).append(f.path)
    return grouped(rid, failures)


def archive_reasons(
    evidence: RollEvidence, listed: Sequence[FileEvidence], policy: Policy
) -> list[str]:
    """What keeps the roll from RAID_CLEAR: the roll's archive status and each file's copy.

    Strict (the default): the roll must be archived and every file's archival copy verified.
    Lenient: a pending archive passes and only a file's recorded failure refuses, but no archive
    tier, an unknown status or a failed archive still refuse.
    """
    rid = evidence.roll_id
    archive = evidence.archive
    strict = policy.archive_required_for_raid is not False
    failures = grouped(rid, _archive_failures(listed, strict=strict))
    if strict:
        return [f"{rid}: {_archive_refusal(archive)}"] if archive != "archived" else failures
    refusal = [] if archive in ("archived", "pending") else [f"{rid}: {_archive_refusal(archive)}"]
    return [*refusal, *failures]


def _archive_failures(listed: Sequence[FileEvidence], *, strict: bool) -> dict[str, list[str]]:
    """Files proven at the cards level whose archival copy is not proven (lenient: failed)."""
    failures: dict[str, list[str]] = {}
    for f in listed:
        if first_unproven(f, CARD_FACTS) is not None:
            continue
        if strict or f.archived is not None:  # lenient policy: only a failure refuses
            phrase = first_unproven(f, (ARCHIVE_FACT,))
            if phrase is not None:
                failures.setdefault(phrase, []).append(f.path)
    return failures


def _archive_refusal(archive: str) -> str:
    return _ARCHIVE_REFUSALS.get(archive, f"archive status {archive!r} is not understood")


def extras_warnings(evidence: RollEvidence) -> list[str]:
    """Files on disk the MHL does not list are not covered by the clearance: a warning."""
    rid = evidence.roll_id
    extras = sorted(
        f.path
        for f in evidence.files
        if f.listed_in_mhl is False and not is_hidden(f.path, f.hidden)
    )
    if not extras:
        return []
    return [files_reason(rid, extras, "not in the MHL, so not covered by this clearance")]


def onset_copy_warnings(evidence: RollEvidence, policy: Policy) -> list[str]:
    """Fewer on-set copies than the production's rule is a warning, never a block."""
    copies = evidence.onset_copies
    if copies >= policy.min_onset_copies:
        return []
    return [
        f"{evidence.roll_id}: only {copies} on-set "
        f"{'copy' if copies == 1 else 'copies'}; "
        f"the production's rule is {policy.min_onset_copies}"
    ]


def lenient_raid_warnings(
    evidence: RollEvidence, listed: Sequence[FileEvidence], policy: Policy
) -> list[str]:
    """A RAID clearance given under the lenient policy without a verified archive says so."""
    if policy.archive_required_for_raid is not False:
        return []
    if evidence.archive == "archived" and all(f.archived is True for f in listed):
        return []
    return [
        f"{evidence.roll_id}: RAID clearance given without a verified archival copy "
        "(archive_required_for_raid is off)"
    ]
