"""From claimed deliveries to the `Notice` a channel sends: the words, the facts, the subject.

The loop's thread composes (it alone reads the ledger in the daemon); channels only lay a notice
out. A delivery of one event becomes a notice of its own, `event-<id>`; a batch of good news
becomes one notice whose items are ordered by shoot day (each channel lays them out under a
heading per day; no section repeats them), its id the one the batch was claimed under
(`ledger.outbox`). A DAY_SUMMARY's content comes from a `Summarizer` (the roll report's summary
once wired; `count_summary` until then).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rollkeeper.core.events import EventKind, Severity
from rollkeeper.core.words import notices
from rollkeeper.ledger.notice_facts import RollFacts
from rollkeeper.ledger.outbox import Claimed
from rollkeeper.ledger.rows import RecordedEvent
from rollkeeper.ledger.store import Ledger
from rollkeeper.notify.model import Attachment, Notice, NoticeItem


@dataclass(frozen=True, slots=True)
class SummaryParts:
    """A summary's content: its opening, its titled sections of lines, and attachments."""

    summary: str
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    attachments: tuple[Attachment, ...] = ()


#: What a DAY_SUMMARY says: read from the ledger for the day its event names (None: the show).
Summarizer = Callable[[Ledger, str | None], SummaryParts]


def count_summary(ledger: Ledger, day: str | None) -> SummaryParts:
    """A plain summary: how many rolls (of the shoot day `day`, or the whole show), their bytes,
    and which rolls are in each state."""
    rolls = [r for r in ledger.rolls() if day is None or r.shoot_day.startswith(day)]
    facts = ledger.roll_facts([r.id for r in rolls])
    by_state: dict[str, list[str]] = defaultdict(list)
    for roll in sorted(rolls, key=lambda r: (r.shoot_day, r.roll)):
        by_state[roll.state].append(roll.roll)
    size = sum(f.bytes for f in facts.values())
    what = f"Shoot day {day}" if day else "The whole show"
    counts = {state: len(names) for state, names in by_state.items()}
    lines = tuple(notices.state_line(state, names) for state, names in sorted(by_state.items()))
    return SummaryParts(
        notices.counts_summary(what, len(rolls), size, counts),
        (("Rolls by state", lines),) if lines else (),
    )


@dataclass(frozen=True, slots=True)
class Composer:
    """Composes notices for the cart named `cart`."""

    cart: str
    summarizer: Summarizer = count_summary
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def compose(self, ledger: Ledger, claimed: Claimed) -> Notice:
        """The notice of one claim: a batch of good news, or one event told at once."""
        events = ledger.events_by_id(claimed.event_ids)
        rolls = ledger.roll_facts([e.roll_id for e in events if e.roll_id is not None])
        items = tuple(_item(event, rolls.get(event.roll_id or "")) for event in events)
        if claimed.batch:
            return self._batch(claimed.notice_id, items)
        if not events:  # the event row itself is gone: say so rather than send nothing
            raise LookupError(f"event {claimed.event_ids} of {claimed.notice_id} is not recorded")
        return self._one(ledger, claimed.notice_id, events[0], items[0])

    def _one(
        self, ledger: Ledger, notice_id: str, recorded: RecordedEvent, item: NoticeItem
    ) -> Notice:
        event = recorded.event
        if event is None:
            subject = notices.unknown_subject(self.cart, recorded.kind, recorded.message)
        else:
            subject = notices.subject(self.cart, event, recorded.message)
        parts = SummaryParts(recorded.message)
        if event is not None and event.kind is EventKind.DAY_SUMMARY:
            day = event.facts.get("day")
            parts = self.summarizer(ledger, None if day is None else str(day))
        elif event is not None and event.kind in _DRIVE_VERDICTS and recorded.volume_id:
            parts = SummaryParts(recorded.message, _drive_rolls(ledger, recorded.volume_id, item))
        return Notice(
            notice_id=notice_id,
            kind=recorded.kind,
            severity=item.severity,
            subject=subject,
            summary=parts.summary,
            cart=self.cart,
            at=self.clock(),
            items=(item,),
            sections=parts.sections,
            attachments=parts.attachments,
        )

    def _batch(self, notice_id: str, items: Sequence[NoticeItem]) -> Notice:
        ordered = tuple(sorted(items, key=lambda i: (i.day or "", i.event_id)))
        kinds = Counter(item.kind for item in ordered)
        days = sorted({item.day or "" for item in ordered})
        sizes = {item.roll: item.bytes or 0 for item in ordered if item.roll is not None}
        rolls, size = len(sizes), sum(sizes.values())
        return Notice(
            notice_id=notice_id,
            kind="good_news",
            severity=max((i.severity for i in ordered), key=_loudness, default=Severity.INFO),
            subject=notices.batch_subject(
                self.cart,
                uploaded=kinds[EventKind.UPLOAD_DONE.value],
                archived=kinds[EventKind.ARCHIVE_DONE.value],
                days=days,
            ),
            summary=notices.batch_summary(rolls, size),
            cart=self.cart,
            at=self.clock(),
            items=ordered,  # each channel lays them out grouped by shoot day (notify.layout)
        )


#: Kinds telling a drive's verdict: the notice lists the rolls on the drive.
_DRIVE_VERDICTS = frozenset({EventKind.CLEARANCE_GRANTED, EventKind.CLEARANCE_REVOKED})


def _drive_rolls(
    ledger: Ledger, volume_id: int, item: NoticeItem
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The section naming every roll on the drive of a clearance, as the ledger has them now."""
    roll_ids = {copy.roll_id for copy in ledger.copies(volume_id=volume_id)}
    facts = sorted(ledger.roll_facts(roll_ids).values(), key=lambda f: (f.shoot_day, f.roll))
    lines = tuple(
        notices.drive_roll_line(f.roll, f.shoot_day, f.files, f.bytes, f.state) for f in facts
    )
    return ((notices.drive_rolls_title(item.drive or "the drive", len(lines)), lines),)


def _loudness(severity: Severity) -> int:
    return list(Severity).index(severity)


def _item(recorded: RecordedEvent, roll: RollFacts | None) -> NoticeItem:
    """One event as a notice lays it out: its sentence and its roll's facts."""
    event = recorded.event
    facts = dict(event.facts) if event is not None else {}
    try:
        severity = Severity(recorded.severity)
    except ValueError:
        severity = Severity.WARNING  # a severity a newer rollkeeper recorded
    drive = roll.drive if roll is not None else facts.get("label")
    return NoticeItem(
        event_id=recorded.id,
        kind=recorded.kind,
        severity=severity,
        sentence=recorded.message,
        at=datetime.fromisoformat(recorded.at),
        roll=roll.roll if roll is not None else None,
        day=roll.shoot_day if roll is not None else None,
        drive=None if drive is None else str(drive),
        files=roll.files if roll is not None else None,
        bytes=roll.bytes if roll is not None else facts.get("bytes"),
        state=roll.state if roll is not None else None,
        facts=facts,
    )
