"""Recording what a worker found: the copy's verdict and evidence, and the upload's outcome.

A read that failed because a drive was pulled is not evidence about the roll: an outcome counts
only if the very same mount is still there, with the roll folder on the same device as when the
worker started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rollkeeper.core import happened, words
from rollkeeper.core.events import Event
from rollkeeper.core.lifecycle import CopyState, UploadStage
from rollkeeper.fs.scan import TreeScan
from rollkeeper.ledger.rows import FinishedTransfer, VerifiedFile
from rollkeeper.mhl.model import name_key
from rollkeeper.mhl.verify import FileStatus, RollResult, RollVerdict
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.trackers import VolumeState
from rollkeeper.runtime.uploads import Uploads
from rollkeeper.transfer.roll import RollTransferResult

#: Why a roll verified without its upload waits, when the target is usable again by then.
WAS_UNUSABLE = "the target could not be used when the roll was verified"

_MISMATCH_STATUSES = frozenset(
    {FileStatus.MISMATCH, FileStatus.KNOWN_BAD, FileStatus.UNREADABLE, FileStatus.NAME_COLLISION}
)


@dataclass(frozen=True, slots=True)
class VerificationOutcome:
    """What a worker found (or why it could not look), and what it uploaded, if it did."""

    volume_key: str
    roll_id: str
    result: RollResult | None
    scan: TreeScan | None
    error: str | None = None
    device: int | None = None  # st_dev of the roll folder when verification started
    transfer: RollTransferResult | None = None  # set when this pass also uploaded the roll
    halted: bool = False  # the daemon stopped the pass: nothing is recorded, the start resumes


def copy_verdict(result: RollResult) -> tuple[CopyState, list[str]]:
    """The copy's state after verification, and every file that was not simply OK."""
    if result.verdict is RollVerdict.INVALID:
        return CopyState.INVALID_MHL, [result.error or "the MHL cannot be read"]
    problems = [
        words.file_problem(f.status.value, f.path, f.detail)
        for f in result.files
        if f.status not in (FileStatus.OK, FileStatus.IGNORED)
    ]
    if result.verdict is RollVerdict.VERIFIED:
        return CopyState.VERIFIED, problems  # extras are listed, never a failure of the roll
    if any(f.status in _MISMATCH_STATUSES for f in result.files):
        return CopyState.MISMATCH, problems
    return CopyState.INCOMPLETE, problems


def verified_files(result: RollResult, scan: TreeScan) -> list[VerifiedFile]:
    """Each file's evidence: hashes expected and found, and its identity on disk then."""
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


def transfer_event(
    roll_id: str, volume: VolumeState, finished: FinishedTransfer, transfer: RollTransferResult
) -> Event:
    """What a pass that uploaded the roll says: uploaded; verified and waiting for storage
    (the target's sentence, once); or short of it with the upload's own problems."""
    if finished.stage is UploadStage.UPLOADED:
        return happened.upload_done(
            roll_id,
            volume.volume_id,
            label=volume.mounted.label,
            files=len(transfer.transfers),
            manifest=finished.manifest_key,
            problems=finished.problems,
        )
    if finished.stage is UploadStage.WAITING_FOR_STORAGE:
        return happened.storage_waiting(
            roll_id,
            volume.volume_id,
            label=volume.mounted.label,
            problem=finished.storage_problem or "; ".join(transfer.problems),
        )
    return happened.upload_failed(
        roll_id,
        volume.volume_id,
        stage=finished.stage,
        label=volume.mounted.label,
        manifest=finished.manifest_key,
        problems=finished.problems,
        upload_problems=transfer.problems,
    )


def same_device(volume_path: Path, outcome: VerificationOutcome) -> bool:
    """Is the roll folder still on the device it was on when the worker started?"""
    if outcome.result is None:
        return False
    try:
        return outcome.result.root.stat().st_dev == outcome.device and volume_path.is_dir()
    except OSError:
        return False


