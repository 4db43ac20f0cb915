"""The single pass: each byte read once feeds the MHL hashes, the full-object checksum and the
upload; nothing is committed unless the MHL hash matched, and nothing is proven unless the
store's checksum (or a read-back) equals ours.

One reader thread walks the roll's files in order (sequential reads suit RAIDs); parts and small
files go to a pool of uploaders, and multipart uploads are completed on threads of their own
while the reader is already on the next file. The reader reads into reusable buffers, at most
`max_concurrency` of them, and waits for a free one: memory stays at `part size *
max_concurrency` whatever the file sizes, and the bytes sent are the very bytes hashed.

The pieces: `small_file` and `multipart` (the two ways a file goes up, `resume` for where a
multipart upload starts), `pass_hashes` (the hashes of the pass and their verdict), `proof`
(what a key holds, proven), `part_buffers` (the memory bound) and `settings` (pace, retries).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from rollkeeper.mhl.verify import FileStatus
from rollkeeper.transfer.checkpoints import CheckpointBook, UploadState
from rollkeeper.transfer.file_transfer import FileTransfer, PassAborted, source_identity
from rollkeeper.transfer.multipart import MultipartUpload
from rollkeeper.transfer.part_buffers import PartBuffers
from rollkeeper.transfer.proof import compare_with_existing
from rollkeeper.transfer.resume import plan_parts
from rollkeeper.transfer.settings import TransferSettings
from rollkeeper.transfer.small_file import read_small_file
from rollkeeper.transfer.targets import (
    KeyConflict,
    Target,
    TargetFailure,
    TargetUnusable,
    TransientFailure,
)
from rollkeeper.transfer.uplink import Uplink

# What the roll's upload and the runtime take from the pipeline, besides the uploader itself.
__all__ = ["FileTransfer", "RollUploader", "TransferSettings", "source_identity"]


class RollUploader:
    """Transfers the files of one roll copy to a target in one pass each.

    `transfer` returns once a file is read; its last write may still be in flight. `finish`
    waits for all of them (and raises TargetUnusable if the target failed meanwhile). A
    target that failed stops the pass: the files not yet read are left to be verified
    without it (`runtime.jobs`).
    """

    def __init__(self, target: Target, book: CheckpointBook, settings: TransferSettings) -> None:
        self.target = target
        self.book = book
        self.settings = settings
        uploaders = ThreadPoolExecutor(
            max_workers=settings.max_concurrency, thread_name_prefix="upload"
        )
        buffers = PartBuffers(settings.max_concurrency)
        self._uplink = Uplink(target, book, settings, buffers, uploaders)
        # Completing a multipart upload waits for its last parts: on threads of its own, so
        # that a wait never holds a place the parts need.
        self._completer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="complete")
        self._pending: list[Future[None]] = []
        self._unusable: TargetUnusable | None = None

    def finish(self) -> None:
        """Wait for every write in flight; the target's unusability wins over everything."""
        for future in self._pending:
            future.result()
        self._pending.clear()
        if self._unusable is not None:
            raise self._unusable

    def close(self) -> None:
        """Wait for the writes in flight, unless the daemon is stopping: then the part in
        flight is abandoned (a store that resumes keeps what landed, checkpointed)."""
        wait = not self.settings.gate.halted
        self._completer.shutdown(wait=wait, cancel_futures=True)
        self._uplink.uploaders.shutdown(wait=wait, cancel_futures=True)

    def transfer(self, item: FileTransfer) -> None:
        """Read, verify, upload and prove one file; the outcome is recorded on `item` (for a
        small file, possibly after this returns: see `finish`)."""
        if self._unusable is not None:
            raise self._unusable
        self.settings.gate.check()  # paused or stopping: not another file
        small = item.size <= self.target.part_size(item.size) // 2
        if small and self.target.refuses_overwrite:
            # No lookup first: the write itself refuses a taken key, and that refusal leads to
            # the same comparison a lookup would have.
            _settled(item, lambda: self._put_whole(item))
            return
        _settled(item, lambda: self._by_lookup(item, small=small))

    def _by_lookup(self, item: FileTransfer, *, small: bool) -> None:
        """Look the key up first: a taken key is compared, a free one written."""
        existing = self.target.head(item.key)
        if existing is not None:
            compare_with_existing(self._uplink, item, existing)
        elif small:
            self._put_whole(item)
        else:
            self._put_in_parts(item)
            return  # completed, and its checkpoint forgotten, on a completer thread
        if item.state is UploadState.STORED:
            self.book.forget(item.path)

    def _put_whole(self, item: FileTransfer) -> None:
        """A small file: read, hash and judge it here; write and prove it on an uploader."""
        write = read_small_file(self._uplink, item)
        self._pending.append(self._uplink.uploaders.submit(self._in_background, item, write))

    def _put_in_parts(self, item: FileTransfer) -> None:
        """Multipart: resume from the ledger's checkpoint if the store still holds its parts."""
        upload = MultipartUpload(self._uplink, item, plan_parts(self._uplink, item))
        complete = upload.read_and_send()
        # The reader goes on to the next file while the last parts land and the upload is
        # completed: no idle gap between files.
        self._pending.append(self._completer.submit(self._in_background, item, complete))

    def _in_background(self, item: FileTransfer, action: Callable[[], None]) -> None:
        try:
            _settled(item, action)
        except TargetUnusable as err:
            self._unusable = self._unusable or err
        except BaseException as err:  # a bug must not vanish with its thread
            item.state, item.detail = UploadState.FAILED, f"internal error: {err!r}"
            raise


def _settled(item: FileTransfer, action: Callable[[], None]) -> None:
    """Run one file's action; every way it can end becomes the file's recorded state.

    The target's own failures (TargetUnusable, and a store still failing after every retry)
    are raised: they stop the uploads of the pass, never mark the source bad. An OSError is
    the source's: the targets translate their own."""
    try:
        action()
    except PassAborted:
        return
    except KeyConflict as err:
        item.state, item.detail = UploadState.CONFLICT, str(err)
    except TransientFailure as err:
        item.detail = str(err)
        raise TargetFailure(str(err)) from err
    except OSError as err:
        item.result.status = FileStatus.UNREADABLE
        item.result.detail = err.strerror or str(err)
        item.state, item.detail = UploadState.FAILED, f"source unreadable: {item.result.detail}"
