"""The daemon's bulk work yields the CPU: verification (and the upload it feeds), listings,
judgments and archive polls run on threads of a lower CPU priority than the loop that watches
the drives, answers the page and `status`, and raises alarms — and than the offload software
and the tools a DIT works in on the same cart. Only the CPU: their disk reads are not slowed
(a DIT waits on them).

Linux gives each thread its own nice value, and a thread it starts inherits it: a pool thread
made nicer makes its hashing readers and part uploaders nicer too. Elsewhere (macOS) threads
keep the daemon's priority.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import structlog

log = structlog.get_logger("rollkeeper")

#: The most a nice value can be (the lowest priority).
NICEST = 19


def background_pool(workers: int, name: str, nice: int) -> ThreadPoolExecutor:
    """A pool whose threads run `nice` steps nicer than the daemon (0: as nice as it)."""
    return ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix=name, initializer=yield_cpu, initargs=(nice,)
    )


def yield_cpu(increment: int) -> None:
    """Make the calling thread `increment` steps nicer (Linux); elsewhere, nothing."""
    if increment <= 0 or sys.platform != "linux":
        return
    thread = threading.get_native_id()
    try:
        nice = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(NICEST, nice + increment))
    except OSError as err:  # a sandbox may refuse: the work goes on at the daemon's priority
        log.warning("service.priority_unchanged", thread=thread, error=str(err))
