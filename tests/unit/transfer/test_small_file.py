"""A small file: judged on the reader thread, written whole by its write, its buffer returned."""

from __future__ import annotations

import pytest
from rollkeeper.mhl.verify import FileStatus
from rollkeeper.transfer.checkpoints import UploadState
from rollkeeper.transfer.file_transfer import PassAborted
from rollkeeper.transfer.small_file import read_small_file
from rollkeeper.transfer.uplink import Uplink

from tests.unit.transfer.passes import FileMaker, RecordingBook, SmallPartFolder, media


def test_a_small_file_is_judged_when_read_and_stored_by_its_write(
    uplink: Uplink, store: SmallPartFolder, book: RecordingBook, source_file: FileMaker
) -> None:
    content = media(1, 20_000)
    item = source_file("sound.wav", content)

    write = read_small_file(uplink, item)

    assert item.result.status is FileStatus.OK
    assert store.head(item.key) is None
    assert book.moved == 20_000
    write()
    assert item.state is UploadState.STORED
    assert (store.root / item.key).read_bytes() == content
    assert uplink.buffers.idle == 1


def test_a_small_file_that_does_not_match_its_mhl_leaves_nothing_to_write(
    uplink: Uplink, store: SmallPartFolder, source_file: FileMaker
) -> None:
    item = source_file("sound.wav", media(2, 20_000), listed=media(3, 20_000))

    with pytest.raises(PassAborted):
        read_small_file(uplink, item)
    assert item.state is UploadState.MISMATCH
    assert uplink.buffers.idle == 1
    assert store.head(item.key) is None


def test_a_small_file_that_grew_since_its_mhl_differs_in_size(
    uplink: Uplink, source_file: FileMaker
) -> None:
    content = media(4, 20_000)
    item = source_file("sound.wav", content + b"!", listed=content)

    with pytest.raises(PassAborted):
        read_small_file(uplink, item)
    assert item.result.status is FileStatus.SIZE_DIFFERS
