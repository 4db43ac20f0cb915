"""Specification: the loop tells people (`runtime.notifying`). Each pass it sends what is due,
one worker per channel, so a failing or slow channel delays no other; outcomes are recorded by
the loop; `run --once` flushes everything; a crash between sending and recording sends the
notice again once, under the same id; the daily summary is recorded and delivered when asked.

The channels are small in-test classes speaking the `Channel` protocol (the real email, Slack,
webhook and apprise channels are specified with their own servers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rollkeeper.config.schema import Config
from rollkeeper.core import happened
from rollkeeper.core.events import Event
from rollkeeper.core.words.deliveries import NO_LONGER_CONFIGURED
from rollkeeper.ledger.outbox import BACKOFF_CAP
from rollkeeper.notify.model import Channel, DeliveryFailed, Notice
from rollkeeper.runtime.daily import DailySummary
from rollkeeper.runtime.service import Service

from tests.unit.runtime.conftest import cart_config

#: A guard against a test hanging, never a measure of behaviour.
GUARD = 10.0
ROLL = "20261121_Day01/Camera_Media/A001R1AB"


class FakeChannel:
    """A channel that keeps what it is sent; it may refuse (`failing`) or hold a send until
    released (`gate`)."""

    kind = "slack"

    def __init__(self, name: str, *, failing: DeliveryFailed | None = None) -> None:
        self.name = name
        self.failing = failing
        self.gate: threading.Event | None = None
        self.sent: list[Notice] = []
        self.closed = False

    def send(self, notice: Notice) -> None:
        if self.gate is not None:
            self.gate.wait(GUARD)
        if self.failing is not None:
            raise self.failing
        self.sent.append(notice)

    def close(self) -> None:
        self.closed = True


def notify_config(tmp_path: Path, **notify: Any) -> Config:
    slack = [
        {"name": "fast", "webhook_url_env": "RK_TEST_UNUSED"},
        {"name": "slow", "webhook_url_env": "RK_TEST_UNUSED"},
    ]
    email = [{"name": "mail", "host": "localhost", "sender": "rk@cart", "to": ["dit@show"]}]
    return cart_config(tmp_path, notify={"slack": slack, "email": email, **notify})


@pytest.fixture
def channels() -> dict[str, FakeChannel]:
    return {name: FakeChannel(name) for name in ("fast", "slow", "mail")}


@pytest.fixture
def service(tmp_path: Path, channels: dict[str, FakeChannel]) -> Iterator[Service]:
    opened = open_service(tmp_path, list(channels.values()))
    yield opened
    if opened.context.is_open:
        opened.close()


def open_service(tmp_path: Path, channels: Sequence[Channel], **notify: Any) -> Service:
    (tmp_path / "RAID_A").mkdir(exist_ok=True)
    service = Service(notify_config(tmp_path, **notify), channels=lambda _config: channels)
    service.open()
    return service


def wait_for_outcomes(service: Service) -> None:
    """Record every outcome the workers report, until none is in flight."""
    notifying = service.steps.notifying
    deadline = time.monotonic() + GUARD
    while any(notifying.in_flight.values()) and time.monotonic() < deadline:
        service.context.wake.wait(0.05)
        service.context.wake.clear()
        notifying.record_outcomes()


def alarm() -> Event:
    return happened.target_unusable("TARGET full: 0 bytes free on /mnt/nas")


def states(service: Service, channel: str) -> list[str]:
    every = service.ledger.deliveries(("pending", "sent", "failed"))
    return [d.state for d in every if d.channel == channel]


def test_an_alarm_goes_out_on_the_next_pass_under_its_events_id(
    service: Service, channels: dict[str, FakeChannel]
) -> None:
    service.ledger.record(alarm())
    service.steps.notifying.step()
    wait_for_outcomes(service)
    (notice,) = channels["fast"].sent
    assert notice.notice_id == f"event-{service.ledger.newest_event_id()}"
    assert (
        notice.subject == "[TEST-CART] STORAGE NOT USABLE — TARGET full: 0 bytes free on /mnt/nas"
    )
    assert states(service, "fast") == ["sent"]


def test_a_failing_channel_keeps_its_delivery_pending_with_the_error(
    service: Service, channels: dict[str, FakeChannel]
) -> None:
    channels["slow"].failing = DeliveryFailed("Slack answered 500")
    service.ledger.record(alarm())
    service.steps.notifying.step()
    wait_for_outcomes(service)
    (waiting,) = [d for d in service.ledger.deliveries(("pending",)) if d.channel == "slow"]
    assert waiting.last_error == "Slack answered 500"
    assert states(service, "fast") == ["sent"]


def test_a_slow_channel_does_not_delay_another(
    service: Service, channels: dict[str, FakeChannel]
) -> None:
    gate = channels["slow"].gate = threading.Event()
    service.ledger.record(alarm())
    service.steps.notifying.step()
    deadline = time.monotonic() + GUARD
    while not channels["fast"].sent and time.monotonic() < deadline:
        time.sleep(0.01)
    service.steps.notifying.record_outcomes()
    assert (states(service, "fast"), states(service, "slow")) == (["sent"], ["pending"])
    gate.set()
    wait_for_outcomes(service)
    assert states(service, "slow") == ["sent"]


def test_good_news_waits_for_the_email_batch_but_not_for_slack(
    service: Service, channels: dict[str, FakeChannel]
) -> None:
    service.ledger.record(happened.archived(ROLL, provider="fs-copy"))
    service.steps.notifying.step()
    wait_for_outcomes(service)
    assert [n.kind for n in channels["fast"].sent] == ["good_news"]
    assert channels["mail"].sent == []


def test_run_once_flushes_good_news_whatever_its_batch_window(
    service: Service, channels: dict[str, FakeChannel]
) -> None:
    service.ledger.record(happened.archived(ROLL, provider="fs-copy"))
    service.steps.notifying.flush(GUARD)
    assert [n.kind for n in channels["mail"].sent] == ["good_news"]
    assert states(service, "mail") == ["sent"]


def test_a_crash_between_sending_and_recording_sends_again_once_with_the_same_id(
    tmp_path: Path,
) -> None:
    first = FakeChannel("fast")
    crashed = open_service(tmp_path, [first, FakeChannel("slow"), FakeChannel("mail")])
    crashed.ledger.record(alarm())
    crashed.steps.notifying.step()
    while not first.sent:
        time.sleep(0.01)
    crashed.steps.notifying.outcomes = type(crashed.steps.notifying.outcomes)()  # never heard
    crashed.close()

    second = FakeChannel("fast")
    restarted = open_service(tmp_path, [second, FakeChannel("slow"), FakeChannel("mail")])
    try:
        notifying = restarted.steps.notifying
        notifying.step()  # the claim's backoff has not passed: nothing is sent again yet
        assert second.sent == []
        after_backoff = datetime.now(UTC) + timedelta(seconds=BACKOFF_CAP)
        notifying.step(after_backoff)
        wait_for_outcomes(restarted)
        notifying.step(after_backoff + timedelta(seconds=BACKOFF_CAP))
        wait_for_outcomes(restarted)
        assert [n.notice_id for n in first.sent + second.sent] == [first.sent[0].notice_id] * 2
    finally:
        restarted.close()


def test_the_daily_summary_is_recorded_and_delivered_when_its_time_comes(
    service: Service, channels: dict[str, FakeChannel]
) -> None:
    service.steps.notifying.summary_due.set()
    service.steps.notifying.step()
    wait_for_outcomes(service)
    (notice,) = channels["fast"].sent
    assert notice.kind == "day_summary"
    assert notice.subject == f"[TEST-CART] Daily summary of shoot day {DailySummary.today()}"
    assert notice.summary == f"Shoot day {DailySummary.today()}: 0 rolls, 0 B"


def test_deliveries_to_a_channel_removed_from_the_config_are_failed_at_start(
    tmp_path: Path,
) -> None:
    before = open_service(tmp_path, [])
    before.ledger.record(alarm())
    before.close()
    slack = [{"name": "fast", "webhook_url_env": "RK_TEST_UNUSED"}]
    (tmp_path / "RAID_A").mkdir(exist_ok=True)
    after = Service(cart_config(tmp_path, notify={"slack": slack}))
    after.open()
    try:
        failed = after.ledger.deliveries(("failed",))
        assert sorted(d.channel for d in failed) == ["mail", "slow"]
        assert {d.last_error for d in failed} == {NO_LONGER_CONFIGURED}
    finally:
        after.close()


def test_an_idle_pass_asks_the_ledger_nothing(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifying = service.steps.notifying
    notifying.step()
    asked: list[object] = []
    monkeypatch.setattr(service.ledger, "next_delivery_at", lambda *a: asked.append(a))
    notifying.step()
    assert asked == []


def test_the_channels_are_closed_with_the_daemon(
    service: Service, channels: dict[str, FakeChannel]
) -> None:
    service.close()
    assert all(channel.closed for channel in channels.values())


def test_the_daily_summary_is_scheduled_at_its_local_time() -> None:
    daily = DailySummary("19:00", lambda: None)
    daily.start()
    try:
        assert daily.scheduler is not None
        (job,) = daily.scheduler.get_jobs()
        when = job.next_run_time
        assert (when.hour, when.minute) == (19, 0)
        assert when.utcoffset() == when.astimezone().utcoffset()  # the cart's local zone
    finally:
        daily.shutdown()


def test_without_daily_at_no_summary_is_scheduled() -> None:
    daily = DailySummary(None, lambda: None)
    daily.start()
    assert daily.scheduler is None


def test_the_loop_rests_no_longer_than_until_a_notification_is_due(
    service: Service,
) -> None:
    service.ledger.record(happened.archived(ROLL, provider="fs-copy"))  # the email batch: 10 min
    service.ledger.record(alarm())
    notifying = service.steps.notifying
    notifying.step()
    wait_for_outcomes(service)
    notifying.step()
    due = notifying.sleep_for()
    assert due is not None and 500 < due <= 600
    assert service.loop.sleep_for() <= 0.5  # a tick, never more than until then


class CountingChannel(FakeChannel):
    """A channel that counts its attempts and refuses every one."""

    def __init__(self, name: str) -> None:
        super().__init__(name, failing=DeliveryFailed("smtp: timed out"))
        self.attempts = 0

    def send(self, notice: Notice) -> None:
        self.attempts += 1
        super().send(notice)


def test_a_channel_that_is_down_costs_one_attempt_a_pass_not_one_a_message(
    tmp_path: Path,
) -> None:
    down = CountingChannel("fast")
    service = open_service(tmp_path, [down, FakeChannel("slow"), FakeChannel("mail")])
    try:
        for _ in range(3):
            service.ledger.record(alarm())
        service.steps.notifying.step()
        wait_for_outcomes(service)
        errors = sorted(d.last_error or "" for d in service.ledger.deliveries(("pending",)))
        assert down.attempts == 1
        assert errors == ["not tried: smtp: timed out"] * 2 + ["smtp: timed out"]
    finally:
        service.close()


def test_alarms_go_first_on_a_pass(service: Service, channels: dict[str, FakeChannel]) -> None:
    service.ledger.record(happened.archived(ROLL, provider="fs-copy"))
    service.ledger.record(alarm())
    service.steps.notifying.step()
    wait_for_outcomes(service)
    assert [n.severity.value for n in channels["fast"].sent] == ["alarm", "info"]
