"""Uploading one roll copy: verify and upload in one pass, then the roll's MHLs, then a manifest.

Runs on a worker thread and writes nothing to the ledger: checkpoints and progress go to the
`CheckpointBook` it is given, the verdict goes back to the daemon's loop, which records both.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xxhash

from rollkeeper import __version__
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.core.hidden import is_hidden_path
from rollkeeper.core.layout import RollLocation
from rollkeeper.core.lifecycle import UploadStage
from rollkeeper.fs.scan import TreeScan
from rollkeeper.ledger.rows import FileUpload
from rollkeeper.mhl.ascmhl import HISTORY_DIR
from rollkeeper.mhl.model import RollManifest
from rollkeeper.mhl.verify import FAILING, FileStatus, RollPlan
from rollkeeper.transfer.checkpoints import CheckpointBook, UploadState
from rollkeeper.transfer.checksums import ObjectChecksum
from rollkeeper.transfer.gate import UploadHalted, UploadPaused
from rollkeeper.transfer.keys import manifest_key, object_key, roll_key_prefix
from rollkeeper.transfer.pipeline import (
    FileTransfer,
    RollUploader,
    TransferSettings,
    source_identity,
)
from rollkeeper.transfer.targets import KeyConflict, Target, TargetUnusable

MANIFEST_SCHEMA = "rollkeeper.roll-manifest/1"


@dataclass(slots=True)
class RollTransferResult:
    """What the pass found and stored: per-file transfers, the stage reached, and why not."""

    stage: UploadStage
    transfers: list[FileTransfer] = field(default_factory=list)
    checksum_algorithm: str | None = None
    manifest_key: str | None = None
    problems: list[str] = field(default_factory=list)
    halted: bool = False  # the daemon stopped the pass: nothing of it is to be recorded
    paused: bool = False  # uploads were paused mid-pass: the roll waits (stage says so)

    def uploads(self) -> list[FileUpload]:
        records = []
        for item in self.transfers:
            stored = item.stored
            try:
                size, mtime_ns, inode = source_identity(item.source)
            except OSError:
                size, mtime_ns, inode = item.size, None, None
            records.append(
                FileUpload(
                    path=item.path,
                    key=item.key,
                    size=item.size,
                    state=item.state.value,
                    checksum_algorithm=self.checksum_algorithm,
                    local_checksum=item.local_checksum,
                    stored_checksum=stored.checksum if stored else None,
                    xxh64=item.xxh64,
                    etag=stored.etag if stored else None,
                    version_id=stored.version_id if stored else None,
                    proof=item.proof,
                    detail=item.detail,
                    source_size=size,
                    source_mtime_ns=mtime_ns,
                    source_inode=inode,
                )
            )
        return records


def _metadata_files(manifest: RollManifest, scan: TreeScan) -> list[str]:
    """The roll's MHL files (legacy and whole ASC histories), relative to the roll."""
    names = {str(p.relative_to(scan.root)) for p in manifest.mhl_files}
    for folder in scan.mhl_folders:
        history = scan.root / folder / HISTORY_DIR
        if history.is_dir() and not history.is_symlink():
            names.update(str(p.relative_to(scan.root)) for p in history.iterdir() if p.is_file())
    return sorted(n for n in names if not is_hidden_path(n))


@dataclass(frozen=True, slots=True)
class UploadJob:
    """What a worker needs to upload the roll it verifies, in the same pass."""

    target: Target
    settings: TransferSettings
    prefix: str
    cart: str
    volume_label: str
    location: RollLocation
    upload_extras: bool


def upload_roll(
    plan: RollPlan, scan: TreeScan, job: UploadJob, book: CheckpointBook
) -> RollTransferResult:
    """Verify and upload every file of the roll in one pass; MHLs next; the manifest last.

    Started uploads, finished parts and bytes moved are reported to `book` as they happen."""
    manifest = plan.result.manifest
    assert manifest is not None  # noqa: S101 - a plan always carries its manifest
    roll_prefix = roll_key_prefix(job.prefix, job.location.identity, job.location.camera_format)
    uploader = RollUploader(job.target, book, job.settings)
    result = RollTransferResult(
        UploadStage.UPLOADING, checksum_algorithm=job.target.checksum_algorithm
    )
    try:
        _send_files(uploader, _transfers(plan, scan, roll_prefix, job.upload_extras), result)
        if result.stage is UploadStage.UPLOADING:
            _store_roll_metadata(job, manifest, scan, roll_prefix, result)
        return result
    except UploadHalted:
        result.halted = True
        return result
    except UploadPaused as err:  # the rest of the roll is verified without the target
        result.stage, result.problems, result.paused = (
            UploadStage.WAITING_FOR_STORAGE,
            [str(err)],
            True,
        )
        return result
    except TargetUnusable as err:
        # the target failed, not the copy: what was not read yet is verified without it
        result.stage, result.problems = UploadStage.WAITING_FOR_STORAGE, [str(err)]
        return result
    except (KeyConflict, RollkeeperError) as err:
        stage = UploadStage.CONFLICT if isinstance(err, KeyConflict) else UploadStage.UPLOAD_FAILED
        result.stage, result.problems = stage, [str(err)]
        return result
    except OSError as err:  # the source drive went away, or a file vanished under us
        result.stage = UploadStage.UPLOAD_FAILED
        result.problems = [f"source unreadable: {err.strerror or err}: {err.filename or ''}"]
        return result
    finally:
        uploader.close()


