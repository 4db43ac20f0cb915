"""The words a person reads about what happened: one place, so every channel says the same.

`say(event)` is the one sentence for an event: status lines, the daemon's announcements and (soon)
notifications take it from here, as the CLI's `clearance` answer takes `describe(verdict)`. Each
kind has one small wording function over its facts (`rollkeeper.core.event_facts`); an event
recorded before events carried facts is said as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rollkeeper.core.clearance import DriveVerdict
from rollkeeper.core.events import RECORDED_TEXT, Event, EventKind
from rollkeeper.core.happened import verdict_facts
from rollkeeper.core.layout import LayoutProblem

#: A clearance verdict lists at most this many reasons in its sentence.
REASONS_IN_A_SENTENCE = 5
#: A sentence lists at most this many problems (or changed files, or missing objects).
PROBLEMS_IN_A_SENTENCE = 5
#: A sentence names at most this many of the files a copy still waits for.
WAITING_IN_A_SENTENCE = 3


def say(event: Event) -> str:
    """The one sentence a person reads for `event`."""
    recorded = event.facts.get(RECORDED_TEXT)
    if recorded is not None:
        return str(recorded)
    return _WORDING[event.kind](event)


def describe(verdict: DriveVerdict) -> str:
    """The one sentence that says whether a drive may be erased, and if not, why."""
    return _verdict(verdict_facts(verdict))


def revoked(sentence: str) -> str:
    """The announcement that a drive once cleared may no longer be erased."""
    return f"CLEARANCE REVOKED: {sentence}"


def waiting_for_files(files: Sequence[str], count: int) -> str:
    """Why a copy is not ready: how many listed files it waits for, naming the first few."""
    first = ", ".join(files[:WAITING_IN_A_SENTENCE])
    more = ", …" if count > WAITING_IN_A_SENTENCE else ""
    return f"waiting for {count} file(s): {first}{more}"


def layout_problem(problem: LayoutProblem) -> str:
    """One problem a volume's layout analysis found, as its scan lists it."""
    return f"{problem.severity}: {problem.folder or '.'}: {problem.message}"


def unreadable(path: str, error: str) -> str:
    """A file or folder of a volume the scan could not read, as its scan lists it."""
    return f"error: {path or '.'}: cannot be read ({error})"


# --- the problem lines a copy's row keeps -----------------------------------------------------


def file_problem(status: str, path: str, detail: str | None) -> str:
    """A listed file that verification did not find simply OK: its status, and why."""
    return f"{status} {path}" + (f" ({detail})" if detail else "")


def file_short(path: str, size: int | None, listed_size: int | None) -> str:
    """A listed file a copy still waits for: absent (`size` None), or short of its size."""
    if size is None:
        listed = f"; {listed_size} bytes listed" if listed_size is not None else ""
        return f"{path} (missing{listed})"
    return f"{path} ({size} of {listed_size} bytes)"


_FILE_SHORT = re.compile(
    r"(?P<path>.*) \((?:missing(?:; (?P<listed>\d+) bytes listed)?"
    r"|(?P<have>\d+) of (?P<want>\d+|None) bytes)\)"
)


def read_file_short(line: str) -> tuple[str, int | None, int | None] | None:
    """`file_short`'s line read back as (path, bytes present or None, bytes listed or None)."""
    match = _FILE_SHORT.fullmatch(line)
    if match is None:
        return None
    return match["path"], _bytes(match["have"]), _bytes(match["want"] or match["listed"])


def _bytes(text: str | None) -> int | None:
    return int(text) if text and text != "None" else None


def link_leaves_roll(path: str) -> str:
    """A listed file that is a symbolic link out of the roll: never followed, never uploaded."""
    return (
        f"{path} is a symbolic link to somewhere outside the roll; copy the file itself, not a link"
    )


def file_changed(path: str, how: str) -> str:
    """A file of a checked copy no longer as recorded (`how`: deleted, changed, new file)."""
    return f"{path} ({how})"


def folder_gone(folder: str) -> str:
    """A copy whose MHL or roll folder disappeared from its volume."""
    return f"{folder}: MHL or folder gone"


def missing_from_storage(paths: Sequence[str]) -> str:
    """Why a roll's upload no longer holds (its upload's last error): the first objects gone."""
    return f"stored objects missing: {', '.join(paths[:PROBLEMS_IN_A_SENTENCE])}"


