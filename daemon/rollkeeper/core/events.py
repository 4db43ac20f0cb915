"""What happened, as facts: the typed event every room records and every channel words.

An `Event` carries a kind, a severity and the facts of the moment (roll, volume, labels, counts,
problems). It holds no prose: `rollkeeper.core.words` turns it into the sentence a person reads, so
status lines, clearance reasons, notifications and reports never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How loudly an event is told: alarms always reach a person, at once."""

    INFO = "info"
    WARNING = "warning"
    ALARM = "alarm"


class EventKind(StrEnum):
    """Every kind of event the ledger records (the values are stored: never rename one)."""

    # drives
    VOLUME_MOUNTED = "volume_mounted"
    VOLUME_UNMOUNTED = "volume_unmounted"
    VOLUME_NAMESAKE = "volume_namesake"
    LAYOUT_PROBLEM = "layout_problem"
    WATCH_FAILED = "watch_failed"
    # copies of a roll and their verification
    ROLL_STATE = "roll_state"
    COPY_DISCOVERED = "copy_discovered"
    COPY_STATE = "copy_state"
    COPY_VERIFIED = "copy_verified"
    COPY_FAILED = "copy_failed"
    COPY_STALE = "copy_stale"
    COPY_GONE = "copy_gone"
    COPY_BACK = "copy_back"
    COPY_MHL_CHANGED = "copy_mhl_changed"
    VERIFY_INTERRUPTED = "verify_interrupted"
    VERIFY_DISCARDED = "verify_discarded"
    INTERNAL_ERROR = "internal_error"
    # primary storage
    TARGET_UNUSABLE = "target_unusable"
    UPLOAD_STARTED = "upload_started"
    UPLOAD_DONE = "upload_done"
    UPLOAD_FAILED = "upload_failed"
    UPLOAD_ABANDONED = "upload_abandoned"
    OBJECT_MISSING = "object_missing"
    # the archival copy
    ARCHIVE_UNUSABLE = "archive_unusable"
    ARCHIVE_DONE = "archive_done"
    ARCHIVE_FAILED = "archive_failed"
    ARCHIVE_OVERDUE = "archive_overdue"
    # erase clearance
    CLEARANCE_GRANTED = "clearance_granted"
    CLEARANCE_REVOKED = "clearance_revoked"


#: Good news a person must hear about too (alarms always are): it goes to the outbox.
ANNOUNCED_KINDS = frozenset(
    {
        EventKind.UPLOAD_DONE,
        EventKind.ARCHIVE_DONE,
        EventKind.CLEARANCE_GRANTED,
        EventKind.CLEARANCE_REVOKED,
    }
)


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened. `facts` are plain JSON values, named in the domain's words."""

    kind: EventKind
    severity: Severity = Severity.INFO
    roll_id: str | None = None
    volume_id: int | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def announced(self) -> bool:
        """Whether notifiers deliver it: every alarm, and the good news in `ANNOUNCED_KINDS`."""
        return self.severity is Severity.ALARM or self.kind in ANNOUNCED_KINDS
