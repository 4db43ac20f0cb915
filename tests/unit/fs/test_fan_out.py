"""Specification: `map_on_threads`, the thread fan-out of the hashing commands."""

from __future__ import annotations

import threading

import pytest
from rollkeeper.fs.fan_out import map_on_threads


def test_results_come_back_in_the_order_of_the_items() -> None:
    assert map_on_threads(lambda n: n * n, list(range(50)), jobs=4, name="t") == [
        n * n for n in range(50)
    ]


def test_one_job_runs_everything_on_the_calling_thread() -> None:
    seen = map_on_threads(lambda _: threading.current_thread(), [1, 2, 3], jobs=1, name="t")
    assert set(seen) == {threading.current_thread()}


def test_no_more_threads_than_items_are_started() -> None:
    before = threading.active_count()
    counts = map_on_threads(lambda _: threading.active_count(), [1, 2], jobs=8, name="t")
    assert max(counts) <= before + 1


def test_items_are_worked_on_at_the_same_time_up_to_jobs() -> None:
    barrier = threading.Barrier(3, timeout=10)

    def meet(_: int) -> int:
        return barrier.wait()  # only returns once three items are in hand at once

    assert sorted(map_on_threads(meet, [0, 1, 2], jobs=3, name="t")) == [0, 1, 2]


def test_an_empty_list_gives_an_empty_list() -> None:
    assert map_on_threads(lambda n: n, [], jobs=4, name="t") == []


def test_the_first_failure_is_raised_and_stops_new_items_from_being_taken() -> None:
    taken: list[int] = []

    def work(n: int) -> int:
        taken.append(n)
        if n == 0:
            raise ValueError("bad item")
        return n

    with pytest.raises(ValueError, match="bad item"):
        map_on_threads(work, list(range(1000)), jobs=1, name="t")
    assert taken == [0]


def test_every_thread_has_finished_when_a_failure_is_raised() -> None:
    finished: list[int] = []
    started = threading.Event()

    def work(n: int) -> int:
        if n == 0:
            started.wait(10)
            raise RuntimeError("boom")
        started.set()
        threading.Event().wait(0.05)
        finished.append(n)
        return n

    with pytest.raises(RuntimeError, match="boom"):
        map_on_threads(work, [0, 1], jobs=2, name="t")
    assert finished == [1]