class Recording:
    """Stores each finished outcome in one transaction (the loop's thread)."""

    def __init__(self, context: LoopContext, uploads: Uploads) -> None:
        self.context = context
        self.uploads = uploads

    def record(self, outcome: VerificationOutcome, volume: VolumeState) -> None:
        """Store a verification, unless its volume went away (or came back) while it ran."""
        still_there = self.context.volumes.get(outcome.volume_key) is volume and same_device(
            volume.mounted.path, outcome
        )
        if not still_there or outcome.result is None or outcome.scan is None:
            self._interrupted(outcome, volume)
            return
        state, problems = copy_verdict(outcome.result)
        files = verified_files(outcome.result, outcome.scan)
        if outcome.transfer is not None:
            self._transfer(outcome, volume, state, files, problems)
            return
        roll_id, volume_id, label = outcome.roll_id, volume.volume_id, volume.mounted.label
        verdict = (
            happened.copy_verified(
                roll_id, volume_id, label=label, files=len(files), problems=problems
            )
            if state is CopyState.VERIFIED
            else happened.verification_failed(
                roll_id, volume_id, state=state, label=label, problems=problems
            )
        )
        self.context.ledger.record_verification(
            roll_id, volume_id, state, files, problems=problems, event=verdict
        )
        if state is CopyState.VERIFIED:
            self.waiting_for_storage(outcome, volume)

    def _interrupted(self, outcome: VerificationOutcome, volume: VolumeState) -> None:
        self.context.ledger.set_copy_state(
            outcome.roll_id,
            volume.volume_id,
            CopyState.SETTLING,
            event=happened.verification_interrupted(
                outcome.roll_id, volume.volume_id, label=volume.mounted.label, error=outcome.error
            ),
        )

    def _transfer(
        self,
        outcome: VerificationOutcome,
        volume: VolumeState,
        state: CopyState,
        files: list[VerifiedFile],
        problems: list[str],
    ) -> None:
        transfer = outcome.transfer
        settings = self.context.config.target
        assert transfer is not None and settings is not None  # noqa: S101
        if transfer.stage is UploadStage.WAITING_FOR_STORAGE:
            self._waiting_transfer(outcome, volume, state, files, problems)
            return
        retry_at = None
        if transfer.stage is UploadStage.UPLOAD_FAILED:
            retry_at = (datetime.now(UTC) + timedelta(seconds=settings.retry_after)).isoformat(
                timespec="milliseconds"
            )
        finished = FinishedTransfer(
            copy_state=state,
            evidence=files,
            uploads=transfer.uploads(),
            stage=transfer.stage,
            manifest_key=transfer.manifest_key,
            problems=problems + transfer.problems,
            retry_at=retry_at,
        )
        self.context.ledger.record_transfer(
            outcome.roll_id,
            volume.volume_id,
            finished,
            event=transfer_event(outcome.roll_id, volume, finished, transfer),
        )
        if transfer.stage is UploadStage.UPLOADED:
            self.uploads.pass_succeeded()

    def _waiting_transfer(
        self,
        outcome: VerificationOutcome,
        volume: VolumeState,
        state: CopyState,
        files: list[VerifiedFile],
        problems: list[str],
    ) -> None:
        """The target failed during the pass: the copy's verdict stands on its own (verified,
        or a failure and its alarm); a verified roll waits for storage, the target's sentence
        said once; the target is unusable until a check finds it back."""
        transfer = outcome.transfer
        assert transfer is not None  # noqa: S101
        storage_problem = "; ".join(transfer.problems)
        verified = state is CopyState.VERIFIED
        finished = FinishedTransfer(
            copy_state=state,
            evidence=files,
            uploads=transfer.uploads(),
            stage=UploadStage.WAITING_FOR_STORAGE if verified else UploadStage.MISMATCH,
            manifest_key=None,
            problems=problems,
            storage_problem=storage_problem,
        )
        roll_id, label = outcome.roll_id, volume.mounted.label
        event = (
            transfer_event(roll_id, volume, finished, transfer)
            if verified
            else happened.verification_failed(
                roll_id, volume.volume_id, state=state, label=label, problems=problems
            )
        )
        self.context.ledger.record_transfer(roll_id, volume.volume_id, finished, event=event)
        if not transfer.paused:  # a pause is no fault of the target's
            self.uploads.pass_failed(self.context.ledger, storage_problem)

    def waiting_for_storage(self, outcome: VerificationOutcome, volume: VolumeState) -> None:
        """A copy verified without uploading because the target is unusable (or uploads are
        paused): its roll waits for storage, said once per roll."""
        uploads, ledger = self.uploads, self.context.ledger
        target = uploads.target
        if target is None or outcome.transfer is not None:
            return
        if not uploads.needs_storage(ledger, outcome.roll_id):
            return
        tracker = self.context.trackers.get((outcome.roll_id, outcome.volume_key))
        if tracker is None:
            return
        upload = ledger.roll_upload(outcome.roll_id)
        said = upload is not None and upload.state == UploadStage.WAITING_FOR_STORAGE.value
        # The target may be back already: the roll still waits (and goes up on the next pass).
        now = uploads.problem or uploads.held() or uploads.space_problem.get(outcome.roll_id)
        problem = now or (upload.last_error if upload else None) or WAS_UNUSABLE
        ledger.upload_waiting(
            outcome.roll_id,
            volume.volume_id,
            target=target.description,
            key_prefix=uploads.key_prefix(tracker),
            problem=problem,
            event=None
            if said or now is None
            else happened.storage_waiting(
                outcome.roll_id,
                volume.volume_id,
                label=volume.mounted.label,
                problem=problem,
            ),
        )
