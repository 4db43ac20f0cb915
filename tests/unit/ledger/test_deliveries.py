"""Specification: every event a channel takes gets its delivery row in the event's own
transaction; deliveries are claimed before they are sent (so a crash resends at most once, under
the same notice id), retried with backoff and jitter (or as the receiver asks), and given up
after `give_up_after`; good news of a channel waits for its batch and goes out together."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rollkeeper.core import happened
from rollkeeper.core.events import Event, EventKind, Severity
from rollkeeper.core.words.deliveries import NO_LONGER_CONFIGURED
from rollkeeper.ledger.outbox import (
    BACKOFF_CAP,
    BACKOFF_FIRST,
    Delivery,
    FailedAttempt,
    backoff,
)
from rollkeeper.ledger.routing import Route
from rollkeeper.ledger.store import Ledger

ROLL = "20261121/Camera_Media/A001R1AB"
ROUTES = (
    Route("email-1", batch_every=600.0),
    Route("slack-1"),
    Route("pager", min_severity="alarm"),
    Route("uploads-only", kinds=frozenset({"upload_done"})),
)
DAY = 86400.0


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = Ledger.in_state_dir(tmp_path / "state", routes=ROUTES)
    yield opened
    opened.close()


def alarm() -> Event:
    return happened.target_unusable("TARGET full")


def good_news(roll: str = ROLL) -> Event:
    return happened.archived(roll, provider="fs-copy")


def upload_done(roll: str = ROLL) -> Event:
    facts = {"stage": "uploaded", "manifest": "m", "problems": [], "label": "RAID_A", "files": 3}
    return Event(EventKind.UPLOAD_DONE, Severity.INFO, roll_id=roll, facts=facts)


def rows(ledger: Ledger) -> list[tuple[str, str, bool]]:
    return [
        (d.channel, d.state, d.good_news) for d in ledger.deliveries(("pending", "sent", "failed"))
    ]


def pending(ledger: Ledger, channel: str) -> list[Delivery]:
    return [d for d in ledger.deliveries(("pending",)) if d.channel == channel]


def later(seconds: float) -> datetime:
    """A moment `seconds` from now, to the millisecond (as the ledger keeps time)."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=seconds)


# --- routing at record time ---------------------------------------------------------------------


def test_an_alarm_is_routed_to_every_channel_that_takes_alarms(ledger: Ledger) -> None:
    ledger.record(alarm())
    assert sorted(rows(ledger)) == [
        ("email-1", "pending", False), ("pager", "pending", False), ("slack-1", "pending", False)
    ]  # fmt: skip


def test_a_channel_naming_kinds_gets_only_those(ledger: Ledger) -> None:
    ledger.record(upload_done())
    assert sorted(r[0] for r in rows(ledger)) == ["email-1", "slack-1", "uploads-only"]


def test_news_nobody_must_hear_is_routed_nowhere(ledger: Ledger) -> None:
    ledger.record(happened.volume_unmounted(1, label="RAID_A"))
    assert rows(ledger) == []


def test_an_event_rolled_back_leaves_no_delivery(ledger: Ledger) -> None:
    with pytest.raises(RuntimeError), ledger.transaction():
        ledger._record(alarm())
        raise RuntimeError("the state change failed")
    assert rows(ledger) == []
    assert ledger.events() == []


def test_a_ledger_opened_without_routes_records_no_delivery(tmp_path: Path) -> None:
    plain = Ledger.in_state_dir(tmp_path / "plain")
    plain.record(alarm())
    assert plain.deliveries(("pending",)) == []
    plain.close()


def test_good_news_waits_for_the_channels_batch_and_alarms_never_wait(ledger: Ledger) -> None:
    ledger.record(good_news())
    ledger.record(alarm())
    claimed = ledger.claim_due(["email-1"], now=later(1))
    assert [c.notice_id for c in claimed] == [f"event-{ledger.newest_event_id()}"]
    assert [c.batch for c in ledger.claim_due(["email-1"], now=later(601))].count(True) == 1


def test_good_news_on_a_channel_without_a_batch_window_is_due_at_once(ledger: Ledger) -> None:
    ledger.record(good_news())
    assert [c.batch for c in ledger.claim_due(["slack-1"], now=later(1))] == [True]


# --- claiming -----------------------------------------------------------------------------------


def test_a_claim_counts_the_attempt_and_pushes_the_next_one_out(ledger: Ledger) -> None:
    ledger.record(alarm())
    now = later(1)
    (claimed,) = ledger.claim_due(["slack-1"], now=now, jitter=lambda: 0.0)
    (row,) = claimed.deliveries
    assert row.attempts == 1
    assert datetime.fromisoformat(row.next_attempt_at) == now + timedelta(seconds=BACKOFF_FIRST / 2)
    assert ledger.claim_due(["slack-1"], now=now) == []


