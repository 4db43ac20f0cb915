"""The single pass: each byte read once feeds the MHL hashes, the full-object checksum and the
upload; nothing is committed unless the MHL hash matched, and nothing is proven unless the
store's checksum (or a read-back) equals ours.

One reader thread walks the roll's files in order (sequential reads suit RAIDs); parts and small
files go to a pool of uploaders, and multipart uploads are completed on threads of their own
while the reader is already on the next file. The reader reads into reusable buffers, at most
`max_concurrency` of them, and waits for a free one: memory stays at `part size *
max_concurrency` whatever the file sizes, and the bytes sent are the very bytes hashed.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from io import FileIO
from pathlib import Path
from typing import TypeVar

from rollkeeper.fs.throttle import TokenBucket
from rollkeeper.mhl.hashing import Hasher, new_hasher
from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.verify import FileResult, FileStatus
from rollkeeper.transfer.checkpoints import CheckpointBook, UploadState
from rollkeeper.transfer.checksums import ObjectChecksum
from rollkeeper.transfer.targets import (
    KeyConflict,
    ObjectWriter,
    PartReceipt,
    StoredObject,
    Target,
    TargetUnusable,
    TransientFailure,
)

T = TypeVar("T")


@dataclass(slots=True)
class FileTransfer:
    """One file of the roll: what the MHL expects, and what happened to it."""

    path: str
    source: Path
    key: str
    size: int
    result: FileResult  # the verification verdict, filled in by the same pass
    state: UploadState = UploadState.UPLOADING
    stored: StoredObject | None = None
    local_checksum: str | None = None
    xxh64: str | None = None
    proof: str | None = None
    detail: str | None = None
    resent_bytes: int = 0


@dataclass(slots=True)
class TransferSettings:
    max_concurrency: int
    max_attempts: int
    bandwidth: TokenBucket | None = None
    sleep: Callable[[float], None] = time.sleep
    backoff_base: float = 1.0
    backoff_cap: float = 30.0


class _Abort(Exception):
    """Stops one file's pass (the MHL did not match, or the key is taken)."""


@dataclass(slots=True)
class _Flight:
    """Uploads in flight for one file; the first error wins."""

    futures: list[Future[PartReceipt]] = field(default_factory=list)
    error: BaseException | None = None


class PartBuffers:
    """The upload's memory: at most `limit` buffers alive, each reused for part after part.

    Taking a buffer is taking a place in flight (it waits while all are out); giving it back
    frees the place. Reuse keeps the allocator from fragmenting under 8-16 MiB blocks; targets
    send views of these buffers, never copies.
    """

    def __init__(self, limit: int) -> None:
        self._places = threading.BoundedSemaphore(limit)
        self._free: list[bytearray] = []
        self._lock = threading.Lock()

    def take(self, size: int) -> bytearray:
        self._places.acquire()
        with self._lock:
            for index, buffer in enumerate(self._free):
                if len(buffer) == size:
                    return self._free.pop(index)
            if self._free:  # a buffer of another size: let it go, so no more than `limit` live
                self._free.pop()
        return bytearray(size)

    @property
    def idle(self) -> int:
        """Buffers kept for reuse, not in flight."""
        with self._lock:
            return len(self._free)

    def give_back(self, buffer: bytearray) -> None:
        with self._lock:
            self._free.append(buffer)
        self._places.release()


