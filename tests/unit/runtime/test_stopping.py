"""Specification: a stop spends its grace period in order — the running jobs first, then what
must follow them (`runtime.stopping`)."""

from __future__ import annotations

import pytest
from rollkeeper.runtime.stopping import StopClock


def test_without_a_stop_jobs_may_take_as_long_as_they_need() -> None:
    assert StopClock(20.0).jobs_until() is None


def test_jobs_get_the_grace_period_less_what_the_outbox_and_ledger_need() -> None:
    clock = StopClock(20.0)
    clock.begin()

    assert clock.asked_at is not None
    assert clock.jobs_until() == pytest.approx(clock.asked_at + 14.0)


def test_a_short_grace_period_keeps_a_share_of_it_for_what_follows_the_jobs() -> None:
    clock = StopClock(4.0)
    clock.begin()

    assert clock.asked_at is not None
    assert clock.jobs_until() == pytest.approx(clock.asked_at + 2.8)


def test_a_second_signal_does_not_move_the_deadline() -> None:
    clock = StopClock(20.0)
    clock.begin()
    first = clock.asked_at

    clock.begin()

    assert clock.asked_at == first
