"""Specification: a pause or a stop ends a file's pass at a part boundary (`transfer.gate`).

A store that resumes (S3) keeps the upload and its checkpointed parts; a folder, which never
resumes, has its temporary file removed at once. A stop cuts short every wait for bandwidth.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rollkeeper.core.layout import RollIdentity, RollLocation
from rollkeeper.core.lifecycle import UploadStage
from rollkeeper.fs.scan import scan_tree
from rollkeeper.fs.throttle import TokenBucket
from rollkeeper.mhl.manifest import load_roll_manifest
from rollkeeper.mhl.verify import plan_roll
from rollkeeper.transfer.file_transfer import FileTransfer
from rollkeeper.transfer.fs_target import FolderTarget, FolderWriter
from rollkeeper.transfer.gate import UploadGate, UploadHalted, UploadPaused
from rollkeeper.transfer.multipart import MultipartUpload
from rollkeeper.transfer.part_buffers import PartBuffers
from rollkeeper.transfer.resume import plan_parts
from rollkeeper.transfer.roll import UploadJob, upload_roll
from rollkeeper.transfer.settings import TransferSettings
from rollkeeper.transfer.uplink import Uplink

from tests.builders import clip, sealed_legacy_roll
from tests.unit.transfer.passes import SMALL_PART, FileMaker, RecordingBook, SmallPartFolder, media

SIZE = 4 * SMALL_PART


class PauseAfter:
    """A bandwidth limit that pauses the gate once `parts` parts have been let through."""

    def __init__(self, gate: UploadGate, parts: int, *, halt: bool = False) -> None:
        self.gate, self.parts, self.halt = gate, parts, halt

    def take(self, count: int) -> None:
        self.parts -= 1
        if self.parts < 0:
            if self.halt:
                self.gate.halt()
            else:
                self.gate.pause("uploads paused until 14:00 UTC")


class ResumableFolder(SmallPartFolder):
    """A folder target whose writers say they resume, as an S3 multipart upload does."""

    def open_writer(
        self, key: str, size: int, metadata: dict[str, str], upload_id: str | None
    ) -> FolderWriter:
        writer = super().open_writer(key, size, metadata, upload_id)
        writer.resumable = True
        return writer


def _uplink(store: FolderTarget, book: RecordingBook, gate: UploadGate, *, parts: int) -> Uplink:
    settings = TransferSettings(
        max_concurrency=1, max_attempts=1, bandwidth=PauseAfter(gate, parts), gate=gate
    )
    return Uplink(store, book, settings, PartBuffers(1), ThreadPoolExecutor(max_workers=1))


def _send(uplink: Uplink, item: FileTransfer) -> None:
    MultipartUpload(uplink, item, plan_parts(uplink, item)).read_and_send()


def test_a_pause_ends_a_folder_upload_at_a_part_boundary_and_removes_its_partial_file(
    tmp_path: Path, book: RecordingBook, source_file: FileMaker
) -> None:
    (tmp_path / "store").mkdir()
    store = SmallPartFolder(tmp_path / "store", "crc64nvme")
    uplink = _uplink(store, book, UploadGate(), parts=2)
    item = source_file("clip.mov", media(1, SIZE))

    with pytest.raises(UploadPaused, match="until 14:00 UTC"):
        _send(uplink, item)
    uplink.uploaders.shutdown(wait=True)

    assert sorted(book.parts_sent) == [1, 2]
    assert not [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    assert item.path not in book.checkpoints  # nothing of it is to be resumed


def test_a_pause_keeps_a_resumable_upload_and_its_parts_checkpointed(
    tmp_path: Path, book: RecordingBook, source_file: FileMaker
) -> None:
    (tmp_path / "store").mkdir()
    store = ResumableFolder(tmp_path / "store", "crc64nvme")
    uplink = _uplink(store, book, UploadGate(), parts=2)
    item = source_file("clip.mov", media(2, SIZE))

    with pytest.raises(UploadPaused):
        _send(uplink, item)
    uplink.uploaders.shutdown(wait=True)

    assert sorted(book.checkpoints[item.path].parts) == [1, 2]
    assert item.path not in book.forgotten


def test_a_stop_cuts_short_a_wait_for_bandwidth() -> None:
    gate = UploadGate()
    bucket = TokenBucket(1.0, sleep=gate.sleep)  # one byte a second
    gate.halt()

    bucket.take(10**12)  # would be a wait of 30,000 years

    with pytest.raises(UploadHalted):
        gate.check()


def test_a_resumed_gate_lets_uploads_go_on() -> None:
    gate = UploadGate()
    gate.pause("paused")
    gate.resume()

    gate.check()

    assert gate.paused is None


ROLL = RollIdentity(shoot_day="20261121", media_type="Camera_Media", roll="A001R1AB")


def _roll_pass(tmp_path: Path, *, halt: bool) -> tuple[UploadStage, bool, bool, list[str]]:
    """A roll of two files whose pass is paused (or halted) after its first part."""
    files = {"a.mov": clip(1, 3 * SMALL_PART), "b.mov": clip(2, 3 * SMALL_PART)}
    sealed_legacy_roll(tmp_path / "A001R1AB", files)
    (tmp_path / "store").mkdir()
    scan = scan_tree(tmp_path / "A001R1AB")
    plan = plan_roll(load_roll_manifest(scan), scan)
    gate = UploadGate()
    settings = TransferSettings(
        max_concurrency=1, max_attempts=1, bandwidth=PauseAfter(gate, 1, halt=halt), gate=gate
    )
    job = UploadJob(
        target=SmallPartFolder(tmp_path / "store", "crc64nvme"),
        settings=settings,
        prefix="show",
        cart="CART-A",
        volume_label="RAID_A",
        location=RollLocation(ROLL, folder="A001R1AB"),
        upload_extras=False,
    )
    result = upload_roll(plan, scan, job, RecordingBook())
    stored = [str(p) for p in (tmp_path / "store").rglob("*") if p.is_file()]
    return result.stage, result.paused, result.halted, stored


def test_a_roll_paused_mid_pass_waits_for_storage_saying_why(tmp_path: Path) -> None:
    stage, paused, halted, stored = _roll_pass(tmp_path, halt=False)

    assert (stage, paused, halted) == (UploadStage.WAITING_FOR_STORAGE, True, False)
    assert not [name for name in stored if name.endswith(".rollkeeper.json")]


def test_a_roll_stopped_mid_pass_is_left_halted_without_a_manifest(tmp_path: Path) -> None:
    stage, paused, halted, stored = _roll_pass(tmp_path, halt=True)

    assert halted and not paused
    assert stage is UploadStage.UPLOADING
    assert not [name for name in stored if name.endswith(".rollkeeper.json")]
