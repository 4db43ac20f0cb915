"""The running daemon: volumes come and go, rolls are found, settle, are verified and recorded.

Everything decided here is recorded in the ledger first; the in-memory trackers only remember
what the last scan saw so that "nothing changed for settle seconds" can be judged between scans.
Verification runs on a bounded worker pool; its results come back to the main loop, the only
thread that writes the ledger.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Literal

import structlog
from apscheduler.schedulers.background import BackgroundScheduler

from rollkeeper.archive.build import build_provider
from rollkeeper.archive.model import ArchiveRoll
from rollkeeper.archive.poller import ArchiveAnswer, archive_roll, poll
from rollkeeper.config.schema import Config
from rollkeeper.core.clearance import Policy
from rollkeeper.core.errors import EnvironmentProblem, MhlError, RollkeeperError
from rollkeeper.core.files import ASC_HISTORY_DIR, FileInfo, display_path, is_mhl_file_name
from rollkeeper.core.hidden import is_hidden_path
from rollkeeper.core.layout import LayoutAnalysis, LayoutProfile, RollLocation, build_profile
from rollkeeper.core.lifecycle import FAILED_ROLL_STATES, CopyState, RollState, UploadStage
from rollkeeper.core.readiness import assess, last_change_ns
from rollkeeper.core.words import describe
from rollkeeper.fs.progress import NoProgress, Progress, Throttled
from rollkeeper.fs.scan import TreeScan, scan_tree
from rollkeeper.fs.throttle import TokenBucket
from rollkeeper.fs.volume_scan import VolumeScan, rolls_to_trust, unaccounted
from rollkeeper.fs.volumes import MountedVolume, present_volumes
from rollkeeper.fs.watch import Change, VolumeWatcher
from rollkeeper.ledger.rows import CopyObservation, CopyRow, VerifiedFile, VolumeRow
from rollkeeper.ledger.store import (
    Ledger,
    StateLock,
    now_iso,
)
from rollkeeper.mhl.manifest import load_roll_manifest
from rollkeeper.mhl.model import RollManifest, manifest_fingerprint, name_key
from rollkeeper.mhl.verify import (
    FAILING,
    FileStatus,
    RollResult,
    RollVerdict,
    plan_roll,
    settle_verdict,
    verify_plans,
)
from rollkeeper.reports.drive_decision import DriveDecision, decide
from rollkeeper.runtime.systemd import Notifier
from rollkeeper.transfer.factory import build_target
from rollkeeper.transfer.keys import roll_key_prefix
from rollkeeper.transfer.pipeline import TransferSettings
from rollkeeper.transfer.roll import RollTransferResult, UploadJob, upload_roll
from rollkeeper.transfer.targets import Target, TargetUnusable

log = structlog.get_logger("rollkeeper")

#: A roll still missing files this long after its last change is INCOMPLETE (an alarm), not
#: merely still copying.
INCOMPLETE_AFTER_SETTLES = 10
#: Events are coalesced: the parts of a volume they concern are walked again at most this often,
#: and never more than one fifth of the time (a change outside every roll, or a lost event, can
#: mean walking a large part of the volume). Event-driven and full scans are timed apart, so a
#: slow full scan (start-up parses every MHL) never delays the next event-driven one.
MIN_RESCAN_GAP = 0.5
RESCAN_DUTY = 5.0
#: Folders beside the rolls that are never media (and never block a drive).
NOT_MEDIA = frozenset({"Reports"})
#: The main loop's rest between turns when nothing wakes it (readiness is judged each turn).
TICK = 0.5
#: After an internal error a roll waits this long before it is tried again.
CRASH_BACKOFF = 60.0


@dataclass(frozen=True, slots=True)
class MhlReading:
    """A roll's MHLs as last parsed, and the stat signature they had then."""

    signature: tuple[object, ...]
    manifest: RollManifest | None
    fingerprint: str | None
    error: str | None


