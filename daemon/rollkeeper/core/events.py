"""What happened, as facts: the typed event every room records and every channel words.

An `Event` carries a kind, a severity and the facts of the moment (roll, volume, labels, counts,
problems). It holds no prose: `rollkeeper.core.words` turns it into the sentence a person reads, so
status lines, clearance reasons, notifications and reports never disagree. `FACTS` names the facts
of each kind (`rollkeeper.core.event_facts`), `DEFAULT_SEVERITY` how loud it is, and
`rollkeeper.core.happened` builds each one.

An event recorded before events carried facts has only its sentence: read back, that sentence is
the fact `RECORDED_TEXT`, which `words.say` returns as it was written, so an old ledger reads the
same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rollkeeper.core.event_facts import (
    AbandonedFacts,
    ArchiveDoneFacts,
    ArchiveFailedFacts,
    ArchiveOverdueFacts,
    ArchiveUnusableFacts,
    ClearanceFacts,
    CopyDiffersFacts,
    CopyErasedFacts,
    CopyFailedFacts,
    CopyGoneFacts,
    CopyStaleFacts,
    CopyStateFacts,
    CopyVerifiedFacts,
    DiscardedFacts,
    FolderFacts,
    InternalErrorFacts,
    InterruptedFacts,
    MhlChangedFacts,
    MountFacts,
    ObjectsChangedFacts,
    ObjectsMissingFacts,
    ProblemFacts,
    RollStateFacts,
    SpaceLowFacts,
    StorageWaitingFacts,
    SummaryFacts,
    TargetAdoptedFacts,
    TargetUsableFacts,
    UploadDoneFacts,
    UploadFailedFacts,
    UploadStartedFacts,
    VolumeErasedFacts,
    VolumeFacts,
)


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
    VOLUME_ERASED = "volume_erased"
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
    COPY_DIFFERS = "copy_differs"
    COPY_ERASED = "copy_erased"
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
    OBJECT_CHANGED = "object_changed"
    STORAGE_UNCHECKED = "storage_unchecked"
    TARGET_ADOPTED = "target_adopted"
    TARGET_USABLE = "target_usable"
    STORAGE_WAITING = "storage_waiting"
    SPACE_LOW = "space_low"
    # the archival copy
    ARCHIVE_UNUSABLE = "archive_unusable"
    ARCHIVE_DONE = "archive_done"
    ARCHIVE_FAILED = "archive_failed"
    ARCHIVE_OVERDUE = "archive_overdue"
    # erase clearance
    CLEARANCE_GRANTED = "clearance_granted"
    CLEARANCE_REVOKED = "clearance_revoked"
    # telling people
    DAY_SUMMARY = "day_summary"


#: Good news a person must hear about too (alarms always are): it goes to the outbox.
ANNOUNCED_KINDS = frozenset(
    {
        EventKind.UPLOAD_DONE,
        EventKind.ARCHIVE_DONE,
        EventKind.CLEARANCE_GRANTED,
        EventKind.CLEARANCE_REVOKED,
        EventKind.LAYOUT_PROBLEM,
        EventKind.DAY_SUMMARY,
    }
)

#: Announced kinds told together (per channel's `batch_every`, grouped by shoot day) unless
#: they are alarms: the good news of each roll. Every other announced event is told at once.
GOOD_NEWS_KINDS = frozenset({EventKind.UPLOAD_DONE, EventKind.ARCHIVE_DONE})

#: Severities from the quietest up, for a channel's `min_severity`.
SEVERITY_ORDER = ("info", "warning", "alarm")


#: The facts each kind carries (besides its roll and volume): one shape per kind.
FACTS: Mapping[EventKind, type[Mapping[str, object]]] = {
    EventKind.VOLUME_MOUNTED: MountFacts,
    EventKind.VOLUME_UNMOUNTED: VolumeFacts,
    EventKind.VOLUME_NAMESAKE: MountFacts,
    EventKind.LAYOUT_PROBLEM: ProblemFacts,
    EventKind.WATCH_FAILED: ProblemFacts,
    EventKind.VOLUME_ERASED: VolumeErasedFacts,
    EventKind.ROLL_STATE: RollStateFacts,
    EventKind.COPY_DISCOVERED: FolderFacts,
    EventKind.COPY_STATE: CopyStateFacts,
    EventKind.COPY_VERIFIED: CopyVerifiedFacts,
    EventKind.COPY_FAILED: CopyFailedFacts,
    EventKind.COPY_STALE: CopyStaleFacts,
    EventKind.COPY_GONE: CopyGoneFacts,
    EventKind.COPY_BACK: FolderFacts,
    EventKind.COPY_MHL_CHANGED: MhlChangedFacts,
    EventKind.COPY_DIFFERS: CopyDiffersFacts,
    EventKind.COPY_ERASED: CopyErasedFacts,
    EventKind.VERIFY_INTERRUPTED: InterruptedFacts,
    EventKind.VERIFY_DISCARDED: DiscardedFacts,
    EventKind.INTERNAL_ERROR: InternalErrorFacts,
    EventKind.TARGET_UNUSABLE: ProblemFacts,
    EventKind.UPLOAD_STARTED: UploadStartedFacts,
    EventKind.UPLOAD_DONE: UploadDoneFacts,
    EventKind.UPLOAD_FAILED: UploadFailedFacts,
    EventKind.UPLOAD_ABANDONED: AbandonedFacts,
    EventKind.OBJECT_MISSING: ObjectsMissingFacts,
    EventKind.OBJECT_CHANGED: ObjectsChangedFacts,
    EventKind.STORAGE_UNCHECKED: ProblemFacts,
    EventKind.TARGET_ADOPTED: TargetAdoptedFacts,
    EventKind.TARGET_USABLE: TargetUsableFacts,
    EventKind.STORAGE_WAITING: StorageWaitingFacts,
    EventKind.SPACE_LOW: SpaceLowFacts,
    EventKind.ARCHIVE_UNUSABLE: ArchiveUnusableFacts,
    EventKind.ARCHIVE_DONE: ArchiveDoneFacts,
    EventKind.ARCHIVE_FAILED: ArchiveFailedFacts,
    EventKind.ARCHIVE_OVERDUE: ArchiveOverdueFacts,
    EventKind.CLEARANCE_GRANTED: ClearanceFacts,
    EventKind.CLEARANCE_REVOKED: ClearanceFacts,
    EventKind.DAY_SUMMARY: SummaryFacts,
}

_INFO, _WARNING, _ALARM = Severity.INFO, Severity.WARNING, Severity.ALARM

#: How loud each kind is, where that does not depend on its facts.
DEFAULT_SEVERITY: Mapping[EventKind, Severity] = {
    EventKind.VOLUME_MOUNTED: _INFO,
    EventKind.VOLUME_UNMOUNTED: _INFO,
    EventKind.VOLUME_NAMESAKE: _WARNING,
    EventKind.LAYOUT_PROBLEM: _WARNING,
    EventKind.WATCH_FAILED: _WARNING,
    EventKind.COPY_DISCOVERED: _INFO,
    EventKind.COPY_STATE: _INFO,
    EventKind.COPY_VERIFIED: _INFO,
    EventKind.COPY_FAILED: _ALARM,
    EventKind.COPY_BACK: _WARNING,
    EventKind.COPY_GONE: _ALARM,
    EventKind.COPY_DIFFERS: _ALARM,
    EventKind.COPY_ERASED: _INFO,
    EventKind.VERIFY_INTERRUPTED: _WARNING,
    EventKind.VERIFY_DISCARDED: _WARNING,
    EventKind.INTERNAL_ERROR: _ALARM,
    EventKind.TARGET_UNUSABLE: _ALARM,
    EventKind.UPLOAD_STARTED: _INFO,
    EventKind.UPLOAD_DONE: _INFO,
    EventKind.UPLOAD_FAILED: _ALARM,
    EventKind.UPLOAD_ABANDONED: _WARNING,
    EventKind.OBJECT_MISSING: _ALARM,
    EventKind.OBJECT_CHANGED: _ALARM,
    EventKind.STORAGE_UNCHECKED: _WARNING,
    EventKind.TARGET_ADOPTED: _INFO,
    EventKind.TARGET_USABLE: _INFO,
    EventKind.STORAGE_WAITING: _WARNING,
    EventKind.SPACE_LOW: _WARNING,
    EventKind.ARCHIVE_DONE: _INFO,
    EventKind.ARCHIVE_FAILED: _ALARM,
    EventKind.ARCHIVE_OVERDUE: _ALARM,
    EventKind.CLEARANCE_GRANTED: _INFO,
    EventKind.CLEARANCE_REVOKED: _WARNING,
    EventKind.DAY_SUMMARY: _INFO,
}

#: Kinds whose loudness their facts decide (see `rollkeeper.core.happened`): a roll's state is
#: an alarm when its copies disagree; a stale or changed copy when it had been proven; an
#: unusable archive unless no archive is configured at all; a drive erased without having been
#: cleared is a warning.
SEVERITY_FROM_FACTS = frozenset(
    {
        EventKind.ROLL_STATE,
        EventKind.COPY_STALE,
        EventKind.COPY_MHL_CHANGED,
        EventKind.VOLUME_ERASED,
        EventKind.ARCHIVE_UNUSABLE,
    }
)

#: The fact holding the sentence of an event recorded before events carried facts.
RECORDED_TEXT = "recorded_text"


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

    @property
    def good_news(self) -> bool:
        """Whether it may wait to be told with other good news (never an alarm)."""
        return self.severity is not Severity.ALARM and self.kind in GOOD_NEWS_KINDS
