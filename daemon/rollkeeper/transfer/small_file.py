"""A small file: read, hashed and judged on the reader thread, written in one request by an
uploader (at most half a part: one buffer holds it whole)."""

from __future__ import annotations

from collections.abc import Callable

from rollkeeper.transfer.file_transfer import FileTransfer, PassAborted
from rollkeeper.transfer.pass_hashes import PassHashes, read_into
from rollkeeper.transfer.proof import commit_and_prove
from rollkeeper.transfer.uplink import Uplink


def read_small_file(uplink: Uplink, item: FileTransfer) -> Callable[[], None]:
    """Read, hash and judge the file; returns its write and proof, to run on an uploader.

    Raises PassAborted (nothing to write) when the file does not match its MHL.
    """
    hashes = PassHashes(item.result.expected, uplink.target.checksum_algorithm)
    data = uplink.buffers.take(item.size)
    try:
        with item.source.open("rb", buffering=0) as handle:
            with memoryview(data) as view:
                size = read_into(handle, view)
                hashes.feed(view[:size])
            size += len(handle.read(1))  # a file that grew since its MHL was written
        uplink.book.bytes_moved(size)
        if not hashes.judge(item, size):
            raise PassAborted
    except BaseException:
        uplink.buffers.give_back(data)
        raise
    part_checksum = hashes.checksum.end_part()
    item.local_checksum = hashes.checksum.whole()
    if uplink.settings.bandwidth is not None:
        uplink.settings.bandwidth.take(len(data))

    def write() -> None:
        try:
            commit_and_prove(
                uplink,
                item,
                hashes.checksum,
                lambda: uplink.target.put(item.key, data, part_checksum, item.metadata()),
                multipart=False,
            )
        finally:
            uplink.buffers.give_back(data)

    return write
