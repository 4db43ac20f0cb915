"""Every event the daemon records reaches the log, once, as loud as its severity.

The loop's thread, after each pass (and after recording a job's outcome), logs the events
recorded since it last looked: an alarm at error level, a warning at warning, the rest at info,
each under its dotted name (`LOG_NAMES`: `copy.verified`, `upload.done`, `clearance.granted`)
with its kind, roll, volume, drive and sentence (`core.words.say`, as status words it) bound. So an
alarm is in the log the moment it is raised, in the very words status and notifications use,
and no step of the loop logs what it records itself. History is not told again: logging begins
after the newest event recorded when the ledger was opened. Only the events the daemon's own
connection appends are waited for (an event another process records, such as `clearance`'s
answer, is logged with the daemon's next one), so an idle pass costs no query.
"""

from __future__ import annotations

from typing import Any

import structlog

from rollkeeper.core.events import EventKind, Severity
from rollkeeper.ledger.rows import RecordedEvent
from rollkeeper.ledger.store import Ledger

#: The log's name for each kind of event: one stable dotted name per happening (a line keeps its
#: `kind` too, for whatever reads the log by kind). A kind missing here is logged under its kind
#: with the first "_" made a "." (a test keeps every kind this rollkeeper knows listed).
LOG_NAMES: dict[str, str] = {
    EventKind.VOLUME_MOUNTED: "volume.mounted",
    EventKind.VOLUME_UNMOUNTED: "volume.unmounted",
    EventKind.VOLUME_NAMESAKE: "volume.namesake",
    EventKind.VOLUME_ERASED: "volume.erased",
    EventKind.LAYOUT_PROBLEM: "layout.problem",
    EventKind.WATCH_FAILED: "watch.failed",
    EventKind.ROLL_STATE: "roll.state",
    EventKind.COPY_DISCOVERED: "copy.discovered",
    EventKind.COPY_STATE: "copy.state",
    EventKind.COPY_VERIFIED: "copy.verified",
    EventKind.COPY_FAILED: "copy.failed",
    EventKind.COPY_STALE: "copy.stale",
    EventKind.COPY_GONE: "copy.gone",
    EventKind.COPY_BACK: "copy.back",
    EventKind.COPY_MHL_CHANGED: "copy.mhl_changed",
    EventKind.COPY_DIFFERS: "copy.differs",
    EventKind.COPY_ERASED: "copy.erased",
    EventKind.VERIFY_INTERRUPTED: "verify.interrupted",
    EventKind.VERIFY_DISCARDED: "verify.discarded",
    EventKind.INTERNAL_ERROR: "daemon.internal_error",
    EventKind.TARGET_UNUSABLE: "target.unusable",
    EventKind.TARGET_USABLE: "target.usable",
    EventKind.TARGET_ADOPTED: "target.adopted",
    EventKind.UPLOAD_STARTED: "upload.started",
    EventKind.UPLOAD_DONE: "upload.done",
    EventKind.UPLOAD_FAILED: "upload.failed",
    EventKind.UPLOAD_ABANDONED: "upload.abandoned",
    EventKind.OBJECT_MISSING: "storage.object_missing",
    EventKind.OBJECT_CHANGED: "storage.object_changed",
    EventKind.STORAGE_UNCHECKED: "storage.unchecked",
    EventKind.STORAGE_WAITING: "storage.waiting",
    EventKind.SPACE_LOW: "storage.space_low",
    EventKind.ARCHIVE_UNUSABLE: "archive.unusable",
    EventKind.ARCHIVE_DONE: "archive.done",
    EventKind.ARCHIVE_FAILED: "archive.failed",
    EventKind.ARCHIVE_OVERDUE: "archive.overdue",
    EventKind.CLEARANCE_GRANTED: "clearance.granted",
    EventKind.CLEARANCE_REVOKED: "clearance.revoked",
    EventKind.DAY_SUMMARY: "summary.day",
}


def log_name(kind: str) -> str:
    """The dotted name the log gives an event of `kind` (`LOG_NAMES`, else derived)."""
    return LOG_NAMES.get(kind) or kind.replace("_", ".", 1)


#: The log level each severity calls for; a severity this rollkeeper does not know is a warning.
LEVELS: dict[str, str] = {
    Severity.ALARM.value: "error",
    Severity.WARNING.value: "warning",
    Severity.INFO.value: "info",
}


class EventLogger:
    """Where the log stands in the ledger's events, and the drives' labels met so far."""

    def __init__(self) -> None:
        self.last_id: int | None = None  # the newest event logged (or passed over at start)
        self.labels: dict[int, str] = {}

    def begin(self, ledger: Ledger) -> None:
        """Log only what is recorded from now on: the events already there are history."""
        self.last_id = max(self.last_id or 0, ledger.newest_event_id())

    def log_new(self, ledger: Ledger) -> None:
        """Log each event recorded since the last call, in the order recorded."""
        if self.last_id is None:  # never begun: nothing recorded so far is new to us
            self.begin(ledger)
            return
        if ledger.last_recorded_id <= self.last_id:
            return  # nothing appended here since (every pass asks: no query when idle)
        for recorded in ledger.events(since_id=self.last_id):
            self._log(ledger, recorded)
            self.last_id = recorded.id

    def _log(self, ledger: Ledger, recorded: RecordedEvent) -> None:
        fields: dict[str, Any] = {
            "kind": recorded.kind,
            "severity": recorded.severity,
            "event_id": recorded.id,
        }
        if recorded.roll_id is not None:
            fields["roll"] = recorded.roll_id
        if recorded.volume_id is not None:
            fields["volume"] = recorded.volume_id
        facts = recorded.event.facts if recorded.event else {}
        state = facts.get("state", facts.get("to"))  # a copy's or a roll's new state
        if isinstance(state, str):
            fields["state"] = state
        drive = self._drive(ledger, recorded)
        if drive is not None:
            fields["drive"] = drive
        fields["message"] = recorded.message  # `words.say(event)`, or the sentence as written
        level = LEVELS.get(recorded.severity, "warning")
        logger = structlog.get_logger("rollkeeper")  # as configured now, not when imported
        getattr(logger, level)(log_name(recorded.kind), **fields)

    def _drive(self, ledger: Ledger, recorded: RecordedEvent) -> str | None:
        """The label of the event's volume; an event without one may name its drive in its facts
        (`label`, or `drive` for stored objects found missing)."""
        volume_id = recorded.volume_id
        if volume_id is not None and volume_id not in self.labels:
            volume = ledger.volume(volume_id)
            if volume is not None:
                self.labels[volume_id] = volume.label
        if volume_id in self.labels:
            return self.labels[volume_id]
        facts = recorded.event.facts if recorded.event else {}
        label = facts.get("label", facts.get("drive"))
        return None if label is None else str(label)
