"""Every event the daemon records reaches the log, once, as loud as its severity.

The loop's thread, after each pass (and after recording a job's outcome), logs the events
recorded since it last looked: an alarm at error level, a warning at warning, the rest at info,
each with its kind, roll, drive and sentence (`core.words.say`, as status words it) bound. So an
alarm is in the log the moment it is raised, in the very words status and notifications use,
and no step of the loop logs what it records itself. History is not told again: logging begins
after the newest event recorded when the ledger was opened. Only the events the daemon's own
connection appends are waited for (an event another process records, such as `clearance`'s
answer, is logged with the daemon's next one), so an idle pass costs no query.
"""

from __future__ import annotations

from typing import Any

import structlog

from rollkeeper.core.events import Severity
from rollkeeper.ledger.rows import RecordedEvent
from rollkeeper.ledger.store import Ledger

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
        drive = self._drive(ledger, recorded)
        if drive is not None:
            fields["drive"] = drive
        fields["message"] = recorded.message  # `words.say(event)`, or the sentence as written
        level = LEVELS.get(recorded.severity, "warning")
        logger = structlog.get_logger("rollkeeper")  # as configured now, not when imported
        getattr(logger, level)(recorded.kind, **fields)

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
