"""The roll uploader: one pass per file, writes finished in the background, and every way a
file's pass can end recorded on the file (or, for an unusable target, raised)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.mhl.verify import FileStatus
from rollkeeper.transfer.checkpoints import UploadState
from rollkeeper.transfer.fs_target import FolderWriter
from rollkeeper.transfer.pipeline import RollUploader
from rollkeeper.transfer.targets import (
    PartReceipt,
    Payload,
    StoredObject,
    TargetFailure,
    TargetUnusable,
    TransientFailure,
)

from tests.unit.transfer.passes import (
    NO_WAITING,
    SMALL_PART,
    FileMaker,
    RecordingBook,
    SmallPartFolder,
    media,
)


@pytest.fixture
def uploader(store: SmallPartFolder, book: RecordingBook) -> Iterator[RollUploader]:
    uploader = RollUploader(store, book, NO_WAITING)
    yield uploader
    uploader.close()


def test_small_and_large_files_are_stored_and_proven_once_the_uploader_finishes(
    uploader: RollUploader, store: SmallPartFolder, source_file: FileMaker
) -> None:
    files = {"sound.wav": media(1, 1_000), "clip.mov": media(2, 3 * SMALL_PART + 7)}
    items = [source_file(name, content) for name, content in files.items()]

    for item in items:
        uploader.transfer(item)
    uploader.finish()

    assert [item.state for item in items] == [UploadState.STORED, UploadState.STORED]
    assert {i.path: (store.root / i.key).read_bytes() for i in items} == files


def test_a_large_file_found_stored_identically_counts_as_stored_and_its_checkpoint_goes(
    uploader: RollUploader, store: SmallPartFolder, book: RecordingBook, source_file: FileMaker
) -> None:
    content = media(3, 3 * SMALL_PART)
    item = source_file("clip.mov", content)
    store.put(item.key, content, None, {})

    uploader.transfer(item)
    uploader.finish()

    assert item.state is UploadState.STORED
    assert (item.proof or "").startswith("found identical")
    assert book.forgotten == [item.path]
    assert book.parts_sent == []


def test_an_unreadable_source_fails_the_file_and_says_why(
    uploader: RollUploader, source_file: FileMaker
) -> None:
    item = source_file("sound.wav", media(4, 1_000))
    item.source.unlink()

    uploader.transfer(item)
    uploader.finish()

    assert item.result.status is FileStatus.UNREADABLE
    assert item.state is UploadState.FAILED
    assert (item.detail or "").startswith("source unreadable: ")


def test_a_target_gone_during_a_write_is_raised_by_finish_and_by_the_next_file(
    uploader: RollUploader, store: SmallPartFolder, source_file: FileMaker
) -> None:
    item = source_file("sound.wav", media(5, 1_000))
    store.root.rmdir()  # the NAS went away

    uploader.transfer(item)
    with pytest.raises(TargetUnusable, match="does not exist or is not mounted"):
        uploader.finish()
    with pytest.raises(TargetUnusable):
        uploader.transfer(source_file("next.wav", media(6, 1_000)))


class VanishingFolder(SmallPartFolder):
    """A folder whose disk is unplugged as the second part of a file is written (a fault
    injected at the call: the folder is really moved away then)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, "crc64nvme")
        self.away = root.with_name("unplugged")

    def open_writer(
        self, key: str, size: int, metadata: dict[str, str], upload_id: str | None
    ) -> FolderWriter:
        writer = super().open_writer(key, size, metadata, upload_id)
        write_part = writer.write_part

        def unplugging(number: int, data: Payload, checksum: str | None) -> PartReceipt:
            if number == 2 and self.root.exists():
                self.root.rename(self.away)
            return write_part(number, data, checksum)

        writer.write_part = unplugging  # type: ignore[method-assign]
        return writer


def test_a_folder_gone_mid_file_is_the_targets_failure_never_the_sources(
    tmp_path: Path, book: RecordingBook, source_file: FileMaker
) -> None:
    (tmp_path / "nas").mkdir()
    target = VanishingFolder(tmp_path / "nas")
    uploader = RollUploader(target, book, NO_WAITING)
    item = source_file("clip.mov", media(7, 4 * SMALL_PART))
    try:
        with pytest.raises(TargetFailure, match="is gone"):
            uploader.transfer(item)
            uploader.finish()
    finally:
        uploader.close()
    assert item.result.status is FileStatus.OK  # not "unreadable": the source is not to blame
    assert item.state is not UploadState.FAILED
    assert list(target.away.rglob("*rollkeeper-partial")) == []  # nothing half-written stays
    assert not target.root.exists()  # and the folder was not created again


class Unreachable(SmallPartFolder):
    """A store that never answers (every request a transient failure)."""

    def put(
        self, key: str, data: Payload, checksum: str | None, metadata: dict[str, str]
    ) -> StoredObject:
        raise TransientFailure("s3://footage at http://127.0.0.1:9: uploading failed (timeout)")

    def head(self, key: str) -> StoredObject | None:
        raise TransientFailure("s3://footage at http://127.0.0.1:9: looking up failed (timeout)")


def test_a_store_still_failing_after_every_retry_stops_the_pass_as_the_targets_failure(
    tmp_path: Path, book: RecordingBook, source_file: FileMaker
) -> None:
    (tmp_path / "s3").mkdir()
    uploader = RollUploader(Unreachable(tmp_path / "s3", "crc64nvme"), book, NO_WAITING)
    item = source_file("sound.wav", media(8, 1_000))
    try:
        uploader.transfer(item)
        with pytest.raises(TargetFailure, match="timeout"):
            uploader.finish()
    finally:
        uploader.close()
    assert item.result.status is FileStatus.OK