def test_a_crash_after_sending_resends_once_after_the_backoff_with_the_same_id(
    ledger: Ledger,
) -> None:
    ledger.record(good_news())
    ledger.record(good_news("20261121/Camera_Media/A002R1AB"))
    (first,) = ledger.claim_due(["slack-1"], now=later(1), jitter=lambda: 0.0)
    # the notice went out; the daemon died before recording it. Later news arrives.
    ledger.record(good_news("20261122/Camera_Media/A003R1AB"))
    again = ledger.claim_due(["slack-1"], now=later(1 + BACKOFF_FIRST), jitter=lambda: 0.0)
    resent = [c for c in again if c.notice_id == first.notice_id]
    assert len(resent) == 1
    assert resent[0].event_ids == first.event_ids
    assert ledger.claim_due(["slack-1"], now=later(2 + BACKOFF_FIRST)) == []


def test_a_batch_is_all_the_channels_good_news_with_an_id_from_its_events(ledger: Ledger) -> None:
    ledger.record(good_news())
    ledger.record(alarm())
    ledger.record(upload_done("20261122/Camera_Media/A002R1AB"))
    ids = [e.id for e in ledger.events() if e.kind != "target_unusable"]
    batches = [c for c in ledger.claim_due(["email-1"], now=later(601)) if c.batch]
    assert [(b.notice_id, b.event_ids) for b in batches] == [
        (f"batch-email-1-{ids[0]}-{ids[1]}", tuple(ids))
    ]


def test_run_once_claims_everything_pending_whatever_its_window(ledger: Ledger) -> None:
    ledger.record(good_news())
    assert len(ledger.claim_due(["email-1"], everything=True)) == 1


def test_only_the_channels_asked_for_are_claimed(ledger: Ledger) -> None:
    ledger.record(alarm())
    claimed = ledger.claim_due(["pager"], now=later(1))
    assert [c.channel for c in claimed] == ["pager"]


# --- outcomes -----------------------------------------------------------------------------------


def test_a_sent_delivery_is_recorded_with_its_time(ledger: Ledger) -> None:
    ledger.record(alarm())
    (claimed,) = ledger.claim_due(["slack-1"], now=later(1))
    ledger.delivery_sent(claimed)
    (sent,) = ledger.deliveries(("sent",))
    assert (sent.channel, sent.notice_id, sent.sent_at is not None) == (
        "slack-1", claimed.notice_id, True
    )  # fmt: skip


def test_a_failed_attempt_waits_the_backoff_and_keeps_the_error(ledger: Ledger) -> None:
    ledger.record(alarm())
    now = later(1)
    (claimed,) = ledger.claim_due(["slack-1"], now=now)
    ledger.delivery_failed(claimed, FailedAttempt("HTTP 500", DAY, jitter=1.0, now=now))
    (row,) = pending(ledger, "slack-1")
    assert row.last_error == "HTTP 500"
    assert datetime.fromisoformat(row.next_attempt_at) == now + timedelta(seconds=BACKOFF_FIRST)


def test_the_receivers_retry_after_is_honoured(ledger: Ledger) -> None:
    ledger.record(alarm())
    now = later(1)
    (claimed,) = ledger.claim_due(["slack-1"], now=now)
    ledger.delivery_failed(claimed, FailedAttempt("HTTP 429", DAY, retry_after=7.0, now=now))
    (row,) = pending(ledger, "slack-1")
    assert datetime.fromisoformat(row.next_attempt_at) == now + timedelta(seconds=7)


def test_a_delivery_still_failing_after_give_up_after_is_failed(ledger: Ledger) -> None:
    ledger.record(alarm())
    now = later(DAY + 1)
    (claimed,) = ledger.claim_due(["slack-1"], now=now)
    ledger.delivery_failed(claimed, FailedAttempt("connection refused", DAY, now=now))
    (row,) = ledger.deliveries(("failed",))
    assert (row.state, row.last_error) == ("failed", "connection refused")
    assert ledger.claim_due(["slack-1"], everything=True) == []


def test_a_permanent_refusal_is_failed_at_once(ledger: Ledger) -> None:
    ledger.record(alarm())
    (claimed,) = ledger.claim_due(["slack-1"], now=later(1))
    ledger.delivery_failed(claimed, FailedAttempt("HTTP 404", DAY, permanent=True))
    assert [d.state for d in ledger.deliveries(("failed",))] == ["failed"]


