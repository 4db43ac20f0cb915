"""The daily summary's schedule: an APScheduler cron job at `[notify] daily_at`, local time.

The cart's clock says when the crew wraps, so the time is local (its zone is logged with it);
the job only asks the loop, which records the DAY_SUMMARY event of the local date's shoot day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

log = structlog.get_logger("rollkeeper")


class DailySummary:
    """When the daily summary is asked for (None: never), and the scheduler that asks."""

    def __init__(self, daily_at: str | None, ask: Callable[[], None]) -> None:
        self.daily_at = daily_at
        self.ask = ask
        self.scheduler: BackgroundScheduler | None = None

    def start(self) -> None:
        """Schedule the summary every day at `daily_at` in the cart's local zone; a run missed
        while the cart slept still happens once within the hour."""
        if self.daily_at is None:
            return
        hour, minute = (int(part) for part in self.daily_at.split(":"))
        scheduler = BackgroundScheduler()  # the local zone (tzlocal), daylight saving and all
        scheduler.add_job(
            self.ask,
            "cron",
            hour=hour,
            minute=minute,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
        scheduler.start()
        self.scheduler = scheduler
        log.info(
            "summary.scheduled", at=f"{self.daily_at} {self.zone_name()}",
            zone=str(scheduler.timezone),
        )  # fmt: skip

    @staticmethod
    def zone_name() -> str:
        """The cart's local zone as a person reads it (e.g. "CET")."""
        return datetime.now().astimezone().tzname() or "local time"

    @staticmethod
    def today() -> str:
        """The local date as a shoot day's date (YYYYMMDD)."""
        return datetime.now().astimezone().strftime("%Y%m%d")

    def shutdown(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
