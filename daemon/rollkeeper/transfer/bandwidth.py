"""The upload's bandwidth limit, following the time of day (`[target] bandwidth_windows`).

Inside a window its own limit applies (None: full speed), outside every window the target's
`bandwidth_limit`; windows are in the cart's local time and may run past midnight. The limit is
looked up as each part or small file is about to go, so a window opening mid-file changes the
pace at the next part.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rollkeeper.config.storage import MINUTES_A_DAY, BandwidthWindow, minute_of_day
from rollkeeper.fs.throttle import TokenBucket


@dataclass(frozen=True, slots=True)
class BandwidthNow:
    """The limit at one moment (bytes a second, None: unlimited), the window it comes from
    ("19:00-07:00", None: outside every window) and when the limit may change next ("HH:MM")."""

    limit: float | None
    window: str | None
    changes_at: str | None


def local_minute() -> int:
    """Minutes since midnight, the cart's local time."""
    now = datetime.now().astimezone()
    return now.hour * 60 + now.minute


def bandwidth_at(
    minute: int, default: float | None, windows: Sequence[BandwidthWindow]
) -> BandwidthNow:
    """The limit at `minute` of the day, and when it may change next."""
    boundaries = sorted(
        {minute_of_day(w.start) for w in windows} | {minute_of_day(w.end) for w in windows}
    )
    later = [b for b in boundaries if b > minute] or boundaries
    changes = later[0] if later else None
    shown = f"{changes // 60:02d}:{changes % 60:02d}" if changes is not None else None
    for window in windows:
        if minute % MINUTES_A_DAY in window.minutes():
            return BandwidthNow(window.limit, f"{window.start}-{window.end}", shown)
    return BandwidthNow(default, None, shown)


class ScheduledBandwidth:
    """A bandwidth limit (`transfer.settings.Pace`) that follows the windows: one token bucket
    per limit in force, made anew when the limit changes."""

    def __init__(
        self,
        default: float | None,
        windows: Sequence[BandwidthWindow],
        *,
        sleep: Callable[[float], None] = time.sleep,
        minute: Callable[[], int] = local_minute,
    ) -> None:
        self.default = default
        self.windows = tuple(windows)
        self._sleep = sleep
        self._minute = minute
        self._bucket: TokenBucket | None = None

    def now(self) -> BandwidthNow:
        return bandwidth_at(self._minute(), self.default, self.windows)

    def take(self, count: int) -> None:
        limit = self.now().limit
        if limit is None:
            return
        bucket = self._bucket
        if bucket is None or bucket.rate != limit:
            bucket = self._bucket = TokenBucket(limit, sleep=self._sleep)
        bucket.take(count)
