"""How events about the primary copy are said."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.words.lines import PROBLEMS_IN_A_SENTENCE, listed, size_text


def _upload_started(event: Event) -> str:
    f = event.facts
    return f"uploading roll {event.roll_id} ({f['bytes_total']} bytes) to {f['target']}"


def _upload_done(event: Event) -> str:
    f = event.facts
    return (
        f"UPLOADED: roll {event.roll_id} from {f['label']}: {f['files']} files stored and "
        f"proven; manifest {f['manifest']}"
    )


def _upload_failed(event: Event) -> str:
    f = event.facts
    return (
        f"{f['stage'].upper()}: roll {event.roll_id} from {f['label']}: "
        f"{listed(f['upload_problems'])}"
    )


def _upload_abandoned(event: Event) -> str:
    return f"aborted an abandoned upload of {event.facts['key']}"


def _object_missing(event: Event) -> str:
    f = event.facts
    paths = ", ".join(f["paths"][:PROBLEMS_IN_A_SENTENCE])
    verb = "is" if f["missing_count"] == 1 else "are"
    if not f["drive"]:
        return (
            f"STORED OBJECT MISSING: roll {event.roll_id}: {paths} {verb} gone from storage "
            "(found by listing it); every clearance resting on it is withdrawn, and the roll "
            "is uploaded again from a mounted copy once that copy is verified again"
        )
    return (
        f"STORED OBJECT MISSING: roll {event.roll_id}: {paths} {verb} gone from storage or "
        f"changed there (found while re-checking {f['drive']}); the roll is uploaded again"
    )


def _object_changed(event: Event) -> str:
    f = event.facts
    paths = ", ".join(f["paths"][:PROBLEMS_IN_A_SENTENCE])
    verb = "holds" if f["changed_count"] == 1 else "hold"
    return (
        f"STORED OBJECT CHANGED: roll {event.roll_id}: {paths} {verb} other bytes in storage "
        "than were uploaded; nothing is written over it and no clearance rests on it: move "
        "the object aside (or delete it) to have the roll uploaded again"
    )


def _storage_unchecked(event: Event) -> str:
    return (
        f"roll {event.roll_id}: storage cannot be checked: {event.facts['problem']}; no "
        "clearance rests on it until it can be"
    )


def object_changed_in_storage(paths: Sequence[str]) -> str:
    """Why a roll's upload no longer holds (its upload's last error): objects changed."""
    return (
        f"stored objects changed in storage: {', '.join(paths[:PROBLEMS_IN_A_SENTENCE])}; "
        "move them aside to upload the roll again"
    )


def mount_to_upload_again(labels: Sequence[str]) -> str:
    """What a roll whose stored objects are gone waits for when no verified copy is mounted."""
    if not labels:
        return "stored objects missing and no verified copy of the roll is known: offload it again"
    return (
        "stored objects missing: mount "
        + " or ".join(sorted(labels))
        + " to verify the copy there again and upload the roll again"
    )


def target_reason(problem: str) -> str:
    """The target's sentence, said as the target's: "TARGET: …" unless it already says so (or
    it is not the target's: uploads paused by a person)."""
    if problem.startswith(("TARGET", PAUSED, "SPACE LOW")):
        return problem
    return f"TARGET: {problem}"


PAUSED = "UPLOADS PAUSED"


def uploads_paused(until: str | None) -> str:
    """Why uploads wait while `rollkeeper pause` holds them (`until`: ISO time, or None)."""
    if until is None:
        return f"{PAUSED} by `rollkeeper pause` until `rollkeeper resume`"
    shown = until[:16].replace("T", " ")
    return f"{PAUSED} by `rollkeeper pause` until {shown} UTC (or `rollkeeper resume`)"


def waiting_for_storage(problem: str) -> str:
    """What a verified roll that the target cannot take yet reads."""
    return f"verified — waiting for storage ({target_reason(problem)})"


def bandwidth_text(limit: float | None) -> str:
    """An upload bandwidth limit as a person reads it: "20 MB/s", or "unlimited"."""
    return "unlimited" if limit is None else f"{size_text(int(limit))}/s"


def uploads_line(
    *, paused_since: str | None, paused_until: str | None, bandwidth: str | None
) -> str:
    """`status`'s line on the uploads: paused (since, until when) and the pace they go at now
    (`bandwidth`: `bandwidth_now`'s words, None when no window applies)."""
    parts = []
    if paused_since is not None:
        until = f"until {paused_until}" if paused_until else "until `rollkeeper resume`"
        parts.append(f"PAUSED since {paused_since} {until}; rolls are verified and wait")
    if bandwidth is not None:
        parts.append(f"bandwidth {bandwidth}")
    return "Uploads: " + "; ".join(parts)


def bandwidth_now(limit: float | None, window: str | None, changes: str | None) -> str:
    """The bandwidth limit now, the window it comes from and when it changes (local times)."""
    where = f" (window {window})" if window else " (outside every window)"
    then = f" until {changes}" if changes else ""
    return f"{bandwidth_text(limit)}{where}{then}"


def space_needed(disk: str, *, free: int, needed: int, roll_bytes: int | None, fits: bool) -> str:
    """Why space is short on `disk`, and what follows (the roll waiting, or going on)."""
    have = f"SPACE LOW: {disk} has {size_text(free)} free"
    if roll_bytes is None:
        then = "uploads wait until there is room" if not fits else "make room there"
        return f"{have}, below the {size_text(needed)} the ledger needs; {then}"
    if fits:
        return (
            f"{have}, below {size_text(needed)} (twice the roll's {size_text(roll_bytes)} and "
            "a margin); the roll still fits and goes up: make room there soon"
        )
    return (
        f"{have}, and the roll ({size_text(roll_bytes)}) needs {size_text(needed)} with the "
        "margin; it waits until there is room: make room there"
    )


def _space_low(event: Event) -> str:
    f = event.facts
    sentence = space_needed(
        f["disk"], free=f["free"], needed=f["needed"], roll_bytes=f["roll_bytes"], fits=f["fits"]
    )
    return f"roll {event.roll_id}: {sentence}" if event.roll_id else sentence


def _target_adopted(event: Event) -> str:
    f = event.facts
    how = "written" if f["written"] else "found there"
    return (
        f"TARGET adopted: {f['target']} is this cart's storage from now on (identity "
        f"{f['identity']}, marker {f['marker']} {how})"
    )


def _target_usable(event: Event) -> str:
    return (
        f"TARGET usable again: {event.facts['target']}; rolls waiting for storage are uploaded now"
    )


def _storage_waiting(event: Event) -> str:
    f = event.facts
    return f"roll {event.roll_id} from {f['label']}: {waiting_for_storage(f['problem'])}"


#: The wording of each kind of this area.
WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.UPLOAD_STARTED: _upload_started,
    EventKind.UPLOAD_DONE: _upload_done,
    EventKind.UPLOAD_FAILED: _upload_failed,
    EventKind.UPLOAD_ABANDONED: _upload_abandoned,
    EventKind.OBJECT_MISSING: _object_missing,
    EventKind.OBJECT_CHANGED: _object_changed,
    EventKind.STORAGE_UNCHECKED: _storage_unchecked,
    EventKind.TARGET_ADOPTED: _target_adopted,
    EventKind.TARGET_USABLE: _target_usable,
    EventKind.STORAGE_WAITING: _storage_waiting,
    EventKind.SPACE_LOW: _space_low,
}
