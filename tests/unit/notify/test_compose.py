"""Specification: notices are composed from recorded events and the ledger's roll facts
(`notify.compose`), with subject lines a person triages from a phone's lock screen
(`core.words.notices`); good news of a batch is grouped by shoot day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rollkeeper.core import happened
from rollkeeper.core.clearance import Blocker, DriveVerdict
from rollkeeper.core.events import Event
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.core.words.notices import human_size
from rollkeeper.ledger.outbox import Claimed
from rollkeeper.ledger.routing import Route
from rollkeeper.ledger.store import Ledger
from rollkeeper.notify.compose import Composer, SummaryParts

from tests.unit.ledger.records import seen, store_roll

A001 = "20261121/Camera_Media/A001R1AB"
A002 = "20261121/Camera_Media/A002R1AB"
B001 = "20261122/Camera_Media/B001R1AB"
COMPOSER = Composer("CART-A", clock=lambda: datetime(2026, 12, 6, 19, 0, tzinfo=UTC))


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = Ledger.in_state_dir(tmp_path / "state", routes=(Route("email-1", batch_every=60),))
    yield opened
    opened.close()


def raid(ledger: Ledger) -> int:
    return ledger.volume_mounted(
        label="RAID_A", role="raid", fs_uuid="U-A", subpath="", mount_path="/V/RAID_A"
    ).id


def stored(ledger: Ledger, volume_id: int, roll_id: str) -> None:
    ledger.observe_copy(seen(volume_id, roll_id=roll_id))
    store_roll(ledger, volume_id, roll_id=roll_id)


def one(ledger: Ledger, event: Event) -> Claimed:
    """The claim of the only delivery of `event`, recorded now."""
    ledger.record(event)
    newest = ledger.newest_event_id()
    claims = ledger.claim_due(["email-1"], everything=True)
    (claimed,) = [c for c in claims if c.event_ids == (newest,)]
    return claimed


def granted(rolls: int, size: int) -> Event:
    verdict = DriveVerdict("SHUTTLE_03", "rotation", True, "cards", (), ())
    return happened.clearance(7, verdict, rolls=rolls, size=size)


def test_a_drive_cleared_says_its_rolls_and_bytes_in_the_subject(ledger: Ledger) -> None:
    notice = COMPOSER.compose(ledger, one(ledger, granted(12, 1_400_000_000_000)))
    assert notice.subject == "[CART-A] SHUTTLE_03 may be erased — 12 rolls, 1.4 TB, all verified"
    assert notice.summary == "YOU MAY ERASE SHUTTLE_03 (rotation; cards level: uploaded and proven)"


def test_a_mismatch_says_do_not_erase(ledger: Ledger) -> None:
    volume_id = raid(ledger)
    roll_id = "20261121/Camera_Media/A004R2CD"
    failed = happened.verification_failed(
        roll_id, volume_id, state=CopyState.MISMATCH, label="RAID_A", problems=["x.mov"]
    )
    notice = COMPOSER.compose(ledger, one(ledger, failed))
    assert notice.subject == "[CART-A] MISMATCH A004R2CD — do not erase"
    assert (notice.notice_id, notice.severity.value) == (
        f"event-{ledger.newest_event_id()}",
        "alarm",
    )


def test_a_revoked_clearance_says_keep_it(ledger: Ledger) -> None:
    verdict = DriveVerdict(
        "SHUTTLE_03", "rotation", False, "none", (Blocker(A001, "A001R1AB: object gone"),), ()
    )
    notice = COMPOSER.compose(ledger, one(ledger, happened.clearance(7, verdict)))
    assert notice.subject == "[CART-A] CLEARANCE REVOKED SHUTTLE_03 — keep it"


def test_an_overdue_archive_names_its_roll(ledger: Ledger) -> None:
    overdue = happened.archive_overdue(A001, provider="http", reasons=["pending"], state="pending")
    notice = COMPOSER.compose(ledger, one(ledger, overdue))
    assert notice.subject == "[CART-A] ARCHIVE OVERDUE A001R1AB"


def test_a_batch_groups_good_news_by_shoot_day_with_the_rolls_facts(ledger: Ledger) -> None:
    volume_id = raid(ledger)
    for roll_id in (B001, A001, A002):
        stored(ledger, volume_id, roll_id)
    ledger.record(happened.archived(A001, provider="fs-copy"))
    (batch,) = [c for c in ledger.claim_due(["email-1"], everything=True) if c.batch]
    notice = COMPOSER.compose(ledger, batch)
    assert notice.subject == (
        "[CART-A] 3 rolls uploaded and verified, 1 archived — days 20261121, 20261122"
    )
    assert [item.day for item in notice.items] == ["20261121"] * 3 + ["20261122"]
    assert notice.sections == ()  # the channels head each day's items: nothing said twice
    assert [(i.roll, i.day, i.files, i.bytes, i.drive) for i in notice.items][:2] == [
        ("A001R1AB", "20261121", 1, 3, "RAID_A"), ("A002R1AB", "20261121", 1, 3, "RAID_A")
    ]  # fmt: skip
    assert notice.summary == "Good news about 3 rolls (9 B), by shoot day."
    assert notice.notice_id == batch.notice_id


def test_a_summary_is_told_through_the_summarizer_it_is_given(ledger: Ledger) -> None:
    def summarizer(_ledger: Ledger, day: str | None) -> SummaryParts:
        return SummaryParts(f"the day {day}", (("Gaps", ("A003 not seen on any drive",)),))

    composer = Composer("CART-A", summarizer=summarizer)
    asked = happened.summary_asked("20261121", occasion="wrap")
    notice = composer.compose(ledger, one(ledger, asked))
    assert notice.subject == "[CART-A] Summary of shoot day 20261121"
    assert (notice.summary, notice.sections) == (
        "the day 20261121", (("Gaps", ("A003 not seen on any drive",)),)
    )  # fmt: skip


def test_the_plain_summary_counts_the_days_rolls_by_state(ledger: Ledger) -> None:
    volume_id = raid(ledger)
    for roll_id in (A001, B001):
        stored(ledger, volume_id, roll_id)
    asked = happened.summary_asked("20261121", occasion="daily")
    notice = COMPOSER.compose(ledger, one(ledger, asked))
    assert notice.subject == "[CART-A] Daily summary of shoot day 20261121"
    assert notice.summary == "Shoot day 20261121: 1 roll, 3 B (1 uploaded)"
    assert notice.sections == (("Rolls by state", ("uploaded: A001R1AB",)),)


@pytest.mark.parametrize(
    ("size", "said"),
    [(12, "12 B"), (1_000, "1 KB"), (512_300_000, "512.3 MB"), (1_400_000_000_000, "1.4 TB")],
)
def test_sizes_are_said_in_si_units(size: int, said: str) -> None:
    assert human_size(size) == said