def _listed(items: Sequence[str]) -> str:
    return "; ".join(items[:PROBLEMS_IN_A_SENTENCE])


# --- drives ---------------------------------------------------------------------------------


def _volume_mounted(event: Event) -> str:
    f = event.facts
    return f"{f['label']} ({f['role']}) mounted at {f['mount_path']}"


def _volume_unmounted(event: Event) -> str:
    return f"{event.facts['label']} is no longer mounted"


def _volume_namesake(event: Event) -> str:
    label, mount_path = event.facts["label"], event.facts["mount_path"]
    return (
        f"{label} at {mount_path} is a different drive from the {label} seen before (its "
        "filesystem UUID differs); they are tracked separately"
    )


def _problem(event: Event) -> str:
    return str(event.facts["problem"])


# --- rolls and their copies -----------------------------------------------------------------


def _roll_state(event: Event) -> str:
    if event.facts["to"] == "conflict" and event.facts["copies_disagree"]:
        return (
            f"CONFLICT: roll {event.roll_id} exists on several volumes with different MHL "
            "content; it will not be processed until the copies agree"
        )
    return f"roll {event.roll_id} is now {event.facts['to']}"


def _copy_discovered(event: Event) -> str:
    return f"roll {event.roll_id} found in {event.facts['folder']}"


def _copy_back(event: Event) -> str:
    return f"roll {event.roll_id} is back in {event.facts['folder']}; it will be verified again"


def _copy_mhl_changed(event: Event) -> str:
    after = " after it was verified; it will be verified again" if event.facts["proven"] else ""
    return f"the MHL of roll {event.roll_id} in {event.facts['folder']} changed{after}"


def _copy_state(event: Event) -> str:
    f = event.facts
    if f["state"] != "verifying":
        return f"roll {event.roll_id}: its MHL reads again"
    why = "is due for another upload attempt" if f["retry"] else "is ready"
    what = "verifying and uploading in one pass" if f["uploading"] else "verifying"
    return (
        f"roll {event.roll_id} on {f['label']} {why} (every listed file present and quiet); {what}"
    )


def _copy_verified(event: Event) -> str:
    f = event.facts
    return f"roll {event.roll_id} on {f['label']}: verified, {f['files']} files"


def _copy_failed(event: Event) -> str:
    f = event.facts
    where = f"roll {event.roll_id} on {f['label']}"
    if f["found_while"] == "reading_mhl":
        return f"{where}: {f['error']}"
    if f["found_while"] == "listing":
        links = "; ".join(link_leaves_roll(path) for path in f["links"])
        return f"REFUSED: {where}: {links}"
    if f["found_while"] == "settling":
        waiting = waiting_for_files(f["waiting_for"], f["waiting_count"])
        return f"INCOMPLETE: {where} has been quiet but is {waiting}"
    return f"{f['state'].upper()}: {where}: {_listed(f['problems'])}"


def _copy_stale(event: Event) -> str:
    f = event.facts
    checked = "verified" if f["proven"] else "checked"
    changes = ", ".join(f["changes"][:PROBLEMS_IN_A_SENTENCE])
    return (
        f"STALE: roll {event.roll_id} on {f['label']} changed after it was {checked} "
        f"({changes}); it will be verified again"
    )


def _copy_gone(event: Event) -> str:
    f = event.facts
    after = " after it was verified" if f["proven"] else ""
    return (
        f"roll {event.roll_id}: its MHL or folder {f['folder']} disappeared from "
        f"{f['label']}{after}"
    )


def _verify_interrupted(event: Event) -> str:
    f = event.facts
    on = f" on {f['label']}" if "label" in f else ""
    if f["stopped"]:
        return (
            f"verification of roll {event.roll_id}{on} did not finish before the last stop; "
            "it starts again"
        )
    if "error" in f:
        reason = f["error"]
    else:
        on, reason = "", f"{f['label']} went away during verification"
    return (
        f"verification of roll {event.roll_id}{on} interrupted ({reason}); it resumes "
        "when the volume is back"
    )


def _verify_discarded(event: Event) -> str:
    return (
        f"a verification of roll {event.roll_id} finished after the copy changed "
        f"(now {event.facts['state']}); its result was not kept"
    )


