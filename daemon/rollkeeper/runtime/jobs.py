"""Jobs: a ready roll copy goes to a worker, which verifies it (and uploads it in the same pass);
its outcome comes back to the loop, which records it.

Workers run on a bounded pool and write nothing: their checkpoint reports go to the loop's
`CheckpointInbox`, their outcome is a `VerificationOutcome` the loop records (`Recording`).
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path

import structlog

from rollkeeper.core import happened
from rollkeeper.core.errors import MhlError
from rollkeeper.core.lifecycle import CopyState, UploadStage
from rollkeeper.fs.progress import NoProgress, Progress, Throttled
from rollkeeper.fs.scan import TreeScan, scan_tree
from rollkeeper.fs.throttle import TokenBucket
from rollkeeper.mhl.manifest import load_roll_manifest
from rollkeeper.mhl.verify import (
    FAILING,
    FileStatus,
    RollPlan,
    RollResult,
    RollVerdict,
    plan_roll,
    settle_verdict,
    verify_plans,
)
from rollkeeper.runtime.background import background_pool
from rollkeeper.runtime.checkpoints import CheckpointInbox, resume_view
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.recording import Recording, VerificationOutcome
from rollkeeper.runtime.trackers import CopyTracker, VolumeState, volume_key
from rollkeeper.runtime.uploads import Uploads, roll_bytes
from rollkeeper.transfer.checkpoints import ReportingBook, ReportSink
from rollkeeper.transfer.keys import roll_key_prefix
from rollkeeper.transfer.roll import RollTransferResult, UploadJob, upload_roll

log = structlog.get_logger("rollkeeper")

#: After an internal error a roll waits this long before it is tried again.
CRASH_BACKOFF = 60.0
#: While waiting for a job, worker reports are made durable at least this often (seconds).
DRAIN_EVERY = 0.5


@dataclass(frozen=True, slots=True)
class Upload:
    """A worker's upload of the roll it verifies: the job, and where its reports go."""

    job: UploadJob
    send: ReportSink
    state_dir: Path  # for the read-only view of the checkpoints it resumes from


@dataclass(frozen=True, slots=True)
class Work:
    """One roll copy for a worker: where it is, how hard to read it, and what to upload."""

    volume_key: str
    roll_id: str
    folder: Path
    jobs: int
    progress: Progress
    upload: Upload | None


def _upload(plan: RollPlan, scan: TreeScan, roll_id: str, upload: Upload) -> RollTransferResult:
    """Verify and upload in one pass; reports go to the loop, resuming reads a read-only view."""
    with resume_view(upload.state_dir, roll_id) as resume:
        book = ReportingBook(roll_id, upload.send, resume)
        try:
            return upload_roll(plan, scan, upload.job, book)
        finally:
            book.flush()


def work(job: Work) -> VerificationOutcome:
    """Worker: scan the roll afresh, read its MHLs, hash every listed file, and (with an
    upload) store each file in the same pass."""
    key, roll_id, folder = job.volume_key, job.roll_id, job.folder
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
        failed = (
            RollTransferResult(UploadStage.MISMATCH, problems=[str(err)]) if job.upload else None
        )
        return VerificationOutcome(key, roll_id, invalid, scan, device=device, transfer=failed)
    plan = plan_roll(manifest, scan)
    already_failed = any(f.status in FAILING for f in plan.result.files)
    if job.upload is None or already_failed:
        verify_plans([plan], jobs=job.jobs, progress=job.progress)
        skipped = (
            RollTransferResult(
                UploadStage.MISMATCH, problems=["the roll failed verification; nothing uploaded"]
            )
            if job.upload
            else None
        )
        return VerificationOutcome(key, roll_id, plan.result, scan, device=device, transfer=skipped)
    transfer = _upload(plan, scan, roll_id, job.upload)
    if transfer.halted:  # the copy stays VERIFYING: the next start verifies it again
        return VerificationOutcome(key, roll_id, None, None, "the daemon stopped", halted=True)
    if transfer.stage is UploadStage.WAITING_FOR_STORAGE:
        _verify_unread(plan, job)
    settle_verdict(plan.result)
    return VerificationOutcome(key, roll_id, plan.result, scan, device=device, transfer=transfer)


def _verify_unread(plan: RollPlan, job: Work) -> None:
    """The target failed during the pass: verify, without it, the files the pass did not
    finish reading, so that the copy's verdict never depends on the target. A file that does
    not match is the copy's failure, whatever became of the upload."""
    unread = [t for t in plan.tasks if not t.result.actual and t.result.status is FileStatus.OK]
    if unread:
        verify_plans([RollPlan(plan.result, unread)], jobs=job.jobs, progress=job.progress)


