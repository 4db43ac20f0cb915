"""Specification: a folder as primary storage — written durably, never overwritten, never invented.

`transfer.fs_target.FolderTarget` writes each object under a temporary name, links it into place
without replacing anything and proves it by reading it back; an absent folder is an unusable
target, never one to create (an unmounted NAS path lies on the boot disk).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
import xxhash
from rollkeeper.transfer.fs_target import FolderTarget, folders_below, target_failure
from rollkeeper.transfer.targets import KeyConflict, TargetFailure, TargetUnusable


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


# --- the target's own failures, said as the target's --------------------------------------------


def test_a_full_disk_is_said_as_the_target_full_with_the_bytes_free(tmp_path: Path) -> None:
    failure = target_failure(
        tmp_path, OSError(errno.ENOSPC, "No space left on device"), "writing x"
    )
    assert str(failure).startswith("TARGET full: ")
    assert f"bytes free on {tmp_path} while writing x; make room there" in str(failure)


def test_a_folder_gone_is_said_as_gone_with_the_fix(tmp_path: Path) -> None:
    failure = target_failure(tmp_path / "NAS", OSError(errno.ENOENT, "No such file"), "writing x")
    assert str(failure) == (
        f"target folder {tmp_path / 'NAS'} is gone (while writing x); mount the NAS or the disk "
        "again"
    )


def test_access_denied_is_said_as_the_target_refusing(tmp_path: Path) -> None:
    failure = target_failure(tmp_path, OSError(errno.EACCES, "Permission denied"), "writing x")
    assert str(failure) == (
        f"TARGET refused writing x: Permission denied ({tmp_path}); fix the folder's permissions"
    )


def test_a_write_that_fails_removes_its_temporary_file(target: FolderTarget) -> None:
    """The failure is injected at the call: the writer's file descriptor is closed under it."""
    writer = target.open_writer("day/roll/clip.mov", 10, {}, None)
    os.close(writer._fd)
    with pytest.raises(TargetFailure):
        writer.write_part(1, b"0123456789", None)
    assert [p for p in target.root.rglob("*") if p.is_file()] == []


def test_a_new_folder_for_an_object_is_made_below_the_target_never_the_target_itself(
    tmp_path: Path,
) -> None:
    root = tmp_path / "NAS"
    with pytest.raises(FileNotFoundError):
        folders_below(root, root / "day" / "roll")
    assert not root.exists()
