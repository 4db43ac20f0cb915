"""The main loop and its pass.

One pass (`Loop.tick`) makes the workers' reports durable, notices drives come and go, walks
what is due, sends settled copies to workers, records finished jobs, keeps the archive schedule
and judges the drives; between passes the loop rests until something wakes it (an event on a
drive, a job ending, a report, the archive timer) or a copy settles.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from rollkeeper.runtime.archive_step import ArchiveSchedule
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.jobs import Jobs
from rollkeeper.runtime.judging import Judging
from rollkeeper.runtime.mounts import Mounts
from rollkeeper.runtime.scanning import Scanning
from rollkeeper.runtime.settling import Settling
from rollkeeper.runtime.systemd import Notifier


@dataclass(frozen=True, slots=True)
class Parts:
    """The daemon's parts, each of one idea, as the loop drives them."""

    context: LoopContext
    mounts: Mounts
    scanning: Scanning
    settling: Settling
    jobs: Jobs
    archive: ArchiveSchedule
    judging: Judging


class Loop:
    """Passes over the parts: continuous (`run`) or one full pass that waits (`once`)."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self._last_mount_check = 0.0

    def tick(self) -> None:
        """One turn of the main loop: mounts, due scans, readiness, finished jobs, archive,
        clearance."""
        parts = self.parts
        parts.jobs.drain()
        now = time.monotonic()
        if now - self._last_mount_check >= parts.context.config.watch.mount_check_interval:
            parts.mounts.refresh(start_watchers=True)
            self._last_mount_check = now
        for volume in list(parts.context.volumes.values()):
            due = parts.scanning.scan_due(volume, now)
            if due == "full":
                parts.scanning.scan_volume(volume)
            elif due == "changes":
                parts.scanning.rescan_changes(volume)
        parts.settling.evaluate()
        parts.settling.retry_uploads()
        parts.jobs.collect(wait_for_one=False)
        parts.archive.step()
        parts.judging.judge_drives()

    def run(self, stopping: threading.Event, notifier: Notifier) -> None:
        """Pass after pass until `stopping` is set, telling the supervisor we live."""
        wake = self.parts.context.wake
        while not stopping.is_set():
            self.tick()
            notifier.watchdog()
            wake.wait(timeout=self.parts.settling.sleep_for())
            wake.clear()

    def once(self) -> None:
        """One full pass that waits for its jobs: walk every volume, verify (and upload) every
        ready roll, poll the archive, judge and record every drive."""
        parts = self.parts
        parts.mounts.refresh(start_watchers=False)
        for volume in list(parts.context.volumes.values()):
            parts.scanning.scan_volume(volume)
        parts.settling.evaluate()
        parts.settling.retry_uploads()
        while parts.jobs.pending:
            parts.jobs.collect(wait_for_one=True)
        parts.archive.poll_now()
        parts.judging.judge_drives(force=True)
