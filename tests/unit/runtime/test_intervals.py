"""Specification: interval schedules fold missed periods into one and never storm
(`runtime.intervals`)."""

from __future__ import annotations

from rollkeeper.runtime.intervals import IntervalTimer, awake_clock


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_due_at_once_then_every_period() -> None:
    clock = Clock()
    timer = IntervalTimer(10.0, clock=clock)
    assert timer.due()
    assert not timer.due()
    clock.now += 9.9
    assert not timer.due()
    clock.now += 0.1
    assert timer.due()


def test_a_sleep_through_many_periods_is_one_run_on_waking() -> None:
    clock = Clock()
    timer = IntervalTimer(10.0, clock=clock, first_now=False)
    clock.now += 35.0  # three periods and a half asleep
    assert [timer.due() for _ in range(5)] == [True, False, False, False, False]
    clock.now += 10.0
    assert timer.due()


def test_a_new_period_counts_from_the_last_run() -> None:
    clock = Clock()
    timer = IntervalTimer(10.0, clock=clock)
    assert timer.due()
    clock.now += 3.0
    timer.reschedule(5.0)
    clock.now += 1.9
    assert not timer.due()
    clock.now += 0.1
    assert timer.due()


def test_the_clock_counting_sleep_never_goes_back() -> None:
    first = awake_clock()
    assert awake_clock() >= first
