"""The main loop and its pass.

One pass (`Loop.tick`) makes the workers' reports durable, notices drives come and go, walks
what is due, sends settled copies to workers, records finished jobs, keeps the archive schedule
and judges the drives, then logs every event it recorded (`runtime.event_log`); between passes
the loop rests until something wakes it (an event on a drive, a job ending, a report, the
archive timer) or a copy settles.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from rollkeeper.runtime.archive_step import ArchiveSchedule
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.event_log import EventLogger
from rollkeeper.runtime.heartbeat import Heartbeat
from rollkeeper.runtime.jobs import Jobs
from rollkeeper.runtime.judging import Judging
from rollkeeper.runtime.mounts import Mounts
from rollkeeper.runtime.requests import RequestInbox
from rollkeeper.runtime.scanning import Scanning
from rollkeeper.runtime.settling import Settling
from rollkeeper.runtime.systemd import Notifier


@dataclass(frozen=True, slots=True)
class Steps:
    """What the loop drives: the context its steps share, and the steps of a pass, each a
    module of one idea."""

    context: LoopContext
    mounts: Mounts
    scanning: Scanning
    settling: Settling
    jobs: Jobs
    archive: ArchiveSchedule
    judging: Judging


class Loop:
    """Passes over the steps: continuous (`run`) or one full pass that waits (`once`)."""

    def __init__(self, steps: Steps) -> None:
        self.steps = steps
        self.events = EventLogger()  # begun when the ledger opens (`Service.open`)
        self.heartbeat = Heartbeat(steps.context.state_dir)  # started by `Service.open`
        self.requests = RequestInbox(steps.context)  # what commands asked (`fs.requests`)
        self._last_mount_check = 0.0

    def tick(self) -> None:
        """One turn of the main loop: the requests commands left, mounts, due scans, readiness,
        finished jobs, archive, clearance; then the log hears of everything recorded."""
        steps = self.steps
        self.requests.apply()
        steps.jobs.drain()
        now = time.monotonic()
        if now - self._last_mount_check >= steps.context.config.watch.mount_check_interval:
            steps.mounts.refresh(start_watchers=True)
            self._last_mount_check = now
        for volume in list(steps.context.volumes.values()):
            due = steps.scanning.scan_due(volume, now)
            if due == "full":
                steps.scanning.scan_volume(volume)
            elif due == "changes":
                steps.scanning.rescan_changes(volume)
        steps.settling.evaluate()
        steps.settling.retry_uploads()
        steps.jobs.collect(wait_for_one=False)
        steps.archive.step()
        steps.judging.rechecks.step()
        steps.judging.judge_drives()
        self.log_events()

    def run(self, stopping: threading.Event, notifier: Notifier) -> None:
        """Pass after pass until `stopping` is set, telling the supervisor we live."""
        wake = self.steps.context.wake
        while not stopping.is_set():
            self.tick()
            notifier.watchdog()
            self.heartbeat.beat()
            wake.wait(timeout=self.steps.settling.sleep_for())
            wake.clear()

    def once(self) -> None:
        """One full pass that waits for its jobs: walk every volume, verify (and upload) every
        ready roll, poll the archive, judge and record every drive."""
        steps = self.steps
        self.requests.apply()
        steps.mounts.refresh(start_watchers=False)
        for volume in list(steps.context.volumes.values()):
            steps.scanning.scan_volume(volume)
        steps.settling.evaluate()
        steps.settling.retry_uploads()
        self.log_events()
        while steps.jobs.pending:
            steps.jobs.collect(wait_for_one=True)
            self.log_events()
            self.heartbeat.beat()  # a long pass is a daemon still running
        steps.archive.poll_now()
        steps.judging.judge_drives(force=True)
        self.log_events()

    def log_events(self) -> None:
        """Log what was recorded since the log last heard (on the loop's thread only)."""
        self.events.log_new(self.steps.context.ledger)
