"""Notices for the channels' tests and the README's samples: an alarm about a hostile roll name,
good news across two shoot days, a summary with its CSV, and a batch too big for one Slack
message. Fixed times and ids, so what is rendered from them is the same on every run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rollkeeper.core.events import Severity
from rollkeeper.notify.model import Attachment, Notice, NoticeItem

AT = datetime(2026, 12, 6, 18, 2, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"
CSV = (
    b"shoot_day,camera,roll,files,bytes,verification\r\n"
    b"20261205,A,A001R1AB,212,412000000000,verified\r\n"
    b"20261206,A,A004R2CD,198,380500000000,mismatch\r\n"
)


def alarm(roll: str = "A004R2CD", notice_id: str = "event-4711") -> Notice:
    """A mismatch: told at once, do not erase."""
    sentence = f"MISMATCH {roll}: C004.MXF differs from its MHL — do not erase SHUTTLE_03"
    return Notice(
        notice_id=notice_id,
        kind="copy_differs",
        severity=Severity.ALARM,
        subject=f"[CART-A] MISMATCH {roll} — do not erase",
        summary=sentence,
        cart="CART-A",
        at=AT,
        items=(
            NoticeItem(
                event_id=4711,
                kind="copy_differs",
                severity=Severity.ALARM,
                sentence=sentence,
                at=AT,
                roll=roll,
                day="20261206",
                drive="SHUTTLE_03",
                files=198,
                bytes=380_500_000_000,
                state="mismatch",
                facts={"file": "C004.MXF"},
            ),
        ),
    )


def _uploaded(number: int, day: str, at: datetime) -> NoticeItem:
    roll = f"A{number:03d}R1AB"
    return NoticeItem(
        event_id=100 + number,
        kind="upload_done",
        severity=Severity.INFO,
        sentence=f"{roll} uploaded and verified: its cards may be erased",
        at=at,
        roll=roll,
        day=day,
        drive="SHUTTLE_03",
        files=200 + number,
        bytes=400_000_000_000 + number * 1_000_000_000,
        state="uploaded",
    )


def good_news(rolls: int = 3, days: tuple[str, ...] = ("20261205", "20261206")) -> Notice:
    """A batch of uploads, spread over `days`."""
    items = tuple(
        _uploaded(n, days[n % len(days)], AT - timedelta(minutes=rolls - n))
        for n in range(1, rolls + 1)
    )
    return Notice(
        notice_id=f"batch-slack-1-101-{100 + rolls}",
        kind="good_news",
        severity=Severity.INFO,
        subject=f"[CART-A] {rolls} rolls uploaded and verified",
        summary=f"{rolls} rolls were uploaded and verified; their cards may be erased.",
        cart="CART-A",
        at=AT,
        items=items,
    )


def summary() -> Notice:
    """The day's summary with its roll report CSV attached."""
    return Notice(
        notice_id="event-5000",
        kind="day_summary",
        severity=Severity.INFO,
        subject="[CART-A] SUMMARY: shoot day 20261206 — 2 rolls, 792.5 GB",
        summary="SUMMARY: the daily summary of shoot day 20261206",
        cart="CART-A",
        at=AT,
        items=(_uploaded(1, "20261206", AT),),
        sections=(
            ("May be erased", ("SHUTTLE_03: A001R1AB",)),
            ("Blocked", (f"A004R2CD ({HOSTILE}): MISMATCH, do not erase",)),
            ("Day completeness", ("A003 not seen on any drive",)),
        ),
        attachments=(Attachment("rolls-20261206.csv", "text/csv", CSV),),
    )