def _internal_error(event: Event) -> str:
    f = event.facts
    return (
        f"internal error while processing roll {event.roll_id} ({f['error_type']}: "
        f"{f['error']}); it is tried again in {f['retry_seconds']:.0f}s"
    )


# --- primary storage ------------------------------------------------------------------------


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
        f"{_listed(f['upload_problems'])}"
    )


def _upload_abandoned(event: Event) -> str:
    return f"aborted an abandoned upload of {event.facts['key']}"


def _object_missing(event: Event) -> str:
    f = event.facts
    paths = ", ".join(f["paths"][:PROBLEMS_IN_A_SENTENCE])
    verb = "is" if f["missing_count"] == 1 else "are"
    return (
        f"STORED OBJECT MISSING: roll {event.roll_id}: {paths} {verb} gone from storage or "
        f"changed there (found while re-checking {f['drive']}); the roll is uploaded again"
    )


# --- the archival copy ----------------------------------------------------------------------


def _archive_done(event: Event) -> str:
    return (
        f"ARCHIVED: roll {event.roll_id}: the archival copy of every object is verified "
        f"({event.facts['provider']})"
    )


def _archive_failed(event: Event) -> str:
    f = event.facts
    return f"ARCHIVE FAILED: roll {event.roll_id} ({f['provider']}): {_listed(f['reasons'])}"


def _archive_overdue(event: Event) -> str:
    f = event.facts
    return (
        f"ARCHIVE OVERDUE: roll {event.roll_id} still has no verified archival copy "
        f"({f['provider']}: {_listed(f['reasons']) or f['state']})"
    )


# --- erase clearance ------------------------------------------------------------------------


def _verdict(facts: Mapping[str, Any]) -> str:
    if facts["clear"]:
        what = (
            "cards level: uploaded and proven"
            if facts["level"] == "cards"
            else "RAID level: uploaded, proven and archived"
        )
        return f"YOU MAY ERASE {facts['label']} ({facts['role']}; {what})"
    shown = facts["reasons"][:REASONS_IN_A_SENTENCE]
    hidden = facts["reasons_total"] - len(shown)
    more = f" (and {hidden} more)" if hidden else ""
    return f"{facts['label']} may NOT be erased: {'; '.join(shown)}{more}"


def _clearance_granted(event: Event) -> str:
    return _verdict(event.facts)


def _clearance_revoked(event: Event) -> str:
    return revoked(_verdict(event.facts))


_WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.VOLUME_MOUNTED: _volume_mounted,
    EventKind.VOLUME_UNMOUNTED: _volume_unmounted,
    EventKind.VOLUME_NAMESAKE: _volume_namesake,
    EventKind.LAYOUT_PROBLEM: _problem,
    EventKind.WATCH_FAILED: _problem,
    EventKind.ROLL_STATE: _roll_state,
    EventKind.COPY_DISCOVERED: _copy_discovered,
    EventKind.COPY_STATE: _copy_state,
    EventKind.COPY_VERIFIED: _copy_verified,
    EventKind.COPY_FAILED: _copy_failed,
    EventKind.COPY_STALE: _copy_stale,
    EventKind.COPY_GONE: _copy_gone,
    EventKind.COPY_BACK: _copy_back,
    EventKind.COPY_MHL_CHANGED: _copy_mhl_changed,
    EventKind.VERIFY_INTERRUPTED: _verify_interrupted,
    EventKind.VERIFY_DISCARDED: _verify_discarded,
    EventKind.INTERNAL_ERROR: _internal_error,
    EventKind.TARGET_UNUSABLE: _problem,
    EventKind.UPLOAD_STARTED: _upload_started,
    EventKind.UPLOAD_DONE: _upload_done,
    EventKind.UPLOAD_FAILED: _upload_failed,
    EventKind.UPLOAD_ABANDONED: _upload_abandoned,
    EventKind.OBJECT_MISSING: _object_missing,
    EventKind.ARCHIVE_UNUSABLE: _problem,
    EventKind.ARCHIVE_DONE: _archive_done,
    EventKind.ARCHIVE_FAILED: _archive_failed,
    EventKind.ARCHIVE_OVERDUE: _archive_overdue,
    EventKind.CLEARANCE_GRANTED: _clearance_granted,
    EventKind.CLEARANCE_REVOKED: _clearance_revoked,
}

#: Every kind that has a wording (all of them: a test holds it so).
WORDED_KINDS = frozenset(_WORDING)
