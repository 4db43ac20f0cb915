"""Events about rolls and their copies on the drives: found, settling, verified, failed, gone."""

from __future__ import annotations

from collections.abc import Sequence

from rollkeeper.core.event_facts import (
    CopyDiffersFacts,
    CopyErasedFacts,
    CopyFailedFacts,
    CopyGoneFacts,
    InterruptedFacts,
    RollStateFacts,
)
from rollkeeper.core.events import Event, EventKind, Severity
from rollkeeper.core.happened.making import LISTED, loud_if, make
from rollkeeper.core.lifecycle import CopyState, RollState


def roll_state(roll_id: str, *, before: str, after: RollState, copies_disagree: bool) -> Event:
    """A roll's state changed; an alarm when its copies hold different MHL content."""
    facts: RollStateFacts = {"from": before, "to": after.value, "copies_disagree": copies_disagree}
    conflict = after is RollState.CONFLICT and copies_disagree
    severity = Severity.ALARM if conflict else Severity.INFO
    return make(EventKind.ROLL_STATE, facts, roll_id=roll_id, severity=severity)


def copy_discovered(roll_id: str, volume_id: int, *, folder: str) -> Event:
    facts = {"folder": folder}
    return make(EventKind.COPY_DISCOVERED, facts, roll_id=roll_id, volume_id=volume_id)


def copy_back(roll_id: str, volume_id: int, *, folder: str) -> Event:
    """A copy that was gone is back on its volume."""
    facts = {"folder": folder}
    return make(EventKind.COPY_BACK, facts, roll_id=roll_id, volume_id=volume_id)


def mhl_changed(roll_id: str, volume_id: int, *, folder: str, proven: bool) -> Event:
    """A copy's MHL content (or folder) changed since it was last seen."""
    return make(
        EventKind.COPY_MHL_CHANGED,
        {"folder": folder, "proven": proven},
        roll_id=roll_id,
        volume_id=volume_id,
        severity=loud_if(proven),
    )


def mhl_reads_again(roll_id: str, volume_id: int) -> Event:
    """A copy whose MHL could not be read has one that reads: it settles again."""
    facts = {"state": CopyState.SETTLING.value}
    return make(EventKind.COPY_STATE, facts, roll_id=roll_id, volume_id=volume_id)


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
    return make(EventKind.COPY_STATE, facts, roll_id=roll_id, volume_id=volume_id)


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
    return make(EventKind.COPY_VERIFIED, facts, roll_id=roll_id, volume_id=volume_id)


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
    return make(EventKind.COPY_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


def mhl_unreadable(roll_id: str, volume_id: int, *, label: str, error: str) -> Event:
    """A scan found a copy whose MHL cannot be read or trusted."""
    facts: CopyFailedFacts = {
        "state": CopyState.INVALID_MHL.value,
        "label": label,
        "found_while": "reading_mhl",
        "error": error,
    }
    return make(EventKind.COPY_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


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
    return make(EventKind.COPY_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


def link_leaves_roll(roll_id: str, volume_id: int, *, label: str, links: Sequence[str]) -> Event:
    """A copy refused at once: listed files are symbolic links leading out of the roll."""
    facts: CopyFailedFacts = {
        "state": CopyState.INCOMPLETE.value,
        "label": label,
        "found_while": "listing",
        "links": list(links[:LISTED]),
    }
    return make(EventKind.COPY_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


def copy_stale(
    roll_id: str, volume_id: int, *, label: str, proven: bool, changes: Sequence[str]
) -> Event:
    """A checked copy whose files changed since: it settles and is verified again."""
    return make(
        EventKind.COPY_STALE,
        {
            "state": CopyState.SETTLING.value,
            "label": label,
            "proven": proven,
            "changes": list(changes[:LISTED]),
        },
        roll_id=roll_id,
        volume_id=volume_id,
        severity=loud_if(proven),
    )


def copy_gone(roll_id: str, volume_id: int, *, label: str, folder: str, proven: bool) -> Event:
    """A copy's MHL or folder disappeared from its (still mounted) volume, which was never
    cleared for it: a roll lost from a drive is always an alarm (a cleared copy that goes is
    `copy_erased`)."""
    return make(
        EventKind.COPY_GONE,
        {"state": CopyState.GONE.value, "label": label, "folder": folder, "proven": proven},
        roll_id=roll_id,
        volume_id=volume_id,
    )


def copy_renamed(
    roll_id: str, volume_id: int, *, label: str, folder: str, renamed_to: str
) -> Event:
    """A copy's folder left its roll but its very content is on the same volume as the roll
    `renamed_to` (the DIT renamed the folder, e.g. to resolve a conflict): news, no loss."""
    facts: CopyGoneFacts = {
        "state": CopyState.GONE.value,
        "label": label,
        "folder": folder,
        "proven": False,
        "renamed_to": renamed_to,
    }
    return make(
        EventKind.COPY_GONE, facts, roll_id=roll_id, volume_id=volume_id, severity=Severity.INFO
    )


def copy_erased(roll_id: str, volume_id: int, *, label: str, onset_copies: int) -> Event:
    """A copy erased with its drive after the drive was cleared (or on the DIT's word): news,
    and how many verified on-set copies of the roll remain."""
    facts: CopyErasedFacts = {"label": label, "onset_copies": onset_copies}
    return make(EventKind.COPY_ERASED, facts, roll_id=roll_id, volume_id=volume_id)


def copy_differs(
    roll_id: str,
    volume_id: int,
    *,
    label: str,
    content_label: str,
    stored: bool,
    paths: Sequence[str],
) -> Event:
    """A copy holds other content under the roll's name than the roll's stored (or first
    verified) content, read from the drive `content_label`: an alarm, said once."""
    facts: CopyDiffersFacts = {
        "label": label,
        "content_label": content_label,
        "stored": stored,
        "paths": list(paths[:LISTED]),
        "differing_count": len(paths),
    }
    return make(EventKind.COPY_DIFFERS, facts, roll_id=roll_id, volume_id=volume_id)


def reverify_requested(roll_id: str, volume_id: int, *, label: str) -> Event:
    """A failed copy is verified again because the DIT asked (`rollkeeper reverify`)."""
    facts = {"state": CopyState.SETTLING.value, "label": label, "requested": True}
    return make(EventKind.COPY_STATE, facts, roll_id=roll_id, volume_id=volume_id)


def interrupted_by_stop(roll_id: str, volume_id: int, *, label: str | None = None) -> Event:
    """At start-up: a verification the last stop cut short (on the drive `label`) starts again."""
    facts: InterruptedFacts = {"stopped": True}
    if label is not None:
        facts["label"] = label
    return make(EventKind.VERIFY_INTERRUPTED, facts, roll_id=roll_id, volume_id=volume_id)


def verification_interrupted(
    roll_id: str, volume_id: int, *, label: str, error: str | None
) -> Event:
    """A verification whose volume went away (or whose reading failed, `error`)."""
    facts: InterruptedFacts = {"stopped": False, "state": CopyState.SETTLING.value, "label": label}
    if error:
        facts["error"] = error
    return make(EventKind.VERIFY_INTERRUPTED, facts, roll_id=roll_id, volume_id=volume_id)


def verification_discarded(roll_id: str, volume_id: int, *, now: CopyState) -> Event:
    """A verification finished after its copy changed: its result is not kept."""
    facts = {"state": now.value}
    return make(EventKind.VERIFY_DISCARDED, facts, roll_id=roll_id, volume_id=volume_id)


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
    return make(EventKind.INTERNAL_ERROR, facts, roll_id=roll_id, volume_id=volume_id)
