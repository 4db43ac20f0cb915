"""A file sent in parts: every part read once and sent as it is hashed; the upload completes
only if the whole file matched its MHL; parts a previous run sent are not sent again."""

from __future__ import annotations

import pytest
from rollkeeper.transfer.checkpoints import Checkpoint, UploadState
from rollkeeper.transfer.checksums import ObjectChecksum
from rollkeeper.transfer.file_transfer import FileTransfer, PassAborted
from rollkeeper.transfer.multipart import MultipartUpload
from rollkeeper.transfer.resume import PartsPlan, plan_parts
from rollkeeper.transfer.targets import ObjectWriter, PartReceipt
from rollkeeper.transfer.uplink import Uplink

from tests.unit.transfer.passes import SMALL_PART, FileMaker, RecordingBook, SmallPartFolder, media

SIZE = 3 * SMALL_PART + 100  # four parts, the last one short


def parts_of(content: bytes) -> list[bytes]:
    return [content[i : i + SMALL_PART] for i in range(0, len(content), SMALL_PART)]


def sent_earlier(writer: ObjectWriter, number: int, data: bytes) -> PartReceipt:
    """A part a previous run sent (and the store kept), with the checksum it was sent with."""
    checksum = ObjectChecksum("crc64nvme")
    checksum.update(data)
    return writer.write_part(number, data, checksum.end_part())


def resumed(
    store: SmallPartFolder, book: RecordingBook, item: FileTransfer, earlier: dict[int, bytes]
) -> PartsPlan:
    """The plan a checkpoint resumes with: a previous run sent the `earlier` parts (number:
    bytes) and the store kept them."""
    writer = store.open_writer(item.key, item.size, {}, None)
    receipts = {number: sent_earlier(writer, number, data) for number, data in earlier.items()}
    book.checkpoints[item.path] = Checkpoint(writer.upload_id, SMALL_PART, dict(receipts))
    return PartsPlan(writer, SMALL_PART, receipts)


def upload(uplink: Uplink, item: FileTransfer, plan: PartsPlan | None = None) -> None:
    """The reader's pass, then the completion a completer thread would run."""
    complete = MultipartUpload(uplink, item, plan or plan_parts(uplink, item)).read_and_send()
    complete()


def test_a_file_goes_up_in_parts_and_is_stored_once_they_land(
    uplink: Uplink, store: SmallPartFolder, book: RecordingBook, source_file: FileMaker
) -> None:
    content = media(1, SIZE)
    item = source_file("clip.mov", content)

    upload(uplink, item)

    assert item.state is UploadState.STORED
    assert (store.root / item.key).read_bytes() == content
    assert sorted(book.parts_sent) == [1, 2, 3, 4]
    assert book.moved == SIZE
    assert item.path in book.forgotten
    assert uplink.buffers.idle == 2


def test_a_file_of_whole_parts_sends_no_empty_part_after_them(
    uplink: Uplink, book: RecordingBook, source_file: FileMaker
) -> None:
    item = source_file("clip.mov", media(2, 2 * SMALL_PART))

    upload(uplink, item)

    assert item.state is UploadState.STORED
    assert sorted(book.parts_sent) == [1, 2]


def test_a_file_that_does_not_match_its_mhl_commits_nothing_and_drops_the_upload(
    uplink: Uplink, store: SmallPartFolder, book: RecordingBook, source_file: FileMaker
) -> None:
    content = media(3, SIZE)
    flipped = content[:-10] + bytes([content[-10] ^ 1]) + content[-9:]
    item = source_file("clip.mov", flipped, listed=content)

    with pytest.raises(PassAborted):
        upload(uplink, item)

    assert item.state is UploadState.MISMATCH
    assert [p for p in store.root.rglob("*") if p.is_file()] == []
    assert item.path not in book.checkpoints


def test_parts_sent_before_a_restart_are_read_again_but_not_sent_again(
    uplink: Uplink, store: SmallPartFolder, book: RecordingBook, source_file: FileMaker
) -> None:
    content = media(4, SIZE)
    item = source_file("clip.mov", content)
    first, second, _, _ = parts_of(content)

    upload(uplink, item, resumed(store, book, item, {1: first, 2: second}))

    assert item.state is UploadState.STORED
    assert sorted(book.parts_sent) == [3, 4]
    assert book.moved == SIZE
    assert (store.root / item.key).read_bytes() == content


def test_a_source_changed_under_a_half_done_upload_is_sent_again_from_the_change(
    uplink: Uplink, store: SmallPartFolder, book: RecordingBook, source_file: FileMaker
) -> None:
    content = media(5, SIZE)
    item = source_file("clip.mov", content)
    first, _, third, _ = parts_of(content)
    earlier_second = media(6, SMALL_PART)  # what part 2 held back then

    upload(uplink, item, resumed(store, book, item, {1: first, 2: earlier_second, 3: third}))

    assert item.state is UploadState.STORED
    assert sorted(book.parts_sent) == [2, 3, 4]  # part 3 matched, but after a change
    assert (store.root / item.key).read_bytes() == content
