"""Specification: the worker's checkpoint book writes nothing; it reports, in call order, to
whoever makes checkpoints durable (`transfer.checkpoints.ReportingBook`)."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.core.layout import RollIdentity, RollLocation
from rollkeeper.core.lifecycle import UploadStage
from rollkeeper.fs.scan import scan_tree
from rollkeeper.mhl.manifest import load_roll_manifest
from rollkeeper.mhl.verify import plan_roll
from rollkeeper.transfer.checkpoints import (
    Checkpoint,
    CheckpointForgotten,
    CheckpointReport,
    PartDone,
    ReportingBook,
    UploadBegun,
    UploadProgress,
    nothing_to_resume,
)
from rollkeeper.transfer.fs_target import FolderTarget
from rollkeeper.transfer.pipeline import TransferSettings
from rollkeeper.transfer.roll import UploadJob, upload_roll
from rollkeeper.transfer.targets import PartReceipt

from tests.builders import clip, sealed_legacy_roll

ROLL = "20261121/Camera_Media/A001R1AB"
RECEIPT = PartReceipt(1, 5, "etag", "crc")
MiB = 1024 * 1024


def test_each_call_becomes_one_report_in_the_order_of_the_calls() -> None:
    reports: list[CheckpointReport] = []
    book = ReportingBook(ROLL, reports.append, nothing_to_resume)

    book.started("a.mov", "show/a.mov", 8, "up-1", 5)
    book.part_done("a.mov", "up-1", RECEIPT)
    book.forget("a.mov")

    assert reports == [
        UploadBegun(ROLL, "a.mov", "show/a.mov", 8, "up-1", 5),
        PartDone(ROLL, "a.mov", "up-1", RECEIPT),
        CheckpointForgotten(ROLL, "a.mov"),
    ]


def test_a_resumed_upload_starts_from_what_the_lookup_holds() -> None:
    held = Checkpoint("up-1", 5, {1: RECEIPT})
    reports: list[CheckpointReport] = []
    book = ReportingBook(ROLL, reports.append, {"a.mov": held}.get)

    assert book.checkpoint("a.mov") == held
    assert book.checkpoint("b.mov") is None


def test_flushing_reports_every_byte_moved_so_far() -> None:
    reports: list[CheckpointReport] = []
    book = ReportingBook(ROLL, reports.append, nothing_to_resume)
    book.bytes_moved(10)
    book.bytes_moved(5)

    book.flush()

    assert reports[-1] == UploadProgress(ROLL, 15)


def test_a_multipart_upload_reports_its_start_each_part_and_then_that_it_is_done(
    tmp_path: Path,
) -> None:
    sealed_legacy_roll(tmp_path / "A001R1AB", {"big.mov": clip(3, 40 * MiB)})
    scan = scan_tree(tmp_path / "A001R1AB")
    job = UploadJob(
        target=FolderTarget(tmp_path / "store", "crc64nvme"),
        settings=TransferSettings(max_concurrency=2, max_attempts=1),
        prefix="show",
        cart="CART-A",
        volume_label="RAID_A",
        location=RollLocation(RollIdentity("20261121", "Camera_Media", "A001R1AB"), "A001R1AB"),
        upload_extras=False,
    )
    (tmp_path / "store").mkdir()
    reports: list[CheckpointReport] = []
    book = ReportingBook(ROLL, reports.append, nothing_to_resume)

    result = upload_roll(plan_roll(load_roll_manifest(scan), scan), scan, job, book)

    assert result.stage is UploadStage.UPLOADED
    kinds = [type(r) for r in reports if not isinstance(r, UploadProgress)]
    parts = -(-40 * MiB // job.target.part_size(40 * MiB))
    assert parts > 1
    assert kinds == [UploadBegun, *[PartDone] * parts, CheckpointForgotten]
