"""Specification: one roll verified and uploaded in one pass, to a real folder target.

`transfer.roll.upload_roll` sends every listed file, then the roll's MHLs, then the manifest
that says the roll is whole; a file that does not match its MHL commits nothing of the roll.
"""

from __future__ import annotations

import json
from pathlib import Path

from rollkeeper.core.layout import RollIdentity, RollLocation
from rollkeeper.core.lifecycle import UploadStage
from rollkeeper.fs.scan import scan_tree
from rollkeeper.mhl.manifest import load_roll_manifest
from rollkeeper.mhl.verify import plan_roll
from rollkeeper.transfer.checkpoints import (
    CheckpointReport,
    ReportingBook,
    UploadProgress,
    nothing_to_resume,
)
from rollkeeper.transfer.fs_target import FolderTarget
from rollkeeper.transfer.pipeline import TransferSettings
from rollkeeper.transfer.roll import RollTransferResult, UploadJob, upload_roll

from tests.builders import clip, sealed_legacy_roll

ROLL = RollIdentity(shoot_day="20261121", media_type="Camera_Media", roll="A001R1AB")
FILES = {"clip_001.mov": clip(1, 300_000), "sub/clip_002.mov": clip(2, 70_000)}


def _job(store: Path, *, max_attempts: int = 2) -> UploadJob:
    return UploadJob(
        target=FolderTarget(store, "crc64nvme"),
        settings=TransferSettings(max_concurrency=2, max_attempts=max_attempts),
        prefix="show",
        cart="CART-A",
        volume_label="RAID_A",
        location=RollLocation(ROLL, folder="A001R1AB"),
        upload_extras=False,
    )


def _upload_reporting(
    roll: Path, store: Path, reports: list[CheckpointReport], *, max_attempts: int = 2
) -> RollTransferResult:
    """Upload `roll` to `store`; what the book reports is appended to `reports`."""
    scan = scan_tree(roll)
    plan = plan_roll(load_roll_manifest(scan), scan)
    book = ReportingBook(ROLL.id, reports.append, nothing_to_resume)
    result = upload_roll(plan, scan, _job(store, max_attempts=max_attempts), book)
    book.flush()
    return result


def _upload(tmp_path: Path, roll: Path) -> tuple[RollTransferResult, Path]:
    store = tmp_path / "store"
    store.mkdir()
    return _upload_reporting(roll, store, []), store


def _stored(store: Path) -> set[str]:
    return {str(p.relative_to(store)) for p in store.rglob("*") if p.is_file()}


def test_a_good_roll_is_stored_whole_with_its_mhl_and_a_manifest_last(tmp_path: Path) -> None:
    sealed_legacy_roll(tmp_path / "A001R1AB", FILES)
    result, store = _upload(tmp_path, tmp_path / "A001R1AB")
    assert result.stage is UploadStage.UPLOADED
    base = "show/20261121/Camera_Media/A001R1AB"
    assert {f"{base}/clip_001.mov", f"{base}/sub/clip_002.mov"} <= _stored(store)
    assert f"{base}/A001R1AB_2026-11-21_100000.mhl" in _stored(store)
    assert result.manifest_key is not None
    manifest = json.loads((store / result.manifest_key).read_bytes())
    assert manifest["schema"] == "rollkeeper.roll-manifest/1"


def test_every_stored_object_holds_exactly_the_verified_bytes(tmp_path: Path) -> None:
    sealed_legacy_roll(tmp_path / "A001R1AB", FILES)
    _, store = _upload(tmp_path, tmp_path / "A001R1AB")
    base = store / "show/20261121/Camera_Media/A001R1AB"
    assert {name: (base / name).read_bytes() for name in FILES} == FILES


def test_a_flipped_byte_makes_the_roll_a_mismatch_and_commits_neither_it_nor_a_manifest(
    tmp_path: Path,
) -> None:
    roll = tmp_path / "A001R1AB"
    sealed_legacy_roll(roll, FILES)
    damaged = bytearray(FILES["clip_001.mov"])
    damaged[1000] ^= 0x01
    (roll / "clip_001.mov").write_bytes(bytes(damaged))
    result, store = _upload(tmp_path, roll)
    assert result.stage is UploadStage.MISMATCH
    assert result.manifest_key is None
    assert not any(name.endswith("clip_001.mov") for name in _stored(store))
    assert not any(name.endswith(".rollkeeper.json") for name in _stored(store))


def test_a_target_folder_that_is_gone_leaves_the_roll_waiting_for_storage_naming_the_folder(
    tmp_path: Path,
) -> None:
    roll = tmp_path / "A001R1AB"
    sealed_legacy_roll(roll, FILES)
    result = _upload_reporting(roll, tmp_path / "unmounted", [], max_attempts=1)
    assert result.stage is UploadStage.WAITING_FOR_STORAGE
    assert any(str(tmp_path / "unmounted") in p for p in result.problems)
    assert not (tmp_path / "unmounted").exists()


def test_the_upload_reports_the_bytes_it_moved_and_writes_no_ledger(tmp_path: Path) -> None:
    sealed_legacy_roll(tmp_path / "A001R1AB", FILES)
    (tmp_path / "store").mkdir()
    reports: list[CheckpointReport] = []

    result = _upload_reporting(tmp_path / "A001R1AB", tmp_path / "store", reports)

    assert result.stage is UploadStage.UPLOADED
    assert reports[-1] == UploadProgress(ROLL.id, sum(len(data) for data in FILES.values()))
    assert not list(tmp_path.rglob("*.sqlite3"))
