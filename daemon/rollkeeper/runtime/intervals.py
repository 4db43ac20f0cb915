"""Interval schedules that survive sleep and clock jumps: due at most once however long the
daemon was frozen (a closed lid, SIGSTOP), and never moved by a wall clock set back or forward.

An interval is measured on a clock that counts time asleep but never jumps (`awake_clock`);
when it is found due, the next time is counted from now, so a cart that slept through ten
periods polls once on waking, not ten times. (A wall-clock schedule — the daily summary at
`daily_at` — stays with APScheduler's cron, coalesced, with a grace time for the missed run.)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def awake_clock() -> float:
    """Seconds on a steady clock that counts sleep: CLOCK_BOOTTIME on Linux, CLOCK_MONOTONIC
    on macOS (which counts sleep there), else `time.monotonic`."""
    if sys.platform.startswith("linux"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    if sys.platform == "darwin":
        return time.clock_gettime(time.CLOCK_MONOTONIC)
    return time.monotonic()


class IntervalTimer:
    """Due every `period` seconds (and at once, with `first_now`); missed periods fold into one."""

    def __init__(
        self,
        period: float,
        *,
        first_now: bool = True,
        clock: Callable[[], float] = awake_clock,
    ) -> None:
        self.period = period
        self.clock = clock
        self._next = clock() if first_now else clock() + period

    def due(self) -> bool:
        """Whether a run is due now; if so, the next is one period from now."""
        now = self.clock()
        if now < self._next:
            return False
        self._next = now + self.period
        return True

    def reschedule(self, period: float) -> None:
        """A new period, counted from the last run (or from now, if that is already past)."""
        self._next = max(self.clock(), self._next - self.period + period)
        self.period = period