def _transfers(
    plan: RollPlan, scan: TreeScan, roll_prefix: str, upload_extras: bool
) -> list[FileTransfer]:
    """Every listed file the plan reads, in path order, and (if asked) the extras after them."""
    items = [
        FileTransfer(
            path=task.result.path,
            source=task.disk_path,
            key=object_key(roll_prefix, task.result.path),
            size=task.result.expected_size or 0,
            result=task.result,
        )
        for task in sorted(plan.tasks, key=lambda t: t.result.path)
    ]
    if upload_extras:
        items += [
            FileTransfer(
                path=f.path,
                source=scan.root / f.path,
                key=object_key(roll_prefix, f.path),
                size=f.actual_size or 0,
                result=f,
            )
            for f in plan.result.files
            if f.status is FileStatus.EXTRA and f.actual_size is not None and not f.detail
        ]
    return items


def _send_files(
    uploader: RollUploader, items: list[FileTransfer], result: RollTransferResult
) -> None:
    """The single pass over the media; a file not stored decides the roll's stage."""
    for item in items:
        uploader.transfer(item)
        result.transfers.append(item)
        if item.result.status is FileStatus.EXTRA and item.result.actual:
            item.result.actual = {}
    uploader.finish()
    if any(t.state is not UploadState.STORED for t in result.transfers):
        result.stage = _stage_of(result.transfers)
        result.problems = [
            f"{t.path}: {t.state.value}: {t.detail}"
            for t in result.transfers
            if t.state is not UploadState.STORED
        ]


def _store_roll_metadata(
    job: UploadJob,
    manifest: RollManifest,
    scan: TreeScan,
    roll_prefix: str,
    result: RollTransferResult,
) -> None:
    """The roll's MHLs beside the media, unchanged, then the manifest that says it is whole.

    No manifest is begun once the daemon is stopping (or uploads are paused): the next pass
    finds the files stored and writes the roll's one manifest then."""
    job.settings.gate.check()
    for name in _metadata_files(manifest, scan):
        _store_metadata(job.target, scan.root / name, object_key(roll_prefix, name), result)
    if result.problems:
        result.stage = UploadStage.CONFLICT
        return
    now = datetime.now(UTC)
    # Two passes over one roll within a second must not collide: milliseconds and a nonce.
    stamp = f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{secrets.token_hex(2)}"
    key = manifest_key(roll_prefix, job.location.identity.roll, stamp)
    job.settings.gate.check()
    document = _manifest(
        result,
        job.location,
        cart=job.cart,
        volume_label=job.volume_label,
        target=job.target,
        manifest=manifest,
    )
    job.target.put(key, document, None, {})
    result.manifest_key = key
    result.stage = UploadStage.UPLOADED


def _stage_of(transfers: list[FileTransfer]) -> UploadStage:
    states = {t.state for t in transfers}
    if UploadState.MISMATCH in states or any(t.result.status in FAILING for t in transfers):
        return UploadStage.MISMATCH
    if UploadState.CONFLICT in states:
        return UploadStage.CONFLICT
    return UploadStage.UPLOAD_FAILED


def _store_metadata(target: Target, source: Path, key: str, result: RollTransferResult) -> None:
    """An MHL goes up unchanged beside the media; an identical one already there is fine."""
    data = source.read_bytes()
    checksum = ObjectChecksum(target.checksum_algorithm)
    checksum.update(data)
    part = checksum.end_part()
    existing = target.head(key)
    if existing is None:
        try:
            existing = target.put(key, data, part, {})
        except KeyConflict as err:
            result.problems.append(f"{key}: {err}")
            return
    if target.proven_by_read_back:
        back = target.read_back(key)
        same = back.size == len(data) and back.xxh64 == xxhash.xxh64(data).hexdigest()
    else:
        same = existing.size == len(data) and checksum.matches(existing.checksum, multipart=False)
    if not same:
        result.problems.append(f"{key}: already holds a different MHL; nothing was written")


def _file_entry(item: FileTransfer) -> dict[str, Any]:
    stored = item.stored
    return {
        "path": item.path,
        "key": item.key,
        "size": item.size,
        "xxh64": item.xxh64,
        "expected": {k.value: v for k, v in item.result.expected.items()},
        "local_checksum": item.local_checksum,
        "stored_checksum": stored.checksum if stored else None,
        "etag": stored.etag if stored else None,
        "version_id": stored.version_id if stored else None,
        "proof": item.proof,
    }


def _manifest(
    result: RollTransferResult,
    location: RollLocation,
    *,
    cart: str,
    volume_label: str,
    target: Target,
    manifest: RollManifest,
) -> bytes:
    identity = location.identity
    document = {
        "schema": MANIFEST_SCHEMA,
        "tool": {"name": "rollkeeper", "version": __version__},
        "cart": cart,
        "uploaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "roll": {
            "id": identity.id,
            "shoot_day": identity.shoot_day,
            "media_type": identity.media_type,
            "roll": identity.roll,
            "camera_format": location.camera_format,
        },
        "source": {"volume": volume_label, "folder": location.folder},
        "target": target.description,
        "checksum_algorithm": target.checksum_algorithm,
        "mhl_formats": sorted(f.value for f in manifest.formats),
        "files": [_file_entry(t) for t in result.transfers],
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
