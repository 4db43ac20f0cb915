"""Specification: each archive poll's answer is recorded for its roll; the archive turning archived
or failed is said once, an overdue archive is alarmed about at most once a day."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.core.lifecycle import RollState
from rollkeeper.ledger.store import Ledger

from tests.unit.ledger.records import CLIP, ROLL_ID, seen, store_roll

NEXT = "2026-11-22T00:00:00+00:00"


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = Ledger.in_state_dir(tmp_path / "state")
    volume = opened.volume_mounted(
        label="RAID_A", role="raid", fs_uuid="UUID-A", subpath="", mount_path="/Volumes/RAID_A"
    )
    opened.observe_copy(seen(volume.id))
    store_roll(opened, volume.id)
    yield opened
    opened.close()


def answer(
    ledger: Ledger, state: str, *, reasons: tuple[str, ...] = (), overdue: bool = False
) -> RollState:
    return ledger.record_archive_check(
        ROLL_ID,
        provider="glacier",
        state=state,
        reasons=list(reasons),
        objects={f"p/{CLIP}": state},
        next_check_at=NEXT,
        overdue=overdue,
    )


def archive_events(ledger: Ledger) -> list[tuple[str, str, str]]:
    return [(e.kind, e.severity, e.message) for e in ledger.events() if "archive" in e.kind]


def test_an_archived_answer_archives_the_roll_and_is_announced(ledger: Ledger) -> None:
    assert answer(ledger, "archived") is RollState.ARCHIVED
    assert archive_events(ledger) == [
        (
            "archive_done",
            "info",
            f"ARCHIVED: roll {ROLL_ID}: the archival copy of every object is verified (glacier)",
        )
    ]


def test_the_archive_is_announced_archived_only_once(ledger: Ledger) -> None:
    answer(ledger, "archived")
    answer(ledger, "archived")
    assert [kind for kind, _, _ in archive_events(ledger)] == ["archive_done"]


def test_the_first_time_the_roll_was_archived_is_kept(ledger: Ledger) -> None:
    answer(ledger, "archived")
    first = ledger.archive_check(ROLL_ID)
    answer(ledger, "archived")
    again = ledger.archive_check(ROLL_ID)
    assert first is not None and again is not None
    assert again.archived_at == first.archived_at
    assert again.checked_at >= first.checked_at


def test_a_failed_archive_is_an_alarm_naming_its_first_reasons(ledger: Ledger) -> None:
    answer(ledger, "failed", reasons=("checksum differs", "object gone"))
    assert archive_events(ledger) == [
        (
            "archive_failed",
            "alarm",
            f"ARCHIVE FAILED: roll {ROLL_ID} (glacier): checksum differs; object gone",
        )
    ]


def test_a_failed_archive_is_alarmed_about_once_while_it_stays_failed(ledger: Ledger) -> None:
    answer(ledger, "failed", reasons=("checksum differs",))
    answer(ledger, "failed", reasons=("checksum differs",))
    assert [kind for kind, _, _ in archive_events(ledger)] == ["archive_failed"]


def test_a_pending_answer_is_recorded_without_an_event(ledger: Ledger) -> None:
    assert answer(ledger, "pending", reasons=("restore not yet asked",)) is RollState.UPLOADED
    check = ledger.archive_check(ROLL_ID)
    assert check is not None
    assert (check.state, check.next_check_at, check.archived_at) == ("pending", NEXT, None)
    assert archive_events(ledger) == []


def test_an_overdue_archive_is_an_alarm(ledger: Ledger) -> None:
    answer(ledger, "pending", reasons=("restore not yet asked",), overdue=True)
    assert archive_events(ledger) == [
        (
            "archive_overdue",
            "alarm",
            f"ARCHIVE OVERDUE: roll {ROLL_ID} still has no verified archival copy "
            "(glacier: restore not yet asked)",
        )
    ]


def test_an_overdue_archive_is_alarmed_about_at_most_once_a_day(ledger: Ledger) -> None:
    answer(ledger, "pending", overdue=True)
    answer(ledger, "pending", overdue=True)
    assert [kind for kind, _, _ in archive_events(ledger)] == ["archive_overdue"]


def test_an_overdue_archive_is_alarmed_about_again_a_day_later(ledger: Ledger) -> None:
    answer(ledger, "pending", overdue=True)
    with ledger.transaction() as db:  # the last alarm, long ago
        db.execute("UPDATE archive_checks SET overdue_alarm_at = '2000-01-01T00:00:00+00:00'")
    answer(ledger, "pending", overdue=True)
    assert [kind for kind, _, _ in archive_events(ledger)] == ["archive_overdue"] * 2


def test_an_archived_roll_is_never_overdue(ledger: Ledger) -> None:
    answer(ledger, "archived", overdue=True)
    assert [kind for kind, _, _ in archive_events(ledger)] == ["archive_done"]


def test_a_roll_polled_and_not_due_again_is_due_when_everything_is_asked_for(
    ledger: Ledger,
) -> None:
    answer(ledger, "pending")  # next poll at NEXT
    before_next = "2026-11-21T12:00:00+00:00"

    assert ledger.archive_due(before_next) == []
    assert [due.roll_id for due in ledger.archive_due(None)] == [ROLL_ID]


def test_an_archived_roll_not_yet_due_again_is_not_asked_even_when_everything_is(
    ledger: Ledger,
) -> None:
    """`run --once` asks about every roll not yet archived; an archived one only when its
    periodic look (does the archival copy still exist?) is due."""
    ledger.record_archive_check(
        ROLL_ID,
        provider="glacier",
        state="archived",
        reasons=[],
        objects={f"p/{CLIP}": "archived"},
        next_check_at="2999-01-01T00:00:00+00:00",
        overdue=False,
    )

    assert ledger.archive_due(None) == []


def test_an_archived_roll_due_again_is_asked_when_everything_is(ledger: Ledger) -> None:
    answer(ledger, "archived")  # its next look is long past

    assert [due.roll_id for due in ledger.archive_due(None)] == [ROLL_ID]