def _mhl_signature(roll_scan: TreeScan) -> tuple[object, ...]:
    """Cheap evidence of whether any MHL of a roll changed: its files' and histories' stats."""
    files = roll_scan.files
    parts: list[object] = [(name, *files[name][:4]) for name in sorted(roll_scan.mhl_files)]
    root = str(roll_scan.root)
    for folder in sorted(roll_scan.mhl_folders):
        history = os.path.join(root, folder, ASC_HISTORY_DIR)
        for path in (history, os.path.join(history, "ascmhl_chain.xml")):
            try:
                info = os.stat(path)
            except OSError:
                parts.append((path, None))
                continue
            parts.append((path, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return tuple(parts)


@dataclass(slots=True)
class CopyTracker:
    """What the last scans saw of one roll folder on one volume.

    `version` counts the changes seen (files or MHL content): a copy compared with its evidence
    at one version and state is not compared again until either moves.
    """

    roll_id: str
    volume_key: str
    location: RollLocation
    reading: MhlReading
    files: dict[str, FileInfo]
    changed_at: float
    version: int = 0
    verifying: bool = False
    checked: tuple[int, CopyState] | None = None  # (version, state) last compared with evidence


@dataclass(slots=True)
class VolumeState:
    """A mounted volume, its watcher, what is known of it and what needs looking at again.

    The watcher thread adds the changed paths (relative to the volume, with the time of their
    latest event) to `changes`, or sets `everything` when events were lost, under `lock`; the
    main loop takes them.
    """

    mounted: MountedVolume
    volume_id: int
    watcher: VolumeWatcher | None = None
    changes: dict[str, float] = field(default_factory=dict)
    everything: bool = True  # a full walk is due (start-up, lost events)
    last_scan: float = 0.0  # monotonic end of the last scan of any kind
    last_full_scan: float = 0.0  # monotonic end of the last full walk
    full_scan_seconds: float = 0.0
    scan_seconds: float = 0.0  # the last event-driven scan
    inventory: VolumeScan | None = None
    mhl_folders: set[str] = field(default_factory=set)
    analysis: LayoutAnalysis | None = None
    roll_ids: set[str] = field(default_factory=set)
    reported: tuple[list[str], list[str]] | None = None  # problems and unaccounted, as recorded
    restatted: dict[str, float] = field(default_factory=dict)  # roll folder -> all files stat-ed
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_changes(self) -> tuple[dict[str, float], bool]:
        """The changed paths (with when) and the lost-events flag noted since the last call."""
        with self.lock:
            changes, everything = self.changes, self.everything
            self.changes, self.everything = {}, False
        return changes, everything

    def pending(self) -> bool:
        with self.lock:
            return self.everything or bool(self.changes)


@dataclass(frozen=True, slots=True)
class VerificationOutcome:
    volume_key: str
    roll_id: str
    result: RollResult | None
    scan: TreeScan | None
    error: str | None = None
    device: int | None = None  # st_dev of the roll folder when verification started
    transfer: RollTransferResult | None = None  # set when this pass also uploaded the roll


def _volume_key(volume: MountedVolume) -> str:
    return f"{volume.fs_uuid}|{volume.subpath}|{volume.label}"


def _relative(root: str, path: str) -> str:
    """`path` relative to the volume `root` ("" for the root, or for anything not below it:
    then the whole volume is looked at again)."""
    root = root.rstrip("/")
    if path.startswith(root) and path[len(root) : len(root) + 1] == "/":
        return path[len(root) + 1 :].rstrip("/")
    return ""


def _event_time(noticed: dict[str, float], folder: str) -> float | None:
    """The latest event of the walked units holding roll `folder` (None: none was walked, it
    became a roll because of a change elsewhere, e.g. its duplicate went away)."""
    times = [noticed[""]] if "" in noticed else []
    cut = folder.find("/")
    while True:
        prefix = folder if cut < 0 else folder[:cut]
        if prefix in noticed:
            times.append(noticed[prefix])
        if cut < 0:
            return max(times, default=None)
        cut = folder.find("/", cut + 1)


def _outermost(units: set[str]) -> list[str]:
    """`units` without those inside another of them ("" contains everything)."""
    if "" in units:
        return [""]
    return sorted(
        unit
        for unit in units
        if not any(unit[:cut] in units for cut, char in enumerate(unit) if char == "/")
    )


def layout_profile(config: Config) -> LayoutProfile:
    """The configured folder layout."""
    return build_profile(config.layout.profile, config.layout.custom_spec())


class Service:
    """The daemon. `run()` loops until stopped; `run_once()` does one full pass and returns."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.state_dir = config.state.resolved_dir()
        self.profile = layout_profile(config)
        self.lock = StateLock(self.state_dir)
        self._ledger: Ledger | None = None
        self.volumes: dict[str, VolumeState] = {}
        self.trackers: dict[tuple[str, str], CopyTracker] = {}
        self.pool = ThreadPoolExecutor(
            max_workers=config.verify.workers, thread_name_prefix="verify"
        )
        self.pending: dict[Future[VerificationOutcome], VolumeState] = {}
        self.jobs: dict[Future[VerificationOutcome], str] = {}
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self._last_mount_check = 0.0
        rate = config.verify.read_rate
        self.read_limit = TokenBucket(rate) if rate else None
        self.target: Target | None = build_target(config.target) if config.target else None
        self.uploading: set[str] = set()
        self.target_problem: str | None = None  # what the start-up check of the target found
        self.archive = build_provider(config.archive, config.target, self.target)
        self.policy = Policy(
            extras_block_drive=config.clearance.extras_block_drive,
            min_onset_copies=config.clearance.min_onset_copies,
        )
        self.background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive")
        self.judges = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clearance")
        self.judging: Future[tuple[list[DriveDecision], float]] | None = None
        self.archive_requested = threading.Event()
        self.archive_job: Future[list[ArchiveAnswer]] | None = None
        self.clearance_dirty = True
        self._last_clearance = 0.0
        self._settles_at: float | None = None  # when the next complete copy has settled
        self._clearance_seconds = 0.0
        self.scheduler: BackgroundScheduler | None = None
        upload_rate = config.target.bandwidth_limit if config.target else None
        self.transfer_settings = TransferSettings(
            max_concurrency=config.target.max_concurrency if config.target else 1,
            max_attempts=config.target.max_attempts if config.target else 1,
            bandwidth=TokenBucket(upload_rate) if upload_rate else None,
        )

    def _progress(self) -> Progress:
        """What verification workers report to: the shared read-rate limit, if any."""
        return Throttled(NoProgress(), self.read_limit) if self.read_limit else NoProgress()

    # --- lifecycle ------------------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        """The open ledger (between `open()` and `close()`)."""
        if self._ledger is None:
            raise RuntimeError("the service is not open")
        return self._ledger

    def open(self) -> Ledger:
        self.lock.acquire()
        self._ledger = Ledger.in_state_dir(self.state_dir)
        self.ledger.mark_all_unmounted()
        self.ledger.resume_interrupted()
        self._prepare_target()
        self._prepare_archive()
        log.info(
            "started",
            state_dir=str(self.state_dir),
            profile=self.profile.name,
            volumes=len(self.config.volumes),
        )
        return self.ledger

    def _prepare_target(self) -> None:
        """Say at once if the target is unusable, and abort uploads nobody will resume."""
        if self.target is None or self.config.target is None:
            return
        try:
            self.target.check()
            prefix = self.config.target.prefix.strip("/")
            aborted = self.target.abort_abandoned(
                f"{prefix}/" if prefix else "", self.ledger.open_upload_ids()
            )
        except TargetUnusable as err:
            self.target_problem = str(err)
            self.ledger.record_event("target_unusable", str(err), severity="alarm")
            log.error("target unusable", error=str(err))
            return
        except RollkeeperError as err:
            log.warning("target check failed", error=str(err))
            return
        self.target_problem = None
        for key in aborted:
            self.ledger.record_event(
                "upload_abandoned", f"aborted an abandoned upload of {key}", severity="warning"
            )

    def _prepare_archive(self) -> None:
        """Say at start-up when the archive provider can never report an archived roll."""
        problem = self.archive.preflight()
        if problem is not None:
            severity = "info" if self.archive.name == "none" else "alarm"
            self.ledger.record_event("archive_unusable", problem, severity=severity)
            log.warning("archive", problem=problem)

    def _start_scheduler(self) -> None:
        """One interval job asks for archive polls; coalesced, and a missed run (the cart
        asleep) still happens once on wake-up."""
        scheduler = BackgroundScheduler(timezone="UTC")
        scheduler.add_job(
            self._request_archive_poll,
            "interval",
            seconds=max(1.0, min(self.config.archive.poll_interval, 300.0)),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=24 * 3600,
            next_run_time=datetime.now(UTC),
        )
        scheduler.start()
        self.scheduler = scheduler

    def _request_archive_poll(self) -> None:
        self.archive_requested.set()
        self.wake.set()

    def _archive_due(self) -> list[tuple[ArchiveRoll, str | None]]:
        return [
            (archive_roll(row, self.ledger.stored_objects(row.roll_id)), row.finished_at)
            for row in self.ledger.archive_due(now_iso())
        ]

    def poll_archive_now(self) -> None:
        """One archive poll on this thread (for `run --once`)."""
        self._record_archive(poll(self.archive, self.config.archive, self._archive_due()))

    def _archive_step(self) -> None:
        if self.archive_job is not None and self.archive_job.done():
            job, self.archive_job = self.archive_job, None
            try:
                self._record_archive(job.result())
            except Exception as err:
                log.exception("archive poll failed", exc_info=err)
        if self.archive_job is None and self.archive_requested.is_set():
            self.archive_requested.clear()
            due = self._archive_due()
            if due:
                self.archive_job = self.background.submit(
                    poll, self.archive, self.config.archive, due
                )
                self.archive_job.add_done_callback(lambda _f: self.wake.set())

    def _record_archive(self, answers: list[ArchiveAnswer]) -> None:
        for answer in answers:
            self.ledger.record_archive_check(
                answer.roll_id,
                provider=self.archive.name,
                state=answer.report.state.value,
                reasons=answer.report.reasons,
                objects={k: v.value for k, v in answer.report.objects.items()},
                next_check_at=answer.next_check_at,
                overdue=answer.overdue,
            )
        if answers:
            self.clearance_dirty = True

    def judge_drives(self, *, force: bool = False) -> None:
        """Judge every mounted drive when something changed (and hourly); announce changes.

        Judging re-reads the evidence of every file of every roll on a drive: seconds on a big
        RAID. The running daemon therefore judges on a thread of its own, from a read-only view
        of the ledger, while the main loop goes on noticing changes and settling rolls; a
        verdict that changed is then judged again and recorded by the main loop, the ledger's
        only writer. `force` judges and records here and now (`run --once`).
        """
        self._collect_judgments()
        now = time.monotonic()
        since = now - self._last_clearance
        due = since >= self.config.clearance.recheck_interval
        # While things keep changing, at most a fifth of the time goes to judging.
        gap = max(1.0, self._clearance_seconds * RESCAN_DUTY)
        if self.judging is not None or not (
            force or due or (self.clearance_dirty and since >= gap)
        ):
            return
        self.clearance_dirty = False
        self._last_clearance = now
        volumes = [volume for volume in self.ledger.volumes() if volume.mounted]
        if force:
            for volume in volumes:
                self._record_judgment(volume)
            self._clearance_seconds = time.monotonic() - now
            return
        self.judging = self.judges.submit(self._judge, volumes)
        self.judging.add_done_callback(lambda _f: self.wake.set())

    def _judge(self, volumes: list[VolumeRow]) -> tuple[list[DriveDecision], float]:
        """On the judging thread: each drive's verdict, recorded nowhere, and the time taken."""
        started = time.monotonic()
        ledger = Ledger.in_state_dir(self.state_dir, readonly=True)
        try:
            decisions = [
                decide(
                    ledger,
                    volume,
                    target=self.target,
                    archive_provider=self.archive.name,
                    policy=self.policy,
                    record=False,
                )
                for volume in volumes
            ]
        finally:
            ledger.close()
        return decisions, time.monotonic() - started

    def _collect_judgments(self) -> None:
        """Record the drives whose verdict changed, once a background judgment is done."""
        if self.judging is None or not self.judging.done():
            return
        job, self.judging = self.judging, None
        try:
            decisions, self._clearance_seconds = job.result()
        except Exception as err:  # a bug must not take the daemon down: log, judge again later
            log.exception("judging the drives failed", exc_info=err)
            self.clearance_dirty = True
            return
        for decision in decisions:
            volume = self.ledger.volume(decision.volume.id)
            if decision.changed and volume is not None and volume.mounted:
                self._record_judgment(volume)

    def _record_judgment(self, volume: VolumeRow) -> None:
        decision = decide(
            self.ledger,
            volume,
            target=self.target,
            archive_provider=self.archive.name,
            policy=self.policy,
        )
        if decision.changed:
            log.info("clearance", drive=volume.label, verdict=describe(decision.verdict))

    def close(self) -> None:
        for volume in self.volumes.values():
            if volume.watcher:
                volume.watcher.stop()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.background.shutdown(wait=True, cancel_futures=True)
        self.judges.shutdown(wait=True, cancel_futures=True)
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        if self._ledger:
            self._ledger.close()
            self._ledger = None
        self.lock.release()

    def stop(self, *_: object) -> None:
        self.stopping.set()
        self.wake.set()

    def install_signal_handlers(self) -> None:
        def handler(signum: int, frame: FrameType | None) -> None:
            log.info("stopping", signal=signal.Signals(signum).name)
            self.stop()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def run_once(self) -> int:
        """Scan every volume, verify every ready roll, wait for it all; 1 if any roll failed."""
        ledger = self.open()
        try:
            self.refresh_volumes(start_watchers=False)
            for volume in list(self.volumes.values()):
                self.scan_volume(volume)
            self.evaluate()
            self.retry_uploads()
            while self.pending:
                self.collect(wait=True)
            self.poll_archive_now()
            self.judge_drives(force=True)
            failed = [r.id for r in ledger.rolls() if r.state in FAILED_ROLL_STATES]
            return 1 if failed else 0
        finally:
            self.close()

    def run(self) -> int:
        """Loop until SIGTERM/SIGINT, telling systemd (when it supervises us) that we live."""
        notifier = Notifier()
        self.open()
        try:
            self.refresh_volumes(start_watchers=True)
            self._start_scheduler()
            notifier.ready()
            while not self.stopping.is_set():
                self.tick()
                notifier.watchdog()
                self.wake.wait(timeout=self._sleep_for())
                self.wake.clear()
            notifier.stopping()
            return 0
        finally:
            self.close()

    def tick(self) -> None:
        """One turn of the main loop: mounts, due scans, readiness, finished verifications."""
        now = time.monotonic()
        if now - self._last_mount_check >= self.config.watch.mount_check_interval:
            self.refresh_volumes(start_watchers=True)
            self._last_mount_check = now
        for volume in list(self.volumes.values()):
            due = self._scan_due(volume, now)
            if due == "full":
                self.scan_volume(volume)
            elif due == "changes":
                self.rescan_changes(volume)
        self.evaluate()
        self.retry_uploads()
        self.collect(wait=False)
        self._archive_step()
        self.judge_drives()

    def _scan_due(self, volume: VolumeState, now: float) -> Literal["full", "changes"] | None:
        """ "full" when the safety-net walk is due, "changes" when events are waiting (and the
        last scan is far enough behind), else None."""
        if now - volume.last_full_scan >= self.config.watch.rescan_interval:
            return "full"
        if not volume.pending():
            return None
        last = volume.full_scan_seconds if volume.everything else volume.scan_seconds
        gap = max(MIN_RESCAN_GAP, last * RESCAN_DUTY)
        return "changes" if now - volume.last_scan >= gap else None

    # --- volumes --------------------------------------------------------------------------------

    def refresh_volumes(self, *, start_watchers: bool) -> None:
        """Notice drives plugged in or pulled out since the last look."""
        present = {_volume_key(v): v for v in present_volumes(self.config.volumes)}
        for key in set(self.volumes) - set(present):
            self._volume_gone(key)
        for key, mounted in present.items():
            if key in self.volumes:
                continue
            row = self.ledger.volume_mounted(
                label=mounted.label,
                role=mounted.role,
                fs_uuid=mounted.fs_uuid,
                subpath=mounted.subpath,
                mount_path=str(mounted.path),
            )
            state = VolumeState(mounted, row.id)
            self.volumes[key] = state
            if start_watchers:
                self._start_watcher(state)
            log.info(
                "volume mounted",
                label=mounted.label,
                path=str(mounted.path),
                watching=state.watcher.kind if state.watcher else "none",
            )

    def note_change(self, volume: VolumeState, change: Change) -> None:
        """What a watcher reports (on its own thread): remember what changed, wake the loop."""
        with volume.lock:
            if change.path is None:
                volume.everything = True
            else:
                volume.changes[_relative(str(volume.mounted.path), change.path)] = time.time()
        self.wake.set()

    def _start_watcher(self, volume: VolumeState) -> None:

        def changed(change: Change) -> None:
            self.note_change(volume, change)

        mounted = volume.mounted
        watcher = VolumeWatcher(
            mounted.path,
            polling=mounted.poll,
            poll_interval=self.config.watch.poll_interval,
            on_change=changed,
        )
        try:
            watcher.start()
        except EnvironmentProblem as err:
            self.ledger.record_event(
                "watch_failed", str(err), severity="warning", volume_id=volume.volume_id
            )
            log.warning("watch failed; polling instead", label=mounted.label, error=str(err))
            watcher = VolumeWatcher(
                mounted.path,
                polling=True,
                poll_interval=self.config.watch.poll_interval,
                on_change=changed,
            )
            watcher.start()
        volume.watcher = watcher

    def _volume_gone(self, key: str) -> None:
        volume = self.volumes.pop(key)
        if volume.watcher:
            volume.watcher.stop()
        self.ledger.volume_unmounted(volume.volume_id)
        for tracker_key in [k for k in self.trackers if k[1] == key]:
            del self.trackers[tracker_key]
        log.info("volume gone", label=volume.mounted.label)

    # --- scanning -------------------------------------------------------------------------------

    def scan_volume(self, volume: VolumeState, *, stat_everything: bool = False) -> None:
        """Walk the whole volume, map its MHL folders to rolls and record what changed.

        The safety net (every `rescan_interval`, and when events were lost): rolls whose files
        and MHLs are exactly as the last scan saw them cost a comparison, nothing more. The
        files of verified rolls are stat-ed in rotation (`_rolls_to_trust`), except when events
        were lost or `stat_everything` asks for it: then every file is.
        """
        started = time.monotonic()
        changes, everything = volume.take_changes()  # this walk sees them all
        previous = volume.inventory
        known = previous.rolls.keys() if previous else frozenset[str]()
        if stat_everything or everything or "" in changes:
            trusted = set[str]()
        else:
            trusted = self._rolls_to_trust(volume, started, changed=changes.keys())
        earlier = {folder: previous.rolls[folder].files for folder in trusted} if previous else {}
        inventory = VolumeScan.walk(volume.mounted.path, known, trusted=earlier)
        unreadable = inventory.errors().get("")
        if unreadable is not None or not volume.mounted.path.is_dir():
            log.warning("volume unreadable", label=volume.mounted.label, error=unreadable or "gone")
            return
        first = previous is None
        volume.inventory = inventory
        self._update(volume, full=True, first=first)
        volume.restatted = {  # after `_update`, which gives the rolls found anew their parts
            folder: volume.restatted.get(folder, started) if folder in trusted else started
            for folder in inventory.rolls
        }
        volume.last_full_scan = volume.last_scan = time.monotonic()
        volume.full_scan_seconds = volume.last_scan - started

    def _rolls_to_trust(
        self, volume: VolumeState, now: float, *, changed: Iterable[str] = ()
    ) -> set[str]:
        """The roll folders of `volume` whose files the next full walk may list without a stat:
        verified copies, unchanged since they were compared with their evidence and with no
        event waiting (`changed`), that are not due for their periodic complete stat
        (`restat_interval`)."""
        inventory = volume.inventory
        if inventory is None:
            return set()
        key = _volume_key(volume.mounted)
        touched = {inventory.roll_of(path) for path in changed}
        verified = [
            tracker.location.folder
            for (_roll, volume_key), tracker in self.trackers.items()
            if volume_key == key
            and tracker.checked == (tracker.version, CopyState.VERIFIED)
            and not tracker.verifying
            and tracker.location.folder in inventory.rolls
            and tracker.location.folder not in touched
        ]
        return rolls_to_trust(
            verified,
            volume.restatted,
            now,
            rescan_interval=self.config.watch.rescan_interval,
            restat_interval=self.config.watch.restat_interval,
        )

    def rescan_changes(self, volume: VolumeState) -> None:
        """Walk again only what the events since the last scan concern: each changed roll, or
        the changed entry outside every roll (a new folder with what is inside it). Lost
        events, or a change at the volume's root folder, mean a full walk."""
        changes, everything = volume.take_changes()
        inventory = volume.inventory
        if everything or inventory is None:
            self.scan_volume(volume, stat_everything=True)
            return
        started = time.monotonic()
        noticed: dict[str, float] = {}  # unit -> its latest event
        for path, at in changes.items():
            unit = inventory.unit_of(path) if path else ""
            noticed[unit] = max(at, noticed.get(unit, at))
        units = _outermost(set(noticed))
        if units == [""]:  # e.g. the volume's root folder is itself a roll
            self.scan_volume(volume, stat_everything=True)
        else:
            for unit in units:
                inventory.rescan(unit)
            self._update(volume, full=False, first=False, noticed=noticed)
        # Timed whatever it took, so that events keep walking at most a fifth of the time.
        volume.last_scan = time.monotonic()
        volume.scan_seconds = volume.last_scan - started

    def _update(
        self,
        volume: VolumeState,
        *,
        full: bool,
        first: bool,
        noticed: dict[str, float] | None = None,
    ) -> None:
        """After a walk (whole or partial): the rolls it found anew or changed are tracked and
        recorded, rolls no longer there are gone, and the volume's problems and unaccounted
        entries are recorded when they changed (always, with the time, after a full walk).

        `noticed` holds the walked units with the time of their latest event: a change in a
        roll counts from then (or from its files' newest ctime), not from when the walk, held
        back by `MIN_RESCAN_GAP`, got to it."""
        inventory = volume.inventory
        assert inventory is not None  # noqa: S101
        key = _volume_key(volume.mounted)
        mhl_folders = inventory.mhl_folders()
        if volume.analysis is None or mhl_folders != volume.mhl_folders:
            volume.analysis = self.profile.analyse(mhl_folders)
            volume.mhl_folders = mhl_folders
        analysis = volume.analysis
        roll_folders = {location.folder for location in analysis.rolls}
        fresh = inventory.regroup(roll_folders)
        if full:  # every part was walked anew
            fresh = roll_folders
        readings = [
            (
                location,
                inventory.rolls[location.folder],
                self._read_mhls(key, location, inventory.rolls[location.folder]),
            )
            for location in analysis.rolls
            if location.folder in fresh
        ]
        copies = self.ledger.observe_copies(
            [
                CopyObservation(
                    roll_id=location.identity.id,
                    shoot_day=location.identity.shoot_day,
                    media_type=location.identity.media_type,
                    roll=location.identity.roll,
                    camera_format=location.camera_format,
                    volume_id=volume.volume_id,
                    folder=location.folder,
                    mhl_fingerprint=reading.fingerprint,
                )
                for location, _scan, reading in readings
            ]
        )
        changed = first
        for (location, roll_scan, reading), copy in zip(readings, copies, strict=True):
            changed |= self._track(
                volume,
                key=key,
                location=location,
                roll_scan=roll_scan,
                reading=reading,
                copy=copy,
                noticed_at=_event_time(noticed, location.folder) if noticed else None,
            )
        seen = {location.identity.id for location in analysis.rolls}
        if full:
            vanished = [
                c for c in self.ledger.copies(volume_id=volume.volume_id) if c.roll_id not in seen
            ]
        else:
            vanished = [
                c
                for roll_id in sorted(volume.roll_ids - seen)
                if (c := self.ledger.copy(roll_id, volume.volume_id)) is not None
            ]
        for copy in vanished:
            if copy.state is not CopyState.GONE:
                self._copy_gone(volume, key, copy)
                changed = True
        volume.roll_ids = seen
        problems = [f"{p.severity}: {p.folder or '.'}: {p.message}" for p in analysis.problems]
        problems += [
            f"error: {display_path(f) or '.'}: cannot be read ({e})"
            for f, e in sorted(inventory.errors().items())
        ]
        outside = unaccounted(inventory.outside, roll_folders, NOT_MEDIA)
        if full:
            self.ledger.volume_scanned(volume.volume_id, problems, outside)
        elif (problems, outside) != volume.reported:
            self.ledger.volume_layout_changed(volume.volume_id, problems, outside)
        if (problems, outside) != volume.reported:
            volume.reported = (problems, outside)
            changed = True
        if changed:
            self.clearance_dirty = True

    def _read_mhls(self, key: str, location: RollLocation, roll_scan: TreeScan) -> MhlReading:
        """The roll's MHLs, parsed again only when an MHL file or ASC history changed."""
        signature = _mhl_signature(roll_scan)
        tracker = self.trackers.get((location.identity.id, key))
        if tracker is not None and tracker.reading.signature == signature:
            return tracker.reading
        try:
            manifest = load_roll_manifest(roll_scan)
        except MhlError as err:
            return MhlReading(signature, None, None, str(err))
        return MhlReading(signature, manifest, manifest_fingerprint(manifest), None)

    def _track(
        self,
        volume: VolumeState,
        *,
        key: str,
        location: RollLocation,
        roll_scan: TreeScan,
        reading: MhlReading,
        copy: CopyRow,
        noticed_at: float | None = None,
    ) -> bool:
        """Follow a copy between scans: when it last changed, broken MHLs, staleness.

        A change counts from `noticed_at` (the latest event in the roll), or from now when no
        event said when (a full walk found it), or from the newest ctime if that is later.
        True when anything about the copy changed (its files, its MHLs, its state)."""
        identity = location.identity
        mhl_error = reading.error
        tracker_key = (identity.id, key)
        tracker = self.trackers.get(tracker_key)
        changed = False
        if tracker is None:
            changed_at = max(last_change_ns(roll_scan.files) / 1e9, 0.0)
            tracker = CopyTracker(identity.id, key, location, reading, roll_scan.files, changed_at)
            self.trackers[tracker_key] = tracker
            changed = True
        else:
            tracker.location = location
            # Named tuples compare by value: size, mtime, inode and ctime of every file.
            if tracker.files != roll_scan.files or tracker.reading is not reading:
                changed_at = max(last_change_ns(roll_scan.files) / 1e9, 0.0)
                tracker.reading, tracker.files = reading, roll_scan.files
                tracker.changed_at = max(
                    time.time() if noticed_at is None else noticed_at, changed_at
                )
                tracker.version += 1
                changed = True
            elif noticed_at is not None:  # an event in the roll is activity, even if undone
                tracker.changed_at = max(tracker.changed_at, noticed_at)
        if mhl_error is not None:
            if copy.state is not CopyState.INVALID_MHL:
                self.ledger.set_copy_state(
                    identity.id,
                    volume.volume_id,
                    CopyState.INVALID_MHL,
                    f"roll {identity.id} on {volume.mounted.label}: {mhl_error}",
                    problems=[mhl_error],
                    severity="alarm",
                    kind="copy_failed",
                )
                return True
            return changed
        if copy.state is CopyState.INVALID_MHL:
            self.ledger.set_copy_state(
                identity.id,
                volume.volume_id,
                CopyState.SETTLING,
                f"roll {identity.id}: its MHL reads again",
            )
            return True
        # Comparing with the ledger's evidence costs a query per file: only when something in
        # the roll changed since the last comparison (or since start-up).
        if copy.state in (
            CopyState.VERIFIED,
            CopyState.MISMATCH,
            CopyState.INCOMPLETE,
        ) and tracker.checked != (tracker.version, copy.state):
            changed |= self._check_unchanged(volume, copy, roll_scan)
            tracker.checked = (tracker.version, copy.state)
        return changed

    def _check_unchanged(self, volume: VolumeState, copy: CopyRow, roll_scan: TreeScan) -> bool:
        """A verified (or failed) copy whose files changed is stale: verify it again, loudly.

        True when it was found stale."""
        on_disk = {name_key(p): info for p, info in roll_scan.files.items()}
        recorded_files = self.ledger.file_identities(copy.roll_id, volume.volume_id)
        changed: list[str] = []
        for recorded in recorded_files:
            if recorded.status == FileStatus.IGNORED.value or recorded.mtime_ns is None:
                continue
            info = on_disk.get(name_key(recorded.path))
            if info is None:
                changed.append(f"{recorded.path} (deleted)")
            elif (info.size, info.mtime_ns, info.inode) != (
                recorded.size,
                recorded.mtime_ns,
                recorded.inode,
            ):
                changed.append(f"{recorded.path} (changed)")
        known = {name_key(r.path) for r in recorded_files}
        manifests = tracker_manifests(roll_scan)
        changed += [
            f"{display_path(path)} (new file)"
            for path in sorted(roll_scan.files)
            if name_key(path) not in known and path not in manifests and not is_hidden_path(path)
        ]
        if changed:
            proven = copy.state is CopyState.VERIFIED
            self.ledger.set_copy_state(
                copy.roll_id,
                volume.volume_id,
                CopyState.SETTLING,
                f"STALE: roll {copy.roll_id} on {volume.mounted.label} changed after it was "
                f"{'verified' if proven else 'checked'} ({', '.join(changed[:5])}); "
                "it will be verified again",
                problems=changed,
                severity="alarm" if proven else "warning",
                kind="copy_stale",
            )
        return bool(changed)

    def _copy_gone(self, volume: VolumeState, key: str, copy: CopyRow) -> None:
        self.trackers.pop((copy.roll_id, key), None)
        proven = copy.state is CopyState.VERIFIED
        self.ledger.set_copy_state(
            copy.roll_id,
            volume.volume_id,
            CopyState.GONE,
            f"roll {copy.roll_id}: its MHL or folder {copy.folder} disappeared from "
            f"{volume.mounted.label}" + (" after it was verified" if proven else ""),
            problems=[f"{copy.folder}: MHL or folder gone"],
            severity="alarm" if proven else "warning",
            kind="copy_gone",
        )

    # --- readiness and verification -------------------------------------------------------------

    def _sleep_for(self) -> float:
        """How long the main loop may rest: a tick, or less when a copy settles sooner."""
        if self._settles_at is None:
            return TICK
        return min(TICK, max(0.01, self._settles_at - time.time()))

    def evaluate(self) -> None:
        """Move settled copies to READY and start verifying them; flag long-incomplete ones."""
        now = time.time()
        settle = self.config.layout.settle_seconds
        self._settles_at = None
        keys = {volume.volume_id: key for key, volume in self.volumes.items()}
        waiting = [
            (copy, tracker)
            for copy in self.ledger.copies_waiting()
            if (key := keys.get(copy.volume_id)) is not None
            and (tracker := self.trackers.get((copy.roll_id, key))) is not None
        ]
        if self.config.target is not None and self.config.target.priority == "sound_first":
            waiting.sort(key=lambda pair: pair[1].location.identity.media_type != "Sound_Media")
        for copy, tracker in waiting:
            roll_id, key = tracker.roll_id, tracker.volume_key
            volume = self.volumes[key]
            if tracker.reading.manifest is None or tracker.verifying:
                continue
            readiness = assess(
                tracker.reading.manifest,
                tracker.files,
                last_change=tracker.changed_at,
                now=now,
                settle=settle,
            )
            if readiness.ready:
                self._submit(volume, key, tracker)
                continue
            if not readiness.waiting_for:  # complete, still settling: look again right then
                due = tracker.changed_at + settle
                self._settles_at = due if self._settles_at is None else min(self._settles_at, due)
            if (
                copy.state is CopyState.SETTLING
                and readiness.waiting_for
                and now - tracker.changed_at >= max(settle, 1.0) * INCOMPLETE_AFTER_SETTLES
            ):
                self.ledger.set_copy_state(
                    roll_id,
                    volume.volume_id,
                    CopyState.INCOMPLETE,
                    f"INCOMPLETE: roll {roll_id} on {volume.mounted.label} has been quiet "
                    f"but is {readiness.reason}",
                    problems=list(readiness.waiting_for),
                    severity="alarm",
                    kind="copy_failed",
                )

    def _record_transfer(
        self,
        outcome: VerificationOutcome,
        volume: VolumeState,
        state: CopyState,
        files: list[VerifiedFile],
        problems: list[str],
    ) -> None:
        transfer = outcome.transfer
        assert transfer is not None and self.config.target is not None  # noqa: S101
        retry_at = None
        if transfer.stage is UploadStage.UPLOAD_FAILED:
            retry_at = (
                datetime.now(UTC) + timedelta(seconds=self.config.target.retry_after)
            ).isoformat(timespec="milliseconds")
        self.ledger.record_transfer(
            outcome.roll_id,
            volume.volume_id,
            copy_state=state,
            evidence=files,
            uploads=transfer.uploads(),
            stage=transfer.stage,
            manifest_key=transfer.manifest_key,
            message=_transfer_message(outcome.roll_id, volume.mounted.label, transfer),
            problems=problems
            + ([self.target_problem] if retry_at and self.target_problem else [])
            + transfer.problems,
            retry_at=retry_at,
        )
        log.info(
            "uploaded" if transfer.stage is UploadStage.UPLOADED else "upload failed",
            roll=outcome.roll_id,
            volume=volume.mounted.label,
            stage=transfer.stage.value,
        )

    def _upload_wanted(self, roll_id: str) -> bool:
        """Whether this roll still needs its primary copy (and no other pass is making it)."""
        if self.target is None or roll_id in self.uploading:
            return False
        roll = self.ledger.roll(roll_id)
        if roll is None or roll.state == RollState.CONFLICT.value:
            return False
        upload = self.ledger.roll_upload(roll_id)
        if upload is None or upload.state == UploadStage.UPLOADING.value:
            return True
        return bool(
            upload.state == UploadStage.UPLOAD_FAILED.value
            and (upload.next_attempt_at or "") <= now_iso()
        )

    def _submit(
        self, volume: VolumeState, key: str, tracker: CopyTracker, *, why: str = "is ready"
    ) -> None:
        tracker.verifying = True
        upload = self._upload_job(volume, tracker) if self._upload_wanted(tracker.roll_id) else None
        what = "verifying and uploading in one pass" if upload else "verifying"
        self.ledger.set_copy_state(
            tracker.roll_id,
            volume.volume_id,
            CopyState.VERIFYING,
            f"roll {tracker.roll_id} on {volume.mounted.label} {why} "
            f"(every listed file present and quiet); {what}",
        )
        folder = volume.mounted.path / tracker.location.folder
        if upload is not None:
            self.uploading.add(tracker.roll_id)
            manifest = tracker.reading.manifest
            total = sum(e.size or 0 for e in manifest.entries.values()) if manifest else 0
            self.ledger.upload_started(
                tracker.roll_id,
                volume.volume_id,
                target=upload.target.description,
                key_prefix=roll_key_prefix(
                    upload.prefix, tracker.location.identity, tracker.location.camera_format
                ),
                bytes_total=total,
            )
        future = self.pool.submit(
            _work, key, tracker.roll_id, folder, self.config.verify.jobs, self._progress(), upload
        )
        self.pending[future] = volume
        self.jobs[future] = tracker.roll_id
        future.add_done_callback(lambda _f: self.wake.set())

    def _upload_job(self, volume: VolumeState, tracker: CopyTracker) -> UploadJob:
        target_settings = self.config.target
        assert self.target is not None and target_settings is not None  # noqa: S101
        return UploadJob(
            target=self.target,
            settings=self.transfer_settings,
            state_dir=self.state_dir,
            prefix=target_settings.prefix,
            cart=self.config.cart.name,
            volume_label=volume.mounted.label,
            location=tracker.location,
            upload_extras=target_settings.upload_extras,
        )

    def retry_uploads(self) -> None:
        """Rolls whose upload failed earlier are tried again from a verified, mounted copy."""
        if self.target is None:
            return
        for roll_id in self.ledger.uploads_due(now_iso()):
            for (tracked_roll, key), tracker in self.trackers.items():
                volume = self.volumes.get(key)
                if tracked_roll != roll_id or volume is None or tracker.verifying:
                    continue
                copy = self.ledger.copy(roll_id, volume.volume_id)
                if copy is not None and copy.state is CopyState.VERIFIED:
                    self._submit(volume, key, tracker, why="is due for another upload attempt")
                    break

    def collect(self, *, wait: bool) -> None:
        """Record every finished verification (waiting for at least one when `wait`)."""
        if wait and self.pending:
            next(iter(self.pending)).exception()
        for future in [f for f in self.pending if f.done()]:
            submitted_on = self.pending.pop(future)
            roll_id = self.jobs.pop(future)
            try:
                outcome = future.result()
            except Exception as err:  # a bug must not take the daemon down: log, retry later
                self._worker_crashed(submitted_on, roll_id, err)
                continue
            tracker = self.trackers.get((outcome.roll_id, outcome.volume_key))
            if tracker:
                tracker.verifying = False
            self.uploading.discard(outcome.roll_id)
            self._record(outcome, submitted_on)
            self.clearance_dirty = True

    def _worker_crashed(self, volume: VolumeState, roll_id: str, error: Exception) -> None:
        self.uploading.discard(roll_id)
        log.exception("internal error in a verification worker", roll=roll_id, exc_info=error)
        tracker = self.trackers.get((roll_id, _volume_key(volume.mounted)))
        if tracker is not None:
            tracker.verifying = False
            tracker.changed_at = time.time() + CRASH_BACKOFF  # not again right away
        self.ledger.set_copy_state(
            roll_id,
            volume.volume_id,
            CopyState.SETTLING,
            f"internal error while processing roll {roll_id} ({type(error).__name__}: {error}); "
            f"it is tried again in {CRASH_BACKOFF:.0f}s",
            severity="alarm",
            kind="internal_error",
        )

    def _record(self, outcome: VerificationOutcome, volume: VolumeState) -> None:
        """Store a verification, unless its volume went away (or came back) while it ran.

        A read that failed because a drive was pulled is not evidence about the roll: the
        result counts only if the very same mount is still there, with the roll folder on the
        same device as when verification started.
        """
        label = volume.mounted.label
        still_there = self.volumes.get(outcome.volume_key) is volume and _same_device(
            volume.mounted.path, outcome
        )
        if not still_there or outcome.result is None or outcome.scan is None:
            reason = outcome.error or f"{label} went away during verification"
            self.ledger.set_copy_state(
                outcome.roll_id,
                volume.volume_id,
                CopyState.SETTLING,
                f"verification of roll {outcome.roll_id} interrupted ({reason}); it resumes "
                "when the volume is back",
                severity="warning",
                kind="verify_interrupted",
            )
            return
        result, scan = outcome.result, outcome.scan
        state, problems = _copy_verdict(result)
        files = _evidence(result, scan)
        where = f"roll {outcome.roll_id} on {label}"
        if outcome.transfer is not None:
            self._record_transfer(outcome, volume, state, files, problems)
            return
        message = (
            f"{where}: verified, {len(files)} files"
            if state is CopyState.VERIFIED
            else f"{state.value.upper()}: {where}: " + "; ".join(problems[:5])
        )
        self.ledger.record_verification(
            outcome.roll_id, volume.volume_id, state, files, message, problems=problems
        )
        log.info(
            "verified" if state is CopyState.VERIFIED else "verification failed",
            roll=outcome.roll_id,
            volume=label,
            state=state.value,
        )


def _transfer_message(roll_id: str, label: str, transfer: RollTransferResult) -> str:
    where = f"roll {roll_id} from {label}"
    if transfer.stage is UploadStage.UPLOADED:
        stored = len(transfer.transfers)
        return (
            f"UPLOADED: {where}: {stored} files stored and proven; manifest {transfer.manifest_key}"
        )
    return f"{transfer.stage.value.upper()}: {where}: " + "; ".join(transfer.problems[:5])


def tracker_manifests(scan: TreeScan) -> set[str]:
    """The MHL files of a roll scan (metadata, never media)."""
    return {p for p in scan.files if is_mhl_file_name(p.rsplit("/", 1)[-1])}


def _same_device(volume_path: Path, outcome: VerificationOutcome) -> bool:
    if outcome.result is None:
        return False
    try:
        return outcome.result.root.stat().st_dev == outcome.device and volume_path.is_dir()
    except OSError:
        return False


def _work(
    key: str,
    roll_id: str,
    folder: Path,
    jobs: int,
    progress: Progress,
    upload: UploadJob | None,
) -> VerificationOutcome:
    """Worker: scan the roll afresh, read its MHLs, hash every listed file, and (with an
    upload job) store each file in the same pass."""
    try:
        device = folder.stat().st_dev
    except OSError as err:
        return VerificationOutcome(key, roll_id, None, None, err.strerror or str(err))
    scan = scan_tree(folder)
    if "" in scan.errors:
        return VerificationOutcome(key, roll_id, None, None, scan.errors[""])
    try:
        manifest = load_roll_manifest(scan)
    except MhlError as err:
        invalid = RollResult(folder, RollVerdict.INVALID, error=str(err))
        failed = RollTransferResult(UploadStage.MISMATCH, problems=[str(err)]) if upload else None
        return VerificationOutcome(key, roll_id, invalid, scan, device=device, transfer=failed)
    plan = plan_roll(manifest, scan)
    already_failed = any(f.status in FAILING for f in plan.result.files)
    if upload is None or already_failed:
        verify_plans([plan], jobs=jobs, progress=progress)
        skipped = (
            RollTransferResult(
                UploadStage.MISMATCH, problems=["the roll failed verification; nothing uploaded"]
            )
            if upload
            else None
        )
        return VerificationOutcome(key, roll_id, plan.result, scan, device=device, transfer=skipped)
    transfer = upload_roll(plan, scan, upload)
    settle_verdict(plan.result)
    return VerificationOutcome(key, roll_id, plan.result, scan, device=device, transfer=transfer)


_MISMATCH_STATUSES = frozenset(
    {FileStatus.MISMATCH, FileStatus.KNOWN_BAD, FileStatus.UNREADABLE, FileStatus.NAME_COLLISION}
)


def _copy_verdict(result: RollResult) -> tuple[CopyState, list[str]]:
    if result.verdict is RollVerdict.INVALID:
        return CopyState.INVALID_MHL, [result.error or "the MHL cannot be read"]
    problems = [
        f"{f.status.value} {f.path}" + (f" ({f.detail})" if f.detail else "")
        for f in result.files
        if f.status not in (FileStatus.OK, FileStatus.IGNORED)
    ]
    if result.verdict is RollVerdict.VERIFIED:
        return CopyState.VERIFIED, problems  # extras are listed, never a failure of the roll
    if any(f.status in _MISMATCH_STATUSES for f in result.files):
        return CopyState.MISMATCH, problems
    return CopyState.INCOMPLETE, problems


def _evidence(result: RollResult, scan: TreeScan) -> list[VerifiedFile]:
    by_key = {name_key(p): info for p, info in scan.files.items()}
    evidence: list[VerifiedFile] = []
    for file in result.files:
        info = by_key.get(name_key(file.disk_name or file.path))
        evidence.append(
            VerifiedFile(
                path=file.path,
                size=file.expected_size if file.expected_size is not None else file.actual_size,
                expected={k.value: v for k, v in file.expected.items()},
                status=file.status.value,
                verified={k.value: v for k, v in file.actual.items()},
                mtime_ns=info.mtime_ns if info else None,
                inode=info.inode if info else None,
            )
        )
    return evidence
