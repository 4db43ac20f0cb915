"""The main loop and its pass.

One pass (`Loop.tick`) makes the workers' reports durable, notices drives come and go, walks
what is due, sends settled copies to workers, records finished jobs, keeps the archive schedule,
judges the drives, keeps each roll's recorded clearance judged (`runtime.roll_verdicts`) and
hands what is due to the notification channels (`runtime.notifying`), then logs every event it
recorded (`runtime.event_log`); between passes the loop rests until
something wakes it (an event on a drive, a job ending, a report, the archive timer, a channel's
outcome, the daily summary) or a copy settles or a notification is due.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rollkeeper.core.lifecycle import CopyState
from rollkeeper.runtime.archive_step import ArchiveSchedule
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.event_log import EventLogger
from rollkeeper.runtime.heartbeat import Heartbeat
from rollkeeper.runtime.jobs import Jobs
from rollkeeper.runtime.judging import Judging
from rollkeeper.runtime.monitor import DeadMansSwitch
from rollkeeper.runtime.mounts import Mounts
from rollkeeper.runtime.notifying import Notifying
from rollkeeper.runtime.requests import RequestInbox
from rollkeeper.runtime.roll_verdicts import RollVerdicts
from rollkeeper.runtime.scanning import Scanning
from rollkeeper.runtime.settling import TICK, Settling
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
    verdicts: RollVerdicts
    notifying: Notifying


class Loop:
    """Passes over the steps: continuous (`run`) or one full pass that waits (`once`)."""

    def __init__(self, steps: Steps) -> None:
        self.steps = steps
        self.events = EventLogger()  # begun when the ledger opens (`Service.open`)
        self.heartbeat = Heartbeat(steps.context.state_dir)  # started by `Service.open`
        self.requests = RequestInbox(steps.context)  # what commands asked (`fs.requests`)
        self.switch: DeadMansSwitch | None = None  # `[monitor]`: told of every pass
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
        steps.archive.step(hold=steps.judging.running is not None)
        steps.judging.rechecks.step()
        steps.judging.judge_drives()
        steps.verdicts.step()
        steps.notifying.step()
        self.log_events()

    def run(
        self,
        stopping: threading.Event,
        notifier: Notifier,
        chores: Sequence[Callable[[], None]] = (),
    ) -> None:
        """Pass after pass until `stopping` is set, doing the service's `chores` after each
        (a reload asked for, the daily backup, the status line, staying awake) and telling the
        supervisor we live: only a loop that passes pings the watchdog."""
        wake = self.steps.context.wake
        while not stopping.is_set():
            self.tick()
            for chore in chores:
                chore()
            notifier.watchdog()
            self.heartbeat.beat()
            if self.switch is not None:
                self.switch.beat()
            wake.wait(timeout=self.sleep_for(notifier.due_in()))
            wake.clear()

    def sleep_for(self, ping_due: float | None = None) -> float:
        """How long to rest: until a copy settles, a notification or the watchdog's ping is
        due, or (while rolls are left to judge) soon; at most a tick."""
        rest = self.steps.settling.sleep_for()
        for due in (self.steps.notifying.sleep_for(), self.steps.verdicts.sleep_for(), ping_due):
            if due is not None:
                rest = max(0.01, min(rest, due))
        return rest

    def once(self, wait: float = 0.0) -> list[str]:
        """One full answer (`run --once`): walk every volume, verify (and upload) every ready
        roll and retry every failed upload at once; wait up to `wait` seconds for copies still
        settling, walking the volumes again as they change; then poll the archive for every roll
        not yet archived and judge every drive, whatever their schedules say, and every roll as
        recorded (for `status`). Returns the rolls still settling when the wait ran out (sorted
        ids)."""
        steps = self.steps
        self.requests.apply()
        steps.mounts.refresh(start_watchers=False)
        give_up_at = time.monotonic() + wait
        self._scan_all()
        steps.settling.evaluate()
        steps.settling.retry_uploads(ignore_backoff=True)
        self._finish_jobs()
        while (settling := self._still_settling()) and (left := give_up_at - time.monotonic()) > 0:
            time.sleep(min(left, self._next_look()))
            self._scan_all()
            steps.settling.evaluate()
            self._finish_jobs()
        steps.archive.poll_now(everything=True)
        # Judging with force first lists, here and now, every roll whose stored objects are
        # due (each roll just polled is: a listing follows every archive poll).
        steps.judging.judge_drives(force=True)
        steps.verdicts.judge_all()
        self.log_events()
        return settling

    def _scan_all(self) -> None:
        """A full walk of every mounted volume (`run --once` watches no events)."""
        for volume in list(self.steps.context.volumes.values()):
            self.steps.scanning.scan_volume(volume)

    def _finish_jobs(self) -> None:
        """Wait for every job in flight, recording each as it ends."""
        steps = self.steps
        self.log_events()
        while steps.jobs.pending:
            steps.jobs.collect(wait_for_one=True)
            self.log_events()
            self.heartbeat.beat()  # a long pass is a daemon still running
        self.heartbeat.beat()

    def _still_settling(self) -> list[str]:
        """The rolls with a copy on a mounted volume still settling (not yet quiet, or short of
        listed files but not yet stalled)."""
        context = self.steps.context
        mounted = {volume.volume_id for volume in context.volumes.values()}
        return sorted(
            {
                copy.roll_id
                for copy in context.ledger.copies_waiting()
                if copy.state is CopyState.SETTLING and copy.volume_id in mounted
            }
        )

    def _next_look(self) -> float:
        """How long `once` rests before walking again: until the next complete copy settles,
        else a polling period (`[watch] poll_interval`), at least a tick."""
        settles_at = self.steps.settling.settles_at
        poll = max(TICK, self.steps.context.config.watch.poll_interval)
        if settles_at is None:
            return poll
        return min(poll, max(TICK, settles_at - time.time()))

    def log_events(self) -> None:
        """Log what was recorded since the log last heard (on the loop's thread only)."""
        self.events.log_new(self.steps.context.ledger)
