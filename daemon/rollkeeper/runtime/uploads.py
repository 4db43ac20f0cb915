"""The storage target as the loop uses it: the start-up check, which rolls still need their
primary copy, and the job a worker uploads a roll with."""

from __future__ import annotations

import structlog

from rollkeeper.config.schema import Config
from rollkeeper.core import happened
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.core.lifecycle import RollState, UploadStage
from rollkeeper.fs.throttle import TokenBucket
from rollkeeper.ledger.store import Ledger, now_iso
from rollkeeper.runtime.trackers import CopyTracker, VolumeState
from rollkeeper.transfer.pipeline import TransferSettings
from rollkeeper.transfer.roll import UploadJob
from rollkeeper.transfer.targets import Target, TargetUnusable

log = structlog.get_logger("rollkeeper")


class Uploads:
    """The target (None: verify only), its transfer settings, and the rolls being uploaded."""

    def __init__(self, config: Config, target: Target | None) -> None:
        self.config = config
        self.target = target
        self.uploading: set[str] = set()  # rolls a worker is uploading now
        self.problem: str | None = None  # what the start-up check of the target found
        settings = config.target
        rate = settings.bandwidth_limit if settings else None
        self.settings = TransferSettings(
            max_concurrency=settings.max_concurrency if settings else 1,
            max_attempts=settings.max_attempts if settings else 1,
            bandwidth=TokenBucket(rate) if rate else None,
        )

    def prepare(self, ledger: Ledger) -> None:
        """Say at once if the target is unusable, and abort uploads nobody will resume."""
        if self.target is None or self.config.target is None:
            return
        try:
            self.target.check()
            prefix = self.config.target.prefix.strip("/")
            aborted = self.target.abort_abandoned(
                f"{prefix}/" if prefix else "", ledger.open_upload_ids()
            )
        except TargetUnusable as err:
            self.problem = str(err)
            ledger.record(happened.target_unusable(str(err)))
            return
        except RollkeeperError as err:
            log.warning("target check failed", error=str(err))
            return
        self.problem = None
        for key in aborted:
            ledger.record(happened.upload_abandoned(key))

    def wanted(self, ledger: Ledger, roll_id: str, *, retry: bool = False) -> bool:
        """Whether this roll still needs its primary copy (and no other pass is making it); a
        failed upload is wanted again once `retry_after` has passed, or at once on a `retry`
        (its caller judged it due: `Settling.retry_uploads`)."""
        if self.target is None or roll_id in self.uploading:
            return False
        roll = ledger.roll(roll_id)
        if roll is None or roll.state == RollState.CONFLICT.value:
            return False
        upload = ledger.roll_upload(roll_id)
        if upload is None or upload.state == UploadStage.UPLOADING.value:
            return True
        return bool(
            upload.state == UploadStage.UPLOAD_FAILED.value
            and (retry or (upload.next_attempt_at or "") <= now_iso())
        )

    def job(self, volume: VolumeState, tracker: CopyTracker) -> UploadJob:
        """What a worker needs to upload the roll it verifies."""
        settings = self.config.target
        assert self.target is not None and settings is not None  # noqa: S101
        return UploadJob(
            target=self.target,
            settings=self.settings,
            prefix=settings.prefix,
            cart=self.config.cart.name,
            volume_label=volume.mounted.label,
            location=tracker.location,
            upload_extras=settings.upload_extras,
        )
