"""What happened, built in one call: one constructor per situation, each an `Event`.

The ledger and the runtime say what happened with these (`happened.copy_back(roll_id, volume_id,
folder=...)`); each sets the kind, the severity its facts call for and the facts in their
documented shape (`rollkeeper.core.event_facts`). A list of files or problems is kept to its first
`LISTED` entries, except verification problems, which the ledger has always kept whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rollkeeper.core.clearance import DriveVerdict
from rollkeeper.core.event_facts import (
    ClearanceFacts,
    CopyFailedFacts,
    InterruptedFacts,
    RollStateFacts,
    UploadDoneFacts,
    UploadFailedFacts,
)
from rollkeeper.core.events import (
    DEFAULT_SEVERITY,
    FACTS,
    RECORDED_TEXT,
    Event,
    EventKind,
    Severity,
)
from rollkeeper.core.lifecycle import CopyState, RollState, UploadStage

#: A fact that lists files, problems or reasons keeps at most this many.
LISTED = 20


def _event(
    kind: EventKind,
    facts: Mapping[str, Any],
    *,
    roll_id: str | None = None,
    volume_id: int | None = None,
    severity: Severity | None = None,
) -> Event:
    loudness = DEFAULT_SEVERITY[kind] if severity is None else severity
    return Event(kind, loudness, roll_id=roll_id, volume_id=volume_id, facts=facts)


def _loud_if(proven: bool) -> Severity:
    """A proof that no longer holds is an alarm; anything else that changed, a warning."""
    return Severity.ALARM if proven else Severity.WARNING


def _has_the_facts_of(kind: EventKind, facts: Mapping[str, Any]) -> bool:
    shape: Any = FACTS[kind]  # a TypedDict class: its keys are known at run time
    return bool(shape.__required_keys__ <= facts.keys())


def recorded(
    kind: EventKind,
    severity: Severity,
    *,
    roll_id: str | None,
    volume_id: int | None,
    text: str,
    facts: Mapping[str, Any],
) -> Event:
    """An event read back from the ledger: its sentence, when one was recorded, is kept as the
    fact `RECORDED_TEXT` and worded as it was written (older versions recorded only prose). A
    row without the facts its kind needs was written as prose too, even if that prose is empty."""
    as_written = bool(text) or not _has_the_facts_of(kind, facts)
    kept = {**facts, RECORDED_TEXT: text} if as_written else dict(facts)
    return Event(kind, severity, roll_id=roll_id, volume_id=volume_id, facts=kept)


# --- drives ---------------------------------------------------------------------------------


def volume_mounted(volume_id: int, *, label: str, role: str, mount_path: str) -> Event:
    facts = {"label": label, "role": role, "mount_path": mount_path}
    return _event(EventKind.VOLUME_MOUNTED, facts, volume_id=volume_id)


def volume_namesake(volume_id: int, *, label: str, role: str, mount_path: str) -> Event:
    """A new drive whose label a different, known drive already carries."""
    facts = {"label": label, "role": role, "mount_path": mount_path}
    return _event(EventKind.VOLUME_NAMESAKE, facts, volume_id=volume_id)


def volume_unmounted(volume_id: int, *, label: str) -> Event:
    return _event(EventKind.VOLUME_UNMOUNTED, {"label": label}, volume_id=volume_id)


def layout_problem(volume_id: int, problem: str) -> Event:
    return _event(EventKind.LAYOUT_PROBLEM, {"problem": problem}, volume_id=volume_id)


def watch_failed(volume_id: int, problem: str) -> Event:
    return _event(EventKind.WATCH_FAILED, {"problem": problem}, volume_id=volume_id)


# --- rolls and their copies -----------------------------------------------------------------


def roll_state(roll_id: str, *, before: str, after: RollState, copies_disagree: bool) -> Event:
    """A roll's state changed; an alarm when its copies hold different MHL content."""
    facts: RollStateFacts = {"from": before, "to": after.value, "copies_disagree": copies_disagree}
    conflict = after is RollState.CONFLICT and copies_disagree
    severity = Severity.ALARM if conflict else Severity.INFO
    return _event(EventKind.ROLL_STATE, facts, roll_id=roll_id, severity=severity)


def copy_discovered(roll_id: str, volume_id: int, *, folder: str) -> Event:
    facts = {"folder": folder}
    return _event(EventKind.COPY_DISCOVERED, facts, roll_id=roll_id, volume_id=volume_id)


def copy_back(roll_id: str, volume_id: int, *, folder: str) -> Event:
    """A copy that was gone is back on its volume."""
    facts = {"folder": folder}
    return _event(EventKind.COPY_BACK, facts, roll_id=roll_id, volume_id=volume_id)


def mhl_changed(roll_id: str, volume_id: int, *, folder: str, proven: bool) -> Event:
    """A copy's MHL content (or folder) changed since it was last seen."""
    return _event(
        EventKind.COPY_MHL_CHANGED,
        {"folder": folder, "proven": proven},
        roll_id=roll_id,
        volume_id=volume_id,
        severity=_loud_if(proven),
    )


