"""The running daemon: volumes come and go, rolls are found, settle, are verified and recorded.

`Service` takes the storage target, archive provider and clearance policy from
`runtime.wiring.build_parts` (as every command that needs them does) and composes the loop's
steps (`runtime.loop.Steps`), each a module of one idea: mount tracking (`mounts`), walking
volumes (`scanning`) and tracking the rolls on them (`tracking`), readiness (`settling`), jobs
and workers (`jobs`), recording outcomes (`recording`), the archive schedule (`archive_step`) and
judging the drives (`judging`), and telling people (`notifying`: the channels come from the
`channels` builder it is given). It owns their life: the state lock, the ledger, the threads, and
the signals that stop it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import structlog

from rollkeeper.config.schema import Config
from rollkeeper.core.layout import LayoutProfile, build_profile
from rollkeeper.core.lifecycle import FAILED_ROLL_STATES
from rollkeeper.fs.monitor_state import clear_monitor_state
from rollkeeper.fs.watch import Change
from rollkeeper.ledger.store import Ledger, StateLock
from rollkeeper.notify.compose import Composer, Summarizer, count_summary
from rollkeeper.notify.model import Channel
from rollkeeper.runtime.archive_step import ArchiveSchedule
from rollkeeper.runtime.checkpoints import CheckpointInbox
from rollkeeper.runtime.chores import Chores
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.dashboard import DashboardLife
from rollkeeper.runtime.jobs import Jobs
from rollkeeper.runtime.judging import Judging
from rollkeeper.runtime.loop import Loop, Steps
from rollkeeper.runtime.monitor import build_switch, kept_in
from rollkeeper.runtime.mounts import Mounts
from rollkeeper.runtime.notifying import Notifying
from rollkeeper.runtime.recording import Recording
from rollkeeper.runtime.roll_verdicts import RollVerdicts
from rollkeeper.runtime.scanning import Scanning
from rollkeeper.runtime.settling import Settling
from rollkeeper.runtime.stopping import StopClock
from rollkeeper.runtime.systemd import Notifier
from rollkeeper.runtime.trackers import CopyTracker, VolumeState
from rollkeeper.runtime.tracking import Tracking
from rollkeeper.runtime.uploads import Uploads
from rollkeeper.runtime.wiring import build_parts

log = structlog.get_logger("rollkeeper")


#: `run --once` waits for copies still settling at most this many times `settle_seconds`.
ONCE_WAIT_SETTLES = 3

#: `run --once` waits at most this long (seconds) for its last notifications to go out.
ONCE_NOTIFY_WAIT = 30.0

#: Builds the channels a configuration describes (`runtime.reload.configured_channels`, as
#: `rollkeeper run` and a reload build them; tests give channels of their own).
ChannelBuilder = Callable[[Config], Sequence[Channel]]


def no_channels(_config: Config) -> Sequence[Channel]:
    """No channel: deliveries are routed and wait in the outbox."""
    return ()


@dataclass(frozen=True, slots=True)
class OnceAnswer:
    """What `run --once` ends with: its exit code, the rolls still settling when its wait ran
    out, and how long it was allowed to wait (seconds)."""

    exit_code: int
    still_settling: list[str]
    waited: float


def layout_profile(config: Config) -> LayoutProfile:
    """The configured folder layout."""
    return build_profile(config.layout.profile, config.layout.custom_spec())


class Service:
    """The daemon. `run()` loops until stopped; `run_once()` does one full pass and returns."""

    def __init__(
        self,
        config: Config,
        *,
        channels: ChannelBuilder = no_channels,
        summarizer: Summarizer = count_summary,
        config_file: Path | None = None,
    ) -> None:
        self.config = config
        self.context = context = LoopContext(config)
        self.profile = layout_profile(config)
        self.lock = StateLock(context.state_dir)
        self.stopping = threading.Event()
        self.stop_clock = StopClock(config.service.stop_grace)
        parts = build_parts(config)
        self.uploads = Uploads(config, parts.target, on_change=context.clearance.note)
        inbox = CheckpointInbox(context.wake)
        jobs = Jobs(context, self.uploads, Recording(context, self.uploads), inbox)
        self.steps = Steps(
            context=context,
            mounts=Mounts(context),
            scanning=Scanning(context, Tracking(context, self.profile)),
            settling=Settling(context, jobs),
            jobs=jobs,
            archive=ArchiveSchedule(context, parts.provider),
            judging=Judging(context, parts.judges()),
            verdicts=RollVerdicts(context, config.archive.provider),
            notifying=Notifying(
                context, channels(config), Composer(config.cart.name, summarizer=summarizer)
            ),
        )
        self.loop = Loop(self.steps)
        self.loop.requests.handle(self.uploads.pausing.handlers())  # `pause`, `resume`
        # pinged by `run`, not by `run --once`; how it fares is kept for `status` (monitor.json)
        self.loop.switch = build_switch(config.monitor, kept_in(context.state_dir))
        if self.loop.switch is None:
            clear_monitor_state(context.state_dir)
        self.notifier = Notifier()
        self.chores = Chores(self.steps, self.notifier, self.loop.heartbeat, config_file)
        self.dashboard = DashboardLife(config, context.state_dir)  # started by `run` only

    # --- what tests and benchmarks look at ------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        """The open ledger (between `open()` and `close()`)."""
        return self.context.ledger

    @property
    def volumes(self) -> dict[str, VolumeState]:
        return self.context.volumes

    @property
    def trackers(self) -> dict[tuple[str, str], CopyTracker]:
        return self.context.trackers

    def refresh_volumes(self, *, start_watchers: bool) -> None:
        self.steps.mounts.refresh(start_watchers=start_watchers)

    def note_change(self, volume: VolumeState, change: Change) -> None:
        self.steps.mounts.note_change(volume, change)

    def scan_volume(self, volume: VolumeState, *, stat_everything: bool = False) -> None:
        self.steps.scanning.scan_volume(volume, stat_everything=stat_everything)

    def rescan_changes(self, volume: VolumeState) -> None:
        self.steps.scanning.rescan_changes(volume)

    def _rolls_to_trust(self, volume: VolumeState, now: float) -> set[str]:
        """`Scanning.rolls_to_trust` (bench/daemon_bench.py counts them)."""
        return self.steps.scanning.rolls_to_trust(volume, now)

    # --- lifecycle ------------------------------------------------------------------------------

    def open(self) -> Ledger:
        self.lock.acquire()
        try:
            ledger = self.context.open_ledger()
        except BaseException:
            self.lock.release()  # a ledger that cannot be used leaves the state folder free
            raise
        self.loop.events.begin(ledger)
        self.loop.heartbeat.start()
        ledger.mark_all_unmounted()
        ledger.resume_interrupted()
        self.uploads.prepare(ledger)
        self.steps.archive.prepare()
        self.steps.notifying.prepare()
        self.steps.verdicts.prepare()
        log.info(
            "daemon.started",
            state_dir=str(self.context.state_dir),
            profile=self.profile.name,
            volumes=len(self.config.volumes),
        )
        return ledger

    def close(self) -> None:
        """Stop every part; after a stop was asked for, within its grace period
        (`runtime.stopping`): jobs first, then the outbox's last outcomes, then the rest."""
        self.steps.mounts.stop_watchers()
        self.steps.jobs.shutdown(self.stop_clock.jobs_until())
        self.steps.notifying.shutdown()
        self.steps.archive.shutdown()
        self.steps.judging.shutdown()
        self.context.close_ledger()
        self.loop.heartbeat.stop()
        self.lock.release()

    def stop(self, *_: object) -> None:
        """Stop: no more work is taken, uploads end at their next part boundary."""
        self.stop_clock.begin()
        self.uploads.gate.halt()
        self.stopping.set()
        self.context.wake.set()

    def install_signal_handlers(self) -> None:
        def handler(signum: int, frame: FrameType | None) -> None:
            log.info("daemon.stopping", signal=signal.Signals(signum).name)
            self.stop()
            self.stop_clock.arm()  # whatever happens, out within stop_grace

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGHUP, lambda _signum, _frame: self.chores.reload_request.ask())

    def run_once(self, wait: float | None = None) -> OnceAnswer:
        """One full answer (`Loop.once`), waiting at most `wait` seconds (default
        `ONCE_WAIT_SETTLES` x `settle_seconds`) for copies still settling; exit code 1 if any
        roll is in a failure state or waits for a target that cannot be used, else 0."""
        if wait is None:
            wait = ONCE_WAIT_SETTLES * self.config.layout.settle_seconds
        ledger = self.open()
        try:
            settling = self.loop.once(wait)
            self.steps.notifying.flush(ONCE_NOTIFY_WAIT)
            failed = [r.id for r in ledger.rolls() if r.state in FAILED_ROLL_STATES]
            return OnceAnswer(1 if failed or ledger.uploads_waiting() else 0, settling, wait)
        finally:
            self.close()

    def run(self) -> int:
        """Loop until SIGTERM/SIGINT, telling systemd (when it supervises us) that we live."""
        notifier = self.notifier
        switch = self.loop.switch
        self.open()
        try:
            if switch is not None:
                switch.start()
            self.steps.mounts.refresh(start_watchers=True)
            self.steps.archive.start()
            self.steps.notifying.start()
            self.dashboard.start()
            notifier.ready()
            self.loop.run(self.stopping, notifier, self.chores.each())
            notifier.stopping()
            return 0
        except Exception as err:
            if switch is not None:  # someone else's server hears that this cart stopped
                switch.fail(f"rollkeeper stopped on an error: {err}")
            raise
        finally:
            self.dashboard.stop()
            self.chores.close()
            self.close()
            notifier.close()
            if switch is not None:
                switch.stop()