class RollUploader:
    """Transfers the files of one roll copy to a target in one pass each.

    `transfer` returns once a file is read; its last write may still be in flight. `finish`
    waits for all of them (and raises TargetUnusable if the target failed meanwhile).
    """

    def __init__(self, target: Target, book: CheckpointBook, settings: TransferSettings) -> None:
        self.target = target
        self.book = book
        self.settings = settings
        self._buffers = PartBuffers(settings.max_concurrency)
        self._pool = ThreadPoolExecutor(
            max_workers=settings.max_concurrency, thread_name_prefix="upload"
        )
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
        self._completer.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # --- retries --------------------------------------------------------------------------------

    def _retrying(self, what: str, action: Callable[[], T]) -> T:
        """Run `action`, retrying transient failures with exponential backoff and jitter."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return action()
            except TransientFailure:
                if attempt >= self.settings.max_attempts:
                    raise
                delay = min(self.settings.backoff_cap, self.settings.backoff_base * 2**attempt)
                self.settings.sleep(delay * (0.5 + random.random() / 2))  # noqa: S311

    # --- one file -------------------------------------------------------------------------------

    def transfer(self, item: FileTransfer) -> None:
        """Read, verify, upload and prove one file; the outcome is recorded on `item` (for a
        small file, possibly after this returns: see `finish`)."""
        if self._unusable is not None:
            raise self._unusable
        small = item.size <= self.target.part_size(item.size) // 2
        if small and self.target.refuses_overwrite:
            # No lookup first: the write itself refuses a taken key, and that refusal leads to
            # the same comparison a lookup would have.
            self._settled(item, lambda: self._put_whole(item))
            return

        def by_lookup() -> None:
            existing = self.target.head(item.key)
            if existing is not None:
                self._compare_with_existing(item, existing)
            elif small:
                self._put_whole(item)
            else:
                self._put_in_parts(item)
                return  # completed, and its checkpoint forgotten, in the pool
            if item.state is UploadState.STORED:
                self.book.forget(item.path)

        self._settled(item, by_lookup)

    def _settled(self, item: FileTransfer, action: Callable[[], None]) -> None:
        """Run one file's action; every way it can end becomes the file's recorded state."""
        try:
            action()
        except _Abort:
            return
        except KeyConflict as err:
            item.state, item.detail = UploadState.CONFLICT, str(err)
        except TransientFailure as err:
            item.state, item.detail = UploadState.FAILED, str(err)
        except OSError as err:
            item.result.status = FileStatus.UNREADABLE
            item.result.detail = err.strerror or str(err)
            item.state, item.detail = UploadState.FAILED, f"source unreadable: {item.result.detail}"

    def _hashers(self, item: FileTransfer) -> dict[HashKind, Hasher]:
        kinds = set(item.result.expected) | {HashKind.XXH64}
        return {kind: new_hasher(kind) for kind in kinds}

    def _judge(self, item: FileTransfer, hashers: dict[HashKind, Hasher], size: int) -> bool:
        """Record the verification verdict of a complete pass; True when it matches the MHL."""
        result = item.result
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

    def _compare_with_existing(self, item: FileTransfer, existing: StoredObject) -> None:
        """The key is taken: identical content counts as uploaded, anything else is a conflict."""
        hashers = self._hashers(item)
        checksum = ObjectChecksum(self.target.checksum_algorithm)
        size = 0
        part_size = self.target.part_size(item.size)
        buffer = self._buffers.take(part_size)
        try:
            with item.source.open("rb", buffering=0) as handle, memoryview(buffer) as view:
                while count := _read_into(handle, view):
                    _feed(view[:count], hashers, checksum)
                    checksum.end_part()
                    size += count
                    self.book.bytes_moved(count)
                    if count < part_size:
                        break
        finally:
            self._buffers.give_back(buffer)
        if not self._judge(item, hashers, size):
            raise _Abort
        item.local_checksum = checksum.whole()
        self._found(item, existing, checksum, multipart=size > part_size)

    def _found(
        self,
        item: FileTransfer,
        existing: StoredObject,
        checksum: ObjectChecksum,
        *,
        multipart: bool,
    ) -> None:
        """Judge the object already under the key against the verified bytes."""
        if existing.size != item.size:
            raise KeyConflict(
                f"{item.key} already holds {existing.size} bytes, not this file's {item.size}"
            )
        self._prove(item, existing, checksum, multipart=multipart, found=True)

    def _put_whole(self, item: FileTransfer) -> None:
        """A small file: read, hash and judge it here; write and prove it in the pool."""
        hashers = self._hashers(item)
        checksum = ObjectChecksum(self.target.checksum_algorithm)
        data = self._buffers.take(item.size)
        try:
            with item.source.open("rb", buffering=0) as handle:
                with memoryview(data) as view:
                    size = _read_into(handle, view)
                    _feed(view[:size], hashers, checksum)
                size += len(handle.read(1))  # a file that grew since its MHL was written
            self.book.bytes_moved(size)
            if not self._judge(item, hashers, size):
                raise _Abort
        except BaseException:
            self._buffers.give_back(data)
            raise
        part_checksum = checksum.end_part()
        item.local_checksum = checksum.whole()
        if self.settings.bandwidth is not None:
            self.settings.bandwidth.take(len(data))

        def write() -> None:
            try:
                self._write(
                    item,
                    checksum,
                    f"uploading {item.key}",
                    lambda: self.target.put(item.key, data, part_checksum, self._metadata(item)),
                    multipart=False,
                )
            finally:
                self._buffers.give_back(data)

        self._pending.append(self._pool.submit(self._in_pool, item, write))

    def _in_pool(self, item: FileTransfer, action: Callable[[], None]) -> None:
        try:
            self._settled(item, action)
        except TargetUnusable as err:
            self._unusable = self._unusable or err
        except BaseException as err:  # a bug must not vanish with its thread
            item.state, item.detail = UploadState.FAILED, f"internal error: {err!r}"
            raise

    def _write(
        self,
        item: FileTransfer,
        checksum: ObjectChecksum,
        what: str,
        write: Callable[[], StoredObject],
        *,
        multipart: bool,
    ) -> None:
        """Run a committing write with retries, then prove what it stored.

        If the key turns out to be taken (If-None-Match refused us), or the write kept failing,
        whatever the key holds is judged as found: an earlier attempt of ours that landed
        despite a lost answer, or a previous run's upload, proves identical; anything else is
        a conflict, and nothing was overwritten.
        """
        try:
            stored = self._retrying(what, write)
        except (KeyConflict, TransientFailure):
            existing = self.target.head(item.key)
            if existing is None:
                raise
            self._found(item, existing, checksum, multipart=multipart)
            return
        self._prove(item, stored, checksum, multipart=multipart, found=False)

    def _metadata(self, item: FileTransfer) -> dict[str, str]:
        expected = item.result.expected.get(HashKind.XXH64) or item.xxh64
        return {"xxh64": expected} if expected else {}

    def _put_in_parts(self, item: FileTransfer) -> None:
        """Multipart: resume from the ledger's checkpoint if the store still holds its parts."""
        part_size = self.target.part_size(item.size)
        checkpoint = self.book.checkpoint(item.path)
        writer: ObjectWriter | None = None
        done: dict[int, PartReceipt] = {}
        if checkpoint is not None:
            held = None
            if checkpoint.part_size == part_size:
                held = self.target.uploaded_parts(item.key, checkpoint.upload_id)
            previous = self.target.open_writer(
                item.key, item.size, self._metadata(item), checkpoint.upload_id
            )
            if held is not None:
                writer = previous
                done = {n: r for n, r in checkpoint.parts.items() if held.get(n) == r.size}
            else:  # cannot be resumed: do not leave it behind
                with contextlib.suppress(TransientFailure, TargetUnusable, OSError):
                    previous.abort()
        if writer is None:
            writer = self.target.open_writer(item.key, item.size, self._metadata(item), None)
            self.book.started(item.path, item.key, item.size, writer.upload_id, part_size)
        opened = writer

        def clean_up() -> None:
            """Nothing may be committed for a mismatch or a conflict: drop the upload."""
            if item.state in (UploadState.MISMATCH, UploadState.CONFLICT):
                with contextlib.suppress(TransientFailure, TargetUnusable, OSError):
                    opened.abort()
                    self.book.forget(item.path)

        try:
            complete = self._stream_parts(item, writer, part_size, done)
        except BaseException:
            clean_up()
            raise

        def finish() -> None:
            try:
                complete()
            except BaseException:
                clean_up()
                raise
            if item.state is UploadState.STORED:
                self.book.forget(item.path)

        # The reader goes on to the next file while the last parts land and the upload is
        # completed: no idle gap between files.
        self._pending.append(self._completer.submit(self._in_pool, item, finish))

    def _stream_parts(
        self,
        item: FileTransfer,
        writer: ObjectWriter,
        part_size: int,
        done: dict[int, PartReceipt],
    ) -> Callable[[], None]:
        """Read, hash and send every part; returns what completes the upload once they land."""
        hashers = self._hashers(item)
        checksum = ObjectChecksum(self.target.checksum_algorithm)
        flight = _Flight()
        receipts: dict[int, PartReceipt] = {}
        size = 0
        number = 0
        with item.source.open("rb", buffering=0) as handle:
            while flight.error is None:
                part = self._buffers.take(part_size)
                try:
                    with memoryview(part) as view:
                        count = _read_into(handle, view)
                        _feed(view[:count], hashers, checksum)
                except BaseException:
                    self._buffers.give_back(part)
                    raise
                if count == 0 and number > 0:
                    self._buffers.give_back(part)
                    break
                number += 1
                part_checksum = checksum.end_part()
                size += count
                previous = done.get(number)
                if previous is not None and previous.checksum == part_checksum:
                    receipts[number] = previous  # sent before a restart: re-read, never re-sent
                    self.book.bytes_moved(count)
                    self._buffers.give_back(part)
                else:
                    if previous is not None:  # the source changed under a half-done upload
                        done.clear()
                    self._send(item, writer, number, part, count, part_checksum, flight, receipts)
                if count < part_size:
                    break
        if flight.error is not None:
            raise flight.error
        matches = self._judge(item, hashers, size)
        item.local_checksum = checksum.whole()

        def complete() -> None:
            for future in flight.futures:
                with contextlib.suppress(BaseException):
                    future.result()
            if flight.error is not None:
                raise flight.error
            if not matches:
                raise _Abort  # the upload is dropped by the caller's clean-up
            parts = [receipts[n] for n in sorted(receipts)]
            self._write(
                item,
                checksum,
                f"completing the upload of {item.key}",
                lambda: writer.commit(parts, item.local_checksum),
                multipart=True,
            )

        return complete

    def _send(
        self,
        item: FileTransfer,
        writer: ObjectWriter,
        number: int,
        part: bytearray,
        size: int,
        part_checksum: str | None,
        flight: _Flight,
        receipts: dict[int, PartReceipt],
    ) -> None:
        """Upload the first `size` bytes of `part` in the pool; the buffer goes back after."""
        if self.settings.bandwidth is not None:
            self.settings.bandwidth.take(size)
        body = memoryview(part)[:size]  # the last part is shorter than its buffer

        def upload() -> PartReceipt:
            try:
                receipt = self._retrying(
                    f"part {number} of {item.key}",
                    lambda: writer.write_part(number, body, part_checksum),
                )
                self.book.part_done(item.path, writer.upload_id, receipt)
                self.book.bytes_moved(size)
                receipts[number] = receipt
                return receipt
            except BaseException as err:
                flight.error = flight.error or err
                raise
            finally:
                self._buffers.give_back(part)

        flight.futures.append(self._pool.submit(upload))

    def _prove(
        self,
        item: FileTransfer,
        stored: StoredObject,
        checksum: ObjectChecksum,
        *,
        multipart: bool,
        found: bool,
    ) -> None:
        """The stored object must be these bytes: by the store's checksum, else by reading it
        (also when the store keeps no checksum of ours for it, e.g. a found object written by
        another tool)."""
        item.stored = stored
        if self.target.proven_by_read_back or stored.checksum is None:
            back = self.target.read_back(item.key)
            proven = back.size == item.size and back.xxh64 == item.xxh64
            how = f"read back: {back.size} bytes, xxh64 {back.xxh64}"
        else:
            proven = stored.size == item.size and checksum.matches(
                stored.checksum, multipart=multipart
            )
            how = f"store's {self.target.checksum_algorithm} {stored.checksum}"
        if proven:
            item.state = UploadState.STORED
            item.proof = ("found identical; " if found else "") + how
            return
        item.state = UploadState.CONFLICT if found else UploadState.FAILED
        item.detail = (
            f"{item.key} already holds different content ({how}, ours "
            f"{item.local_checksum}); nothing was written"
            if found
            else f"the stored object does not prove equal to the verified bytes ({how}, ours "
            f"{item.local_checksum})"
        )


def _read_into(handle: FileIO, view: memoryview) -> int:
    """Fill `view` from the file; fewer bytes only at end of file (a raw read may return less)."""
    filled = 0
    while filled < len(view):
        count = handle.readinto(view[filled:])
        if not count:
            break
        filled += count
    return filled


def _feed(data: memoryview, hashers: dict[HashKind, Hasher], checksum: ObjectChecksum) -> None:
    """One chunk into every hash of the pass: the MHL's and the store's."""
    for hasher in hashers.values():
        hasher.update(data)
    checksum.update(data)


def source_identity(path: Path) -> tuple[int, int, int]:
    """(size, mtime_ns, inode): evidence that a source is unchanged since it was read."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns, info.st_ino