def test_deliveries_to_a_channel_no_longer_configured_are_failed_saying_so(
    ledger: Ledger,
) -> None:
    ledger.record(alarm())
    assert ledger.forget_unconfigured({"email-1", "slack-1"}) == 1
    (row,) = ledger.deliveries(("failed",))
    assert (row.channel, row.last_error) == ("pager", NO_LONGER_CONFIGURED)


def test_each_channels_summary_counts_and_names_the_last_error(ledger: Ledger) -> None:
    ledger.record(alarm())
    (claimed,) = ledger.claim_due(["slack-1"], now=later(1))
    ledger.delivery_failed(claimed, FailedAttempt("HTTP 500", DAY))
    summary = {s.channel: s for s in ledger.outbox_summary()}
    assert (summary["slack-1"].pending, summary["slack-1"].failed) == (1, 0)
    assert summary["slack-1"].last_error == "HTTP 500"
    assert summary["email-1"].last_error is None


def test_the_next_delivery_time_is_the_earliest_pending(ledger: Ledger) -> None:
    ledger.record(good_news())
    due = ledger.next_delivery_at(["email-1"])
    assert due is not None and datetime.fromisoformat(due) > later(590)
    assert ledger.next_delivery_at(["nobody"]) is None


# --- backoff ------------------------------------------------------------------------------------


@pytest.mark.parametrize("attempts", [1, 2, 5, 20])
def test_the_backoff_doubles_within_its_jitter_bounds(attempts: int) -> None:
    base = min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** (attempts - 1))
    assert backoff(attempts, 0.0) == base / 2
    assert base / 2 <= backoff(attempts, 0.37) <= base
    assert backoff(attempts, 0.999999) <= base


def test_an_archive_still_overdue_a_day_later_is_delivered_again(ledger: Ledger) -> None:
    from tests.unit.ledger.records import CLIP, ROLL_ID, seen, store_roll

    volume = ledger.volume_mounted(
        label="RAID_A", role="raid", fs_uuid="UUID-A", subpath="", mount_path="/V/RAID_A"
    )
    ledger.observe_copy(seen(volume.id))
    store_roll(ledger, volume.id)

    def overdue() -> None:
        ledger.record_archive_check(
            ROLL_ID, provider="glacier", state="pending", reasons=[],
            objects={f"p/{CLIP}": "pending"}, next_check_at="2026-11-22T00:00:00+00:00",
            overdue=True,
        )  # fmt: skip

    overdue()
    with ledger.transaction() as db:  # the last alarm, a day ago
        db.execute("UPDATE archive_checks SET overdue_alarm_at = '2000-01-01T00:00:00+00:00'")
    overdue()
    alarms = [e.id for e in ledger.events() if e.kind == "archive_overdue"]
    routed = [d.event_id for d in pending(ledger, "pager")]
    assert len(alarms) == 2
    assert routed == alarms


def test_a_delivery_never_tried_is_given_up_after_give_up_after(ledger: Ledger) -> None:
    from rollkeeper.core.words.deliveries import NOT_SENT_IN_TIME

    ledger.record(alarm())
    assert ledger.give_up_expired(DAY) == 0
    assert ledger.give_up_expired(DAY, now=later(DAY + 1)) == 3
    assert {(d.state, d.last_error) for d in ledger.deliveries(("pending", "failed"))} == {
        ("failed", NOT_SENT_IN_TIME)
    }


def test_a_delivery_tried_and_given_up_keeps_its_last_error(ledger: Ledger) -> None:
    ledger.record(alarm())
    (claimed,) = ledger.claim_due(["slack-1"], now=later(1))
    ledger.delivery_failed(claimed, FailedAttempt("HTTP 500", DAY))
    ledger.give_up_expired(DAY, now=later(DAY + 1))
    (row,) = [d for d in ledger.deliveries(("failed",)) if d.channel == "slack-1"]
    assert row.last_error == "HTTP 500"


def test_a_command_claims_only_the_deliveries_of_the_event_it_recorded(ledger: Ledger) -> None:
    ledger.record(alarm())
    ledger.record(happened.summary_asked(None, occasion="wrap"))
    summary_id = ledger.last_recorded_id
    claimed = ledger.claim_event(summary_id, {"email-1", "slack-1", "pager"})
    assert sorted((c.channel, c.notice_id) for c in claimed) == [
        ("email-1", f"event-{summary_id}"),
        ("slack-1", f"event-{summary_id}"),
    ]
    assert [d.attempts for d in pending(ledger, "slack-1")] == [0, 1]  # the alarm untouched
