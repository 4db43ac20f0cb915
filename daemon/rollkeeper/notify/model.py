"""What a channel sends and how a delivery fails: plain data, shared by every channel.

A `Notice` is one message: an alarm or other event told at once, a batch of good news grouped by
shoot day, a summary, or a test. It carries the words already said (`core.words`) and the facts
behind them, so each channel only lays them out for its medium. `notice_id` is stable across
retries and restarts (derived from the event ids), so receivers can drop a repeat: it becomes the
email's Message-ID and the webhook's Idempotency-Key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from rollkeeper.core.events import Severity


@dataclass(frozen=True, slots=True)
class NoticeItem:
    """One event told in a notice: its sentence and the facts a message lays out as fields."""

    event_id: int
    kind: str
    severity: Severity
    sentence: str  # `core.words.say(event)`: the very words status uses
    at: datetime
    roll: str | None = None
    day: str | None = None  # shoot day, YYYYMMDD
    drive: str | None = None
    files: int | None = None
    bytes: int | None = None
    state: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a notice (the day's roll report CSV with a summary)."""

    filename: str
    content_type: str  # e.g. "text/csv"
    data: bytes


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to send, the same on every channel but for its layout."""

    notice_id: str  # stable: "event-123", "batch-email-1-120-131", "test-…"
    kind: str  # an event kind, or "good_news" (a batch), or "test"
    severity: Severity
    subject: str  # the line a person triages from a phone's lock screen
    summary: str  # one or two sentences: the body's opening
    cart: str
    at: datetime  # when it was composed (aware, UTC)
    items: tuple[NoticeItem, ...] = ()
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()  # titled lists of lines (summaries)
    attachments: tuple[Attachment, ...] = ()


class DeliveryFailed(Exception):
    """A delivery attempt failed. `reason` is a sentence without any secret; `retry_after` is
    the wait the receiver asked for (Slack's 429), `permanent` a failure no retry can mend
    (a rejected recipient, a 4xx other than 408/429)."""

    def __init__(
        self, reason: str, *, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent


class Channel(Protocol):
    """Where notices go: `send` delivers one or raises `DeliveryFailed` (nothing else)."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...  # "email" | "slack" | "webhook" | "apprise" | "console"

    def send(self, notice: Notice) -> None: ...

    def close(self) -> None: ...
