"""Proof: what a key holds counts as stored only if it is the verified bytes; a key holding
anything else is a conflict and is left as it is."""

from __future__ import annotations

import pytest
import xxhash
from rollkeeper.transfer.checkpoints import UploadState
from rollkeeper.transfer.checksums import ObjectChecksum
from rollkeeper.transfer.file_transfer import FileTransfer, PassAborted
from rollkeeper.transfer.proof import commit_and_prove, compare_with_existing, prove
from rollkeeper.transfer.targets import KeyConflict, StoredObject, TransientFailure
from rollkeeper.transfer.uplink import Uplink

from tests.unit.transfer.passes import FileMaker, SmallPartFolder, media


def verified(item: FileTransfer, content: bytes) -> ObjectChecksum:
    """The item as a complete pass leaves it: its xxh64 known, its checksum computed."""
    item.xxh64 = xxhash.xxh64(content).hexdigest()
    checksum = ObjectChecksum("crc64nvme")
    checksum.update(content)
    item.local_checksum = checksum.whole()
    return checksum


def test_a_written_object_is_proven_by_reading_it_back(
    store: SmallPartFolder, source_file: FileMaker
) -> None:
    content = media(1, 5_000)
    item = source_file("clip.mov", content)
    stored = store.put(item.key, content, None, {})

    prove(store, item, stored, verified(item, content), multipart=False, found=False)

    assert item.state is UploadState.STORED
    assert item.proof == f"read back: 5000 bytes, xxh64 {item.xxh64}"
    assert item.stored == stored


def test_a_written_object_that_reads_back_otherwise_fails(
    store: SmallPartFolder, source_file: FileMaker
) -> None:
    content = media(2, 5_000)
    item = source_file("clip.mov", content)
    stored = store.put(item.key, media(3, 5_000), None, {})

    prove(store, item, stored, verified(item, content), multipart=False, found=False)

    assert item.state is UploadState.FAILED
    assert "does not prove equal to the verified bytes" in (item.detail or "")


def test_an_identical_object_found_under_the_key_counts_as_stored(
    uplink: Uplink, store: SmallPartFolder, source_file: FileMaker
) -> None:
    content = media(4, 150_000)  # read in three parts
    item = source_file("clip.mov", content)
    found = store.put(item.key, content, None, {})

    compare_with_existing(uplink, item, found)

    assert item.state is UploadState.STORED
    assert (item.proof or "").startswith("found identical; read back")


def test_other_content_of_the_same_size_under_the_key_is_a_conflict(
    uplink: Uplink, store: SmallPartFolder, source_file: FileMaker
) -> None:
    item = source_file("clip.mov", media(5, 5_000))
    found = store.put(item.key, media(6, 5_000), None, {})

    compare_with_existing(uplink, item, found)

    assert item.state is UploadState.CONFLICT
    assert f"{item.key} already holds different content" in (item.detail or "")


def test_an_object_of_another_size_under_the_key_is_a_conflict_at_once(
    uplink: Uplink, source_file: FileMaker
) -> None:
    item = source_file("clip.mov", media(7, 5_000))

    with pytest.raises(KeyConflict, match="already holds 9 bytes, not this file's 5000"):
        compare_with_existing(uplink, item, StoredObject(item.key, 9, None))


def test_a_source_that_does_not_match_its_mhl_is_not_compared(
    uplink: Uplink, store: SmallPartFolder, source_file: FileMaker
) -> None:
    content = media(8, 5_000)
    item = source_file("clip.mov", media(9, 5_000), listed=content)
    found = store.put(item.key, content, None, {})

    with pytest.raises(PassAborted):
        compare_with_existing(uplink, item, found)
    assert item.state is UploadState.MISMATCH
    assert item.stored is None


def test_a_write_refused_for_a_taken_key_is_judged_by_what_the_key_holds(
    uplink: Uplink, store: SmallPartFolder, source_file: FileMaker
) -> None:
    content = media(10, 5_000)
    item = source_file("clip.mov", content)
    store.put(item.key, content, None, {})  # an earlier attempt landed, its answer lost
    checksum = verified(item, content)

    commit_and_prove(
        uplink, item, checksum, lambda: store.put(item.key, content, None, {}), multipart=False
    )

    assert item.state is UploadState.STORED
    assert (item.proof or "").startswith("found identical")


def test_a_write_refused_for_a_key_holding_other_content_leaves_it_alone(
    uplink: Uplink, store: SmallPartFolder, source_file: FileMaker
) -> None:
    content = media(11, 5_000)
    item = source_file("clip.mov", content)
    store.put(item.key, media(12, 5_000), None, {})
    checksum = verified(item, content)

    commit_and_prove(
        uplink, item, checksum, lambda: store.put(item.key, content, None, {}), multipart=False
    )

    assert item.state is UploadState.CONFLICT
    assert (store.root / item.key).read_bytes() == media(12, 5_000)


def test_a_write_that_keeps_failing_with_nothing_under_the_key_raises_its_failure(
    uplink: Uplink, source_file: FileMaker
) -> None:
    content = media(13, 5_000)
    item = source_file("clip.mov", content)

    def write() -> StoredObject:
        raise TransientFailure("connection reset")

    with pytest.raises(TransientFailure):
        commit_and_prove(uplink, item, verified(item, content), write, multipart=False)
    assert item.state is UploadState.UPLOADING


class _ChecksummingStore:
    """A store proven by its own checksum (as S3 is), never read back."""

    proven_by_read_back = False
    checksum_algorithm = "crc64nvme"


def test_a_store_reporting_our_checksum_with_another_size_fails_naming_both_sizes(
    source_file: FileMaker,
) -> None:
    """The same checksum over other bytes cannot be: the message must not read as a match."""
    content = media(9, 5_000)
    item = source_file("clip.mov", content)
    checksum = verified(item, content)
    stored = StoredObject(item.key, 0, item.local_checksum)  # a proxy lost the size, say

    prove(_ChecksummingStore(), item, stored, checksum, multipart=False, found=False)  # type: ignore[arg-type]

    assert item.state is UploadState.FAILED
    assert f"{item.local_checksum}, 0 bytes stored of 5000" in (item.detail or "")
