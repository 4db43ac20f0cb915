"""Specification: the daemon's bulk work yields the CPU (`runtime.background`): verification
(and the uploads and hashing readers it starts), listings, judgments and archive polls run on
threads nicer than the loop, as `[service] background_nice` says (Linux)."""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from rollkeeper.runtime.background import background_pool

from tests.unit.runtime.conftest import CartMaker

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="a nice value per thread: Linux")


def nice_here() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_a_background_thread_runs_nicer_than_the_thread_that_made_its_pool() -> None:
    with background_pool(1, "test", nice=5) as pool:
        assert pool.submit(nice_here).result() == min(19, nice_here() + 5)


def test_a_thread_a_background_thread_starts_is_as_nice_as_it() -> None:
    def started_inside() -> tuple[int, int]:
        with ThreadPoolExecutor(1) as inner:
            return nice_here(), inner.submit(nice_here).result()

    with background_pool(1, "test", nice=5) as pool:
        outer, inner = pool.submit(started_inside).result()

    assert inner == outer == min(19, nice_here() + 5)


def test_background_nice_zero_leaves_the_threads_as_the_daemon() -> None:
    with background_pool(1, "test", nice=0) as pool:
        assert pool.submit(nice_here).result() == nice_here()


def test_the_daemons_verification_listings_and_judgments_run_nicer_than_its_loop(
    make_cart: CartMaker,
) -> None:
    cart = make_cart(service={"background_nice": 7})
    steps = cart.service.steps
    pools = {
        "verify": steps.jobs.pool,
        "clearance": steps.judging.pool,
        "recheck": steps.judging.rechecks.pool,
    }

    found = {name: pool.submit(nice_here).result() for name, pool in pools.items()}

    loop = nice_here()
    assert found == dict.fromkeys(pools, min(19, loop + 7))
