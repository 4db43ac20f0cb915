"""Specification: the upload's bandwidth follows `[target] bandwidth_windows` by the cart's local
time of day (`transfer.bandwidth`); outside every window `bandwidth_limit` applies."""

from __future__ import annotations

from rollkeeper.config.storage import BandwidthWindow
from rollkeeper.transfer.bandwidth import BandwidthNow, ScheduledBandwidth, bandwidth_at

NIGHT = BandwidthWindow(start="19:00", end="07:00", limit=None)
LUNCH = BandwidthWindow(start="12:00", end="13:00", limit=5_000_000)
DAY_LIMIT = 20_000_000


def at(clock: str) -> BandwidthNow:
    hours, minutes = clock.split(":")
    return bandwidth_at(int(hours) * 60 + int(minutes), DAY_LIMIT, [NIGHT, LUNCH])


def test_inside_a_window_crossing_midnight_its_limit_applies_on_both_sides_of_it() -> None:
    assert at("23:30") == BandwidthNow(None, "19:00-07:00", "07:00")
    assert at("03:00") == BandwidthNow(None, "19:00-07:00", "07:00")


def test_outside_every_window_the_default_limit_applies_until_the_next_window() -> None:
    assert at("09:00") == BandwidthNow(DAY_LIMIT, None, "12:00")
    assert at("13:00") == BandwidthNow(DAY_LIMIT, None, "19:00")


def test_a_window_opens_at_its_start_and_is_closed_at_its_end() -> None:
    assert at("19:00").window == "19:00-07:00"
    assert at("07:00").window is None
    assert at("12:00") == BandwidthNow(5_000_000, "12:00-13:00", "13:00")


class Sleeps:
    def __init__(self) -> None:
        self.slept: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


def test_full_speed_in_a_window_without_a_limit_never_waits() -> None:
    sleeps = Sleeps()
    pace = ScheduledBandwidth(DAY_LIMIT, [NIGHT], sleep=sleeps, minute=lambda: 23 * 60)

    pace.take(10**12)

    assert sleeps.slept == []


def test_outside_the_window_the_default_limit_paces_the_upload() -> None:
    sleeps = Sleeps()
    pace = ScheduledBandwidth(1000, [NIGHT], sleep=sleeps, minute=lambda: 10 * 60)

    pace.take(10_250)  # 10 s of bytes at 1000 B/s, beyond the quarter-second burst

    assert len(sleeps.slept) == 1 and sleeps.slept[0] > 9.9


def test_when_the_window_opens_the_pace_changes_at_the_next_part() -> None:
    sleeps = Sleeps()
    minute = [10 * 60]
    pace = ScheduledBandwidth(1000, [NIGHT], sleep=sleeps, minute=lambda: minute[0])
    pace.take(10_250)
    minute[0] = 19 * 60

    pace.take(10**9)

    assert len(sleeps.slept) == 1
