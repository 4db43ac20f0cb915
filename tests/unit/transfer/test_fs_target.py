"""Specification: a folder as primary storage — written durably, never overwritten, never invented.

`transfer.fs_target.FolderTarget` writes each object under a temporary name, links it into place
without replacing anything and proves it by reading it back; an absent folder is an unusable
target, never one to create (an unmounted NAS path lies on the boot disk).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xxhash
from rollkeeper.transfer.fs_target import FolderTarget
from rollkeeper.transfer.targets import KeyConflict, TargetUnusable


@pytest.fixture
def target(tmp_path: Path) -> FolderTarget:
    (tmp_path / "store").mkdir()
    return FolderTarget(tmp_path / "store", "crc64nvme")


def test_a_put_object_is_found_with_its_size_and_read_back_as_its_bytes(
    target: FolderTarget,
) -> None:
    target.put("day/roll/clip.mov", b"frame" * 1000, None, {})
    stored = target.head("day/roll/clip.mov")
    assert stored is not None
    assert stored.size == 5000
    assert target.read_back("day/roll/clip.mov").xxh64 == xxhash.xxh64(b"frame" * 1000).hexdigest()


def test_an_object_never_written_is_not_found(target: FolderTarget) -> None:
    assert target.head("day/roll/absent.mov") is None


def test_a_key_that_holds_an_object_is_never_overwritten(target: FolderTarget) -> None:
    target.put("day/roll/clip.mov", b"first", None, {})
    with pytest.raises(KeyConflict):
        target.put("day/roll/clip.mov", b"second", None, {})
    assert (target.root / "day/roll/clip.mov").read_bytes() == b"first"


def test_a_key_that_would_leave_the_folder_is_refused(target: FolderTarget) -> None:
    with pytest.raises(KeyConflict, match="would leave the target folder"):
        target.put("../outside.mov", b"x", None, {})
    assert not (target.root.parent / "outside.mov").exists()


def test_parts_written_out_of_order_commit_as_one_object(target: FolderTarget) -> None:
    size = target.part_size(0) + 10
    writer = target.open_writer("day/roll/big.mov", size, {}, None)
    second = writer.write_part(2, b"b" * 10, None)
    first = writer.write_part(1, b"a" * target.part_size(0), None)
    writer.commit([first, second], None)
    data = (target.root / "day/roll/big.mov").read_bytes()
    assert data == b"a" * target.part_size(0) + b"b" * 10


def test_an_aborted_write_leaves_no_object_and_no_partial_file(target: FolderTarget) -> None:
    writer = target.open_writer("day/roll/clip.mov", 5, {}, None)
    writer.write_part(1, b"12345", None)
    writer.abort()
    assert target.head("day/roll/clip.mov") is None
    assert [p for p in target.root.rglob("*") if p.is_file()] == []


def test_an_absent_target_folder_is_unusable_names_the_folder_and_is_not_created(
    tmp_path: Path,
) -> None:
    target = FolderTarget(tmp_path / "NAS", "crc64nvme")
    with pytest.raises(TargetUnusable, match="does not exist or is not mounted") as raised:
        target.check()
    assert str(tmp_path / "NAS") in str(raised.value)
    with pytest.raises(TargetUnusable):
        target.put("day/roll/clip.mov", b"x", None, {})
    assert not (tmp_path / "NAS").exists()


def test_abandoned_partial_files_are_removed_unless_still_resumable(
    target: FolderTarget,
) -> None:
    kept = target.open_writer("day/roll/a.mov", 1, {}, "keepme")
    kept.write_part(1, b"a", None)
    dropped = target.open_writer("day/roll/b.mov", 1, {}, "dropme")
    dropped.write_part(1, b"b", None)
    removed = target.abort_abandoned("day", keep={"keepme"})
    assert len(removed) == 1
    assert "dropme" in removed[0]
    assert target.partial_path("day/roll/a.mov", "keepme").exists()
