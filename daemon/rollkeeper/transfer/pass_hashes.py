"""Reading a file once into every hash of the pass, and judging the pass against the MHL."""

from __future__ import annotations

from collections.abc import Iterable
from io import FileIO

from rollkeeper.mhl.hashing import Hasher, new_hasher
from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.verify import FileStatus
from rollkeeper.transfer.checkpoints import UploadState
from rollkeeper.transfer.checksums import Algorithm, ObjectChecksum
from rollkeeper.transfer.file_transfer import FileTransfer


def read_into(handle: FileIO, view: memoryview) -> int:
    """Fill `view` from the file; fewer bytes only at end of file (a raw read may return less)."""
    filled = 0
    while filled < len(view):
        count = handle.readinto(view[filled:])
        if not count:
            break
        filled += count
    return filled


class PassHashes:
    """Every hash one reading of a file feeds: the MHL's (and xxh64, which the stored object
    carries and a read-back is compared with) and the store's checksum of the object."""

    __slots__ = ("_hashers", "checksum")

    def __init__(self, expected: Iterable[HashKind], algorithm: Algorithm) -> None:
        kinds = set(expected) | {HashKind.XXH64}
        self._hashers: dict[HashKind, Hasher] = {kind: new_hasher(kind) for kind in kinds}
        self.checksum = ObjectChecksum(algorithm)

    def feed(self, data: memoryview) -> None:
        """One chunk into every hash of the pass: the MHL's and the store's."""
        for hasher in self._hashers.values():
            hasher.update(data)
        self.checksum.update(data)

    def judge(self, item: FileTransfer, size: int) -> bool:
        """Record the verification verdict of a complete pass; True when it matches the MHL."""
        result = item.result
        hashers = self._hashers
        result.actual = {k: h.hexdigest() for k, h in hashers.items() if k in result.expected}
        item.xxh64 = hashers[HashKind.XXH64].hexdigest()
        if size != item.size:
            result.status, result.actual_size = FileStatus.SIZE_DIFFERS, size
            result.detail = "the file changed size while it was being read"
        elif any(result.actual[k] != v for k, v in result.expected.items()):
            result.status = FileStatus.MISMATCH
        else:
            result.status = FileStatus.OK
            return True
        item.state = UploadState.MISMATCH
        item.detail = "the source does not match its MHL; nothing was committed"
        return False