class Jobs:
    """The worker pool, the jobs in flight, and what becomes of each when it ends."""

    def __init__(
        self,
        context: LoopContext,
        uploads: Uploads,
        recording: Recording,
        inbox: CheckpointInbox,
    ) -> None:
        self.context = context
        self.uploads = uploads
        self.recording = recording
        self.inbox = inbox
        verify = context.config.verify
        nice = context.config.service.background_nice
        self.pool = background_pool(verify.workers, "verify", nice)
        self.pending: dict[Future[VerificationOutcome], VolumeState] = {}
        self.jobs: dict[Future[VerificationOutcome], str] = {}
        self.read_limit = TokenBucket(verify.read_rate) if verify.read_rate else None

    def _progress(self) -> Progress:
        """What verification workers report to: the shared read-rate limit, if any."""
        return Throttled(NoProgress(), self.read_limit) if self.read_limit else NoProgress()

    def submit(self, volume: VolumeState, tracker: CopyTracker, *, retry: bool = False) -> None:
        """Start verifying a copy (and uploading it, if the roll still needs its primary copy);
        `retry` when it goes again for another upload attempt. Nothing starts once the daemon
        is stopping."""
        if self.uploads.gate.halted:
            return
        ledger = self.context.ledger
        tracker.verifying = True
        uploads = self.uploads
        wanted = uploads.wanted(ledger, tracker.roll_id, volume.volume_id, retry=retry)
        if wanted and not uploads.room_for(ledger, tracker.roll_id, roll_bytes(tracker)):
            wanted = False  # verified now; uploaded when there is room
        job = uploads.job(volume, tracker) if wanted else None
        ledger.set_copy_state(
            tracker.roll_id,
            volume.volume_id,
            CopyState.VERIFYING,
            event=happened.verification_started(
                tracker.roll_id,
                volume.volume_id,
                label=volume.mounted.label,
                retry=retry,
                uploading=job is not None,
            ),
        )
        upload = None
        if job is not None:
            self._upload_started(volume, tracker, job)
            upload = Upload(job, self.inbox.send, self.context.state_dir)
        folder = volume.mounted.path / tracker.location.folder
        order = Work(
            volume_key(volume.mounted),
            tracker.roll_id,
            folder,
            self.context.config.verify.jobs,
            self._progress(),
            upload,
        )
        future = self.pool.submit(work, order)
        self.pending[future] = volume
        self.jobs[future] = tracker.roll_id
        future.add_done_callback(self.context.wake_up)

    def _upload_started(self, volume: VolumeState, tracker: CopyTracker, job: UploadJob) -> None:
        self.uploads.uploading.add(tracker.roll_id)
        total = roll_bytes(tracker)
        self.context.ledger.upload_started(
            tracker.roll_id,
            volume.volume_id,
            target=job.target.description,
            key_prefix=roll_key_prefix(
                job.prefix, tracker.location.identity, tracker.location.camera_format
            ),
            bytes_total=total,
        )

    def drain(self) -> None:
        """Make the workers' checkpoint reports durable."""
        if self.context.is_open:
            self.inbox.drain(self.context.ledger)

    def collect(self, *, wait_for_one: bool) -> None:
        """Record every finished job (waiting for at least one when `wait_for_one`).

        While waiting, the workers' reports are made durable every `DRAIN_EVERY` seconds; they
        are all made durable before an outcome is recorded."""
        while wait_for_one and self.pending:
            self.drain()
            finished, _ = wait(self.pending, timeout=DRAIN_EVERY, return_when=FIRST_COMPLETED)
            if finished:
                break
        self.drain()
        for future in [f for f in self.pending if f.done()]:
            self._finished(future)

    def _finished(self, future: Future[VerificationOutcome]) -> None:
        volume = self.pending.pop(future)
        roll_id = self.jobs.pop(future)
        try:
            outcome = future.result()
        except Exception as err:  # a bug must not take the daemon down: log, retry later
            self._crashed(volume, roll_id, err)
            return
        tracker = self.context.trackers.get((outcome.roll_id, outcome.volume_key))
        if tracker:
            tracker.verifying = False
        self.uploads.uploading.discard(outcome.roll_id)
        if outcome.halted:
            return  # stopped mid-pass: its parts are checkpointed, the next start resumes it
        self.recording.record(outcome, volume)
        self.context.clearance.note(rolls=[outcome.roll_id], volume=volume.volume_id)

    def _crashed(self, volume: VolumeState, roll_id: str, error: Exception) -> None:
        self.uploads.uploading.discard(roll_id)
        log.exception("verify.internal_error", roll=roll_id, exc_info=error)
        tracker = self.context.trackers.get((roll_id, volume_key(volume.mounted)))
        if tracker is not None:
            tracker.verifying = False
            tracker.changed_at = time.time() + CRASH_BACKOFF  # not again right away
        self.context.ledger.set_copy_state(
            roll_id,
            volume.volume_id,
            CopyState.SETTLING,
            event=happened.internal_error(
                roll_id, volume.volume_id, error=error, retry_seconds=CRASH_BACKOFF
            ),
        )
        self.context.clearance.note(rolls=[roll_id], volume=volume.volume_id)

    def shutdown(self, until: float | None = None) -> None:
        """Start no more jobs; let the running ones end until `until` (monotonic; None: as
        long as they take), their reports made durable as they come and each outcome recorded
        (a roll whose upload finished meanwhile is recorded uploaded). A job still running at
        `until` is left behind: the next start verifies its copy again, resuming its upload."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        while self.pending and (until is None or time.monotonic() < until):
            self.drain()
            left = DRAIN_EVERY if until is None else min(DRAIN_EVERY, until - time.monotonic())
            wait(self.pending, timeout=max(0.0, left), return_when=FIRST_COMPLETED)
            self._record_finished()
        if not self.pending:
            self.pool.shutdown(wait=True)
        elif self.context.is_open:
            log.warning("stopping with jobs still running", rolls=sorted(self.jobs.values()))
        self.drain()

    def _record_finished(self) -> None:
        """Record the outcome of every job that ended (after making its reports durable)."""
        done = [f for f in self.pending if f.done()]
        never_begun = [f for f in done if f.cancelled()]  # left VERIFYING: the start resumes
        if not self.context.is_open:  # nothing can be recorded: forget them all
            never_begun = done
        for future in never_begun:
            del self.pending[future], self.jobs[future]
        done = [f for f in done if f in self.pending]
        if not done:
            return
        self.drain()
        for future in done:
            self._finished(future)
