"""Stopping within `[service] stop_grace`, whatever is in flight.

SIGTERM/SIGINT halt the uploads at their next part boundary (`transfer.gate`), and the daemon
then spends its grace period in a fixed order: the jobs still running get most of it (each
one that ends is recorded, so a roll whose upload finished meanwhile is never uploaded again);
the rest goes to the notification outbox's last outcomes and to closing the ledger. A job still
running then is left behind (its copy is verified again at the next start, its upload resumed
from its checkpointed parts), and so are threads blocked on the network: the process exits
without waiting for them. Should anything hang past the grace period anyway, a timer ends the
process: the ledger is crash-safe, and the next start resumes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time

import structlog

log = structlog.get_logger("rollkeeper")

#: Of the grace period, at most this share (and at most `RESERVE_MAX` seconds) is kept for
#: what follows the jobs: the outbox's last outcomes and closing the ledger.
RESERVE_SHARE = 0.3
RESERVE_MAX = 6.0
#: The last-resort exit comes this share of the grace period (at most a second) before its end.
MARGIN_SHARE = 0.05


class StopClock:
    """When the stop was asked for, and what of the grace period is left for each step."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.asked_at: float | None = None
        self._timer: threading.Timer | None = None

    def begin(self) -> None:
        """The stop was asked for now (a second signal changes nothing)."""
        if self.asked_at is None:
            self.asked_at = time.monotonic()

    def jobs_until(self) -> float | None:
        """Until when (monotonic) running jobs may end; None when no stop was asked for (the
        daemon ends on its own: `run --once`, an error)."""
        if self.asked_at is None:
            return None
        return self.asked_at + self.grace - min(RESERVE_MAX, RESERVE_SHARE * self.grace)

    def arm(self) -> None:
        """Start the last resort: end the process just before the grace period runs out."""
        if self._timer is not None or self.asked_at is None:
            return
        margin = min(1.0, MARGIN_SHARE * self.grace)
        left = self.asked_at + self.grace - margin - time.monotonic()
        self._timer = threading.Timer(max(0.0, left), _out_of_time, args=(self.grace,))
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _out_of_time(grace: float) -> None:
    """The grace period is nearly over and the daemon has not stopped: stop now."""
    log.warning("stop_grace ran out: exiting now; the next start resumes", stop_grace=grace)
    _flush_and_exit(0)


def lingering_threads() -> list[threading.Thread]:
    """Threads that would keep the interpreter from exiting (an upload blocked on the network)."""
    current = threading.current_thread()
    return [t for t in threading.enumerate() if t is not current and not t.daemon and t.is_alive()]


def leave(code: int) -> None:
    """End the process with `code` now, even if threads left behind are still busy (they hold
    nothing the next start needs). Returns only when no thread lingers: then a normal exit."""
    busy = lingering_threads()
    if not busy:
        return
    log.info("exiting without waiting for work left behind", threads=len(busy))
    _flush_and_exit(code)


def _flush_and_exit(code: int) -> None:
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
