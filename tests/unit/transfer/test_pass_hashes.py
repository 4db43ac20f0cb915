"""One reading of a file feeds every hash of the pass; the pass is judged against the MHL."""

from __future__ import annotations

from io import FileIO
from pathlib import Path
from typing import TYPE_CHECKING

import xxhash
from rollkeeper.mhl.hashing import new_hasher
from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.verify import FileStatus
from rollkeeper.transfer.checkpoints import UploadState
from rollkeeper.transfer.checksums import ObjectChecksum
from rollkeeper.transfer.pass_hashes import PassHashes, read_into

from tests.unit.transfer.passes import FileMaker, media

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class Trickle(FileIO):
    """A file whose raw reads return at most 7 bytes, as a pipe or a network file may."""

    def readinto(self, buffer: WriteableBuffer) -> int:
        return super().readinto(memoryview(buffer)[:7])


def feed_in_chunks(data: bytes, hashes: PassHashes, chunk: int) -> int:
    """Feed `data` as the reader would, a chunk at a time; returns the size read."""
    size = 0
    for start in range(0, len(data), chunk):
        piece = memoryview(data)[start : start + chunk]
        hashes.feed(piece)
        size += len(piece)
    return size


def test_a_short_raw_read_does_not_end_the_buffer_early(tmp_path: Path) -> None:
    (tmp_path / "clip.mov").write_bytes(b"0123456789" * 5)
    buffer = bytearray(32)

    with Trickle(tmp_path / "clip.mov", "r") as handle:
        count = read_into(handle, memoryview(buffer))

    assert (count, bytes(buffer)) == (32, (b"0123456789" * 4)[:32])


def test_the_buffer_is_filled_only_in_part_at_the_end_of_the_file(tmp_path: Path) -> None:
    (tmp_path / "clip.mov").write_bytes(b"tail")
    buffer = bytearray(32)

    with FileIO(tmp_path / "clip.mov", "r") as handle:
        assert read_into(handle, memoryview(buffer)) == 4
        assert read_into(handle, memoryview(buffer)) == 0


def test_a_pass_that_matches_its_mhl_is_ok_and_keeps_the_files_xxh64(
    source_file: FileMaker,
) -> None:
    content = media(1, 100_000)
    item = source_file("clip.mov", content)
    hashes = PassHashes(item.result.expected, "crc64nvme")

    assert hashes.judge(item, feed_in_chunks(content, hashes, 4096)) is True
    assert item.result.status is FileStatus.OK
    assert item.xxh64 == xxhash.xxh64(content).hexdigest()
    assert item.state is UploadState.UPLOADING


def test_a_flipped_byte_is_a_mismatch_and_nothing_may_be_committed(
    source_file: FileMaker,
) -> None:
    content = media(2, 10_000)
    flipped = bytes([content[0] ^ 1]) + content[1:]
    item = source_file("clip.mov", flipped, listed=content)
    hashes = PassHashes(item.result.expected, "crc64nvme")

    assert hashes.judge(item, feed_in_chunks(flipped, hashes, 4096)) is False
    assert item.result.status is FileStatus.MISMATCH
    assert item.state is UploadState.MISMATCH
    assert item.detail == "the source does not match its MHL; nothing was committed"


def test_a_file_that_changed_size_while_it_was_read_differs_in_size(
    source_file: FileMaker,
) -> None:
    content = media(3, 10_000)
    item = source_file("clip.mov", content + b"more", listed=content)
    hashes = PassHashes(item.result.expected, "crc64nvme")

    assert hashes.judge(item, feed_in_chunks(content + b"more", hashes, 4096)) is False
    assert item.result.status is FileStatus.SIZE_DIFFERS
    assert item.result.actual_size == 10_004
    assert item.state is UploadState.MISMATCH


def test_only_the_mhls_kinds_are_recorded_though_xxh64_is_always_computed(
    source_file: FileMaker,
) -> None:
    content = media(4, 5_000)
    item = source_file("clip.mov", content)
    md5 = new_hasher(HashKind.MD5)
    md5.update(content)
    item.result.expected = {HashKind.MD5: md5.hexdigest()}
    hashes = PassHashes(item.result.expected, "crc64nvme")

    assert hashes.judge(item, feed_in_chunks(content, hashes, 1000)) is True
    assert set(item.result.actual) == {HashKind.MD5}
    assert item.xxh64 == xxhash.xxh64(content).hexdigest()


def test_the_stores_checksum_fed_in_chunks_is_the_whole_objects() -> None:
    content = media(5, 70_000)
    hashes = PassHashes([HashKind.XXH64], "crc64nvme")
    feed_in_chunks(content, hashes, 65_536)
    whole = ObjectChecksum("crc64nvme")
    whole.update(content)

    assert hashes.checksum.whole() == whole.whole()
