"""A token bucket shared by threads, for reads (and later uploads) that must not saturate a drive.

Offloads and playback run on the same RAID while rollkeeper verifies; a read-rate limit keeps the
DIT's own work fast.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Blocks callers so that on average no more than `rate` bytes pass per second."""

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("a rate limit must be positive")
        self.rate = rate
        self.capacity = burst if burst is not None else rate / 4
        self._tokens = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self, count: int) -> None:
        """Account for `count` bytes, sleeping as long as the rate requires."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= count
            debt = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if debt > 0:
            self._sleep(debt)