def mhl_reads_again(roll_id: str, volume_id: int) -> Event:
    """A copy whose MHL could not be read has one that reads: it settles again."""
    facts = {"state": CopyState.SETTLING.value}
    return _event(EventKind.COPY_STATE, facts, roll_id=roll_id, volume_id=volume_id)


def verification_started(
    roll_id: str, volume_id: int, *, label: str, retry: bool, uploading: bool
) -> Event:
    """A copy is submitted: ready (or, with `retry`, due for another upload attempt)."""
    facts = {
        "state": CopyState.VERIFYING.value,
        "label": label,
        "retry": retry,
        "uploading": uploading,
    }
    return _event(EventKind.COPY_STATE, facts, roll_id=roll_id, volume_id=volume_id)


def copy_verified(
    roll_id: str, volume_id: int, *, label: str, files: int, problems: Sequence[str]
) -> Event:
    """A copy proven against its MHL; `problems` lists what is noted but no failure."""
    facts = {
        "state": CopyState.VERIFIED.value,
        "label": label,
        "files": files,
        "problems": list(problems),
    }
    return _event(EventKind.COPY_VERIFIED, facts, roll_id=roll_id, volume_id=volume_id)


def verification_failed(
    roll_id: str, volume_id: int, *, state: CopyState, label: str, problems: Sequence[str]
) -> Event:
    """Verification's verdict on a copy that failed (mismatch, incomplete, invalid MHL)."""
    facts: CopyFailedFacts = {
        "state": state.value,
        "label": label,
        "found_while": "verifying",
        "problems": list(problems),
    }
    return _event(EventKind.COPY_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


def mhl_unreadable(roll_id: str, volume_id: int, *, label: str, error: str) -> Event:
    """A scan found a copy whose MHL cannot be read or trusted."""
    facts: CopyFailedFacts = {
        "state": CopyState.INVALID_MHL.value,
        "label": label,
        "found_while": "reading_mhl",
        "error": error,
    }
    return _event(EventKind.COPY_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


def quiet_but_incomplete(
    roll_id: str, volume_id: int, *, label: str, waiting_for: Sequence[str]
) -> Event:
    """A copy quiet for long, yet still short of listed files."""
    facts: CopyFailedFacts = {
        "state": CopyState.INCOMPLETE.value,
        "label": label,
        "found_while": "settling",
        "waiting_for": list(waiting_for[:LISTED]),
        "waiting_count": len(waiting_for),
    }
    return _event(EventKind.COPY_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


def link_leaves_roll(roll_id: str, volume_id: int, *, label: str, links: Sequence[str]) -> Event:
    """A copy refused at once: listed files are symbolic links leading out of the roll."""
    facts: CopyFailedFacts = {
        "state": CopyState.INCOMPLETE.value,
        "label": label,
        "found_while": "listing",
        "links": list(links[:LISTED]),
    }
    return _event(EventKind.COPY_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


def copy_stale(
    roll_id: str, volume_id: int, *, label: str, proven: bool, changes: Sequence[str]
) -> Event:
    """A checked copy whose files changed since: it settles and is verified again."""
    return _event(
        EventKind.COPY_STALE,
        {
            "state": CopyState.SETTLING.value,
            "label": label,
            "proven": proven,
            "changes": list(changes[:LISTED]),
        },
        roll_id=roll_id,
        volume_id=volume_id,
        severity=_loud_if(proven),
    )


def copy_gone(roll_id: str, volume_id: int, *, label: str, folder: str, proven: bool) -> Event:
    """A copy's MHL or folder disappeared from its (still mounted) volume."""
    return _event(
        EventKind.COPY_GONE,
        {"state": CopyState.GONE.value, "label": label, "folder": folder, "proven": proven},
        roll_id=roll_id,
        volume_id=volume_id,
        severity=_loud_if(proven),
    )


def interrupted_by_stop(roll_id: str, volume_id: int, *, label: str | None = None) -> Event:
    """At start-up: a verification the last stop cut short (on the drive `label`) starts again."""
    facts: InterruptedFacts = {"stopped": True}
    if label is not None:
        facts["label"] = label
    return _event(EventKind.VERIFY_INTERRUPTED, facts, roll_id=roll_id, volume_id=volume_id)


def verification_interrupted(
    roll_id: str, volume_id: int, *, label: str, error: str | None
) -> Event:
    """A verification whose volume went away (or whose reading failed, `error`)."""
    facts: InterruptedFacts = {"stopped": False, "state": CopyState.SETTLING.value, "label": label}
    if error:
        facts["error"] = error
    return _event(EventKind.VERIFY_INTERRUPTED, facts, roll_id=roll_id, volume_id=volume_id)


def verification_discarded(roll_id: str, volume_id: int, *, now: CopyState) -> Event:
    """A verification finished after its copy changed: its result is not kept."""
    facts = {"state": now.value}
    return _event(EventKind.VERIFY_DISCARDED, facts, roll_id=roll_id, volume_id=volume_id)


def internal_error(
    roll_id: str, volume_id: int, *, error: BaseException, retry_seconds: float
) -> Event:
    """A bug while processing a roll: the copy settles and is tried again later."""
    facts = {
        "state": CopyState.SETTLING.value,
        "error_type": type(error).__name__,
        "error": str(error),
        "retry_seconds": retry_seconds,
    }
    return _event(EventKind.INTERNAL_ERROR, facts, roll_id=roll_id, volume_id=volume_id)


# --- primary storage ------------------------------------------------------------------------


def target_unusable(problem: str) -> Event:
    return _event(EventKind.TARGET_UNUSABLE, {"problem": problem})


def upload_started(roll_id: str, volume_id: int, *, target: str, bytes_total: int) -> Event:
    facts = {"target": target, "bytes_total": bytes_total}
    return _event(EventKind.UPLOAD_STARTED, facts, roll_id=roll_id, volume_id=volume_id)


def upload_done(
    roll_id: str,
    volume_id: int,
    *,
    label: str,
    files: int,
    manifest: str | None,
    problems: Sequence[str],
) -> Event:
    """A roll uploaded from the drive `label`: `files` stored and proven."""
    facts: UploadDoneFacts = {
        "stage": UploadStage.UPLOADED.value,
        "manifest": manifest,
        "problems": list(problems[:LISTED]),
        "label": label,
        "files": files,
    }
    return _event(EventKind.UPLOAD_DONE, facts, roll_id=roll_id, volume_id=volume_id)


def upload_failed(
    roll_id: str,
    volume_id: int,
    *,
    stage: UploadStage,
    label: str,
    manifest: str | None,
    problems: Sequence[str],
    upload_problems: Sequence[str],
) -> Event:
    """A roll's upload pass ended short of `uploaded`; `problems` are every problem of the
    pass (verification's, the target's and the upload's), `upload_problems` the upload's."""
    facts: UploadFailedFacts = {
        "stage": stage.value,
        "manifest": manifest,
        "problems": list(problems[:LISTED]),
        "label": label,
        "upload_problems": list(upload_problems[:LISTED]),
    }
    return _event(EventKind.UPLOAD_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


def upload_abandoned(key: str) -> Event:
    """An unfinished multipart upload nobody will resume was aborted."""
    return _event(EventKind.UPLOAD_ABANDONED, {"key": key})


def objects_missing(roll_id: str, *, paths: Sequence[str], drive: str) -> Event:
    """Re-checking `drive` found stored objects gone or changed: the roll is uploaded again."""
    facts = {"paths": list(paths[:LISTED]), "missing_count": len(paths), "drive": drive}
    return _event(EventKind.OBJECT_MISSING, facts, roll_id=roll_id)


# --- the archival copy ----------------------------------------------------------------------


def archive_unusable(problem: str, *, provider: str) -> Event:
    """An alarm when an archive is configured; with provider `none` it is how things are, but a
    warning still (the log says it as one): RAIDs are never cleared."""
    severity = Severity.WARNING if provider == "none" else Severity.ALARM
    facts = {"problem": problem, "provider": provider}
    return _event(EventKind.ARCHIVE_UNUSABLE, facts, severity=severity)


def archived(roll_id: str, *, provider: str) -> Event:
    return _event(EventKind.ARCHIVE_DONE, {"provider": provider}, roll_id=roll_id)


def archive_failed(roll_id: str, *, provider: str, reasons: Sequence[str]) -> Event:
    facts = {"provider": provider, "reasons": list(reasons[:LISTED])}
    return _event(EventKind.ARCHIVE_FAILED, facts, roll_id=roll_id)


def archive_overdue(roll_id: str, *, provider: str, reasons: Sequence[str], state: str) -> Event:
    facts = {"provider": provider, "reasons": list(reasons[:LISTED]), "state": state}
    return _event(EventKind.ARCHIVE_OVERDUE, facts, roll_id=roll_id)


# --- erase clearance ------------------------------------------------------------------------


def verdict_facts(verdict: DriveVerdict) -> ClearanceFacts:
    """A drive verdict as the facts its sentence needs."""
    return {
        "label": verdict.label,
        "role": verdict.role,
        "level": verdict.level,
        "clear": verdict.clear_to_erase,
        "reasons": [b.reason for b in verdict.blocking[:LISTED]],
        "reasons_total": len(verdict.blocking),
    }


def clearance(volume_id: int, verdict: DriveVerdict) -> Event:
    """A drive's clearance granted, or, when the verdict is not clear, one granted before no
    longer holding (only a changed answer is told: the caller decides that)."""
    kind = EventKind.CLEARANCE_GRANTED if verdict.clear_to_erase else EventKind.CLEARANCE_REVOKED
    return _event(kind, verdict_facts(verdict), volume_id=volume_id)
