"""Specification: the plain text and HTML a person reads say each thing once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from rollkeeper.core.events import Severity
from rollkeeper.notify.model import Notice, NoticeItem
from rollkeeper.notify.rendering import render_html, render_text

from tests.notices import alarm

SENTENCE = "YOU MAY ERASE SHUTTLE_03 (rotation; cards level: uploaded and proven)"
AT = datetime(2026, 12, 6, 18, 2, tzinfo=UTC)


def drive_cleared() -> Notice:
    item = NoticeItem(7, "clearance_granted", Severity.INFO, SENTENCE, AT, drive="SHUTTLE_03")
    return Notice(
        notice_id="event-7",
        kind="clearance_granted",
        severity=Severity.INFO,
        subject="[CART-A] SHUTTLE_03 may be erased — 2 rolls, 5.5 MB, all verified",
        summary=SENTENCE,
        cart="CART-A",
        at=AT,
        items=(item,),
        sections=(("2 rolls on SHUTTLE_03", ("A001R1AB (20261121): 2 files, 5 MB, uploaded",)),),
    )


def test_an_event_of_no_roll_is_said_once_in_both_parts() -> None:
    notice = drive_cleared()
    assert render_text(notice).count(SENTENCE) == 1
    assert render_html(notice).count(SENTENCE) == 1
    assert "Other" not in render_text(notice)


def test_a_drive_cleared_lists_its_rolls() -> None:
    text = render_text(drive_cleared())
    assert "2 rolls on SHUTTLE_03\n  A001R1AB (20261121): 2 files, 5 MB, uploaded\n" in text


def test_an_event_of_a_roll_keeps_its_facts_under_the_opening() -> None:
    notice = alarm()
    item = notice.items[0]
    assert item.roll is not None
    text = render_text(replace(notice, summary=item.sentence))
    assert f"roll {item.roll}" in text
