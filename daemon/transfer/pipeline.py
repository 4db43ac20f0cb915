"""The single pass: each byte read once feeds the MHL hashes, the full-object checksum and the
upload; nothing is committed unless the MHL hash matched, and nothing is proven unless the
store's checksum (or a read-back) equals ours.

One reader thread walks the roll's files in order (sequential reads suit RAIDs); parts and small
files go to a pool of uploaders. A semaphore bounds what is in flight, so memory stays at
`part size * (max_concurrency + 1)` whatever the file sizes.
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
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from daemon.mhl.hashing import Hasher, new_hasher
from daemon.mhl.model import HashKind
from daemon.throttle import TokenBucket
from daemon.transfer.checksums import ObjectChecksum
from daemon.transfer.targets import (
    KeyConflict,
    ObjectWriter,
    PartReceipt,
    StoredObject,
    Target,
    TargetUnusable,
    TransientFailure,
)
from daemon.verify import FileResult, FileStatus

T = TypeVar("T")


class UploadState(StrEnum):
    """One file's upload (ledger table `uploads`)."""

    UPLOADING = "uploading"
    STORED = "stored"  # written (or found identical) and proven equal to the verified bytes
    MISMATCH = "mismatch"  # the source did not match its MHL: nothing was committed
    CONFLICT = "conflict"  # the key holds other content: nothing was written
    FAILED = "failed"  # gave up after retries (or the target is unusable)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """An unfinished multipart upload as the ledger recorded it."""

    upload_id: str
    part_size: int
    parts: dict[int, PartReceipt]


class CheckpointBook(Protocol):
    """Durable progress of uploads; called from reader and uploader threads."""

    def checkpoint(self, path: str) -> Checkpoint | None: ...
    def started(self, path: str, key: str, size: int, upload_id: str, part_size: int) -> None: ...
    def part_done(self, path: str, upload_id: str, receipt: PartReceipt) -> None: ...
    def forget(self, path: str) -> None: ...
    def bytes_moved(self, count: int) -> None: ...


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


class RollUploader:
    """Transfers the files of one roll copy to a target in one pass each."""

    def __init__(self, target: Target, book: CheckpointBook, settings: TransferSettings) -> None:
        self.target = target
        self.book = book
        self.settings = settings
        self._slots = threading.BoundedSemaphore(settings.max_concurrency)
        self._pool = ThreadPoolExecutor(
            max_workers=settings.max_concurrency, thread_name_prefix="upload"
        )

    def close(self) -> None:
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
        """Read, verify, upload and prove one file; the outcome is recorded on `item`."""
        try:
            existing = self.target.head(item.key)
            if existing is not None:
                self._compare_with_existing(item, existing)
            elif item.size <= self.target.part_size(item.size) // 2 or item.size == 0:
                self._put_whole(item)
            else:
                self._put_in_parts(item)
        except _Abort:
            return
        except KeyConflict as err:
            item.state, item.detail = UploadState.CONFLICT, str(err)
            return
        except TargetUnusable:
            raise
        except TransientFailure as err:
            item.state, item.detail = UploadState.FAILED, str(err)
            return
        except OSError as err:
            item.result.status = FileStatus.UNREADABLE
            item.result.detail = err.strerror or str(err)
            item.state, item.detail = UploadState.FAILED, f"source unreadable: {item.result.detail}"
            return
        if item.state is UploadState.STORED:
            self.book.forget(item.path)

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

    def _read_all(self, item: FileTransfer) -> tuple[bytes, dict[HashKind, Hasher], ObjectChecksum]:
        hashers = self._hashers(item)
        checksum = ObjectChecksum(self.target.checksum_algorithm)
        with item.source.open("rb", buffering=0) as handle:
            data = handle.read(item.size + 1)
        for hasher in hashers.values():
            hasher.update(data)
        checksum.update(data)
        self.book.bytes_moved(len(data))
        return data, hashers, checksum

    def _compare_with_existing(self, item: FileTransfer, existing: StoredObject) -> None:
        """The key is taken: identical content counts as uploaded, anything else is a conflict."""
        hashers = self._hashers(item)
        checksum = ObjectChecksum(self.target.checksum_algorithm)
        size = 0
        part_size = self.target.part_size(item.size)
        with item.source.open("rb", buffering=0) as handle:
            while True:
                part = _read_exactly(handle, part_size)
                if not part:
                    break
                for hasher in hashers.values():
                    hasher.update(part)
                checksum.update(part)
                checksum.end_part()
                size += len(part)
                self.book.bytes_moved(len(part))
        if not self._judge(item, hashers, size):
            raise _Abort
        item.local_checksum = checksum.whole()
        if existing.size != item.size:
            raise KeyConflict(
                f"{item.key} already holds {existing.size} bytes, not this file's {item.size}"
            )
        self._prove(item, existing, checksum, multipart=size > part_size, found=True)

    def _put_whole(self, item: FileTransfer) -> None:
        data, hashers, checksum = self._read_all(item)
        if not self._judge(item, hashers, len(data)):
            raise _Abort
        part_checksum = checksum.end_part()
        item.local_checksum = checksum.whole()
        if self.settings.bandwidth is not None:
            self.settings.bandwidth.take(len(data))
        stored = self._write(
            item,
            checksum,
            f"uploading {item.key}",
            lambda: self.target.put(item.key, data, part_checksum, self._metadata(item)),
            multipart=False,
        )
        self._prove(item, stored, checksum, multipart=False, found=False)

    def _write(
        self,
        item: FileTransfer,
        checksum: ObjectChecksum,
        what: str,
        write: Callable[[], StoredObject],
        *,
        multipart: bool,
    ) -> StoredObject:
        """Run a committing write with retries. If it seems to fail after an earlier attempt
        had in fact landed (a lost answer, then our own If-None-Match refusing the retry),
        accept the object when it proves to be ours."""
        try:
            return self._retrying(what, write)
        except (KeyConflict, TransientFailure):
            existing = self.target.head(item.key)
            if (
                existing is not None
                and existing.size == item.size
                and checksum.matches(existing.checksum, multipart=multipart)
            ):
                return existing
            raise

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
        try:
            self._stream_parts(item, writer, part_size, done)
        except BaseException:
            if item.state is not UploadState.STORED:
                with contextlib.suppress(TransientFailure, TargetUnusable, OSError):
                    if item.state in (UploadState.MISMATCH, UploadState.CONFLICT):
                        writer.abort()
                        self.book.forget(item.path)
            raise

    def _stream_parts(
        self,
        item: FileTransfer,
        writer: ObjectWriter,
        part_size: int,
        done: dict[int, PartReceipt],
    ) -> None:
        hashers = self._hashers(item)
        checksum = ObjectChecksum(self.target.checksum_algorithm)
        flight = _Flight()
        receipts: dict[int, PartReceipt] = {}
        size = 0
        number = 0
        with item.source.open("rb", buffering=0) as handle:
            while True:
                part = _read_exactly(handle, part_size)
                if not part and number > 0:
                    break
                number += 1
                for hasher in hashers.values():
                    hasher.update(part)
                checksum.update(part)
                part_checksum = checksum.end_part()
                size += len(part)
                previous = done.get(number)
                if previous is not None and previous.checksum == part_checksum:
                    receipts[number] = previous  # sent before a restart: re-read, never re-sent
                    self.book.bytes_moved(len(part))
                else:
                    if previous is not None:  # the source changed under a half-done upload
                        done.clear()
                    self._send(
                        item,
                        writer,
                        number=number,
                        part=part,
                        part_checksum=part_checksum,
                        flight=flight,
                        receipts=receipts,
                    )
                if flight.error is not None or len(part) < part_size:
                    break
        for future in flight.futures:
            with contextlib.suppress(BaseException):
                future.result()
        if flight.error is not None:
            raise flight.error
        if not self._judge(item, hashers, size):
            writer.abort()
            self.book.forget(item.path)
            raise _Abort
        item.local_checksum = checksum.whole()
        parts = [receipts[n] for n in sorted(receipts)]
        stored = self._write(
            item,
            checksum,
            f"completing the upload of {item.key}",
            lambda: writer.commit(parts, item.local_checksum),
            multipart=True,
        )
        self._prove(item, stored, checksum, multipart=True, found=False)

    def _send(
        self,
        item: FileTransfer,
        writer: ObjectWriter,
        *,
        number: int,
        part: bytes,
        part_checksum: str | None,
        flight: _Flight,
        receipts: dict[int, PartReceipt],
    ) -> None:
        self._slots.acquire()
        if self.settings.bandwidth is not None:
            self.settings.bandwidth.take(len(part))

        def upload() -> PartReceipt:
            try:
                receipt = self._retrying(
                    f"part {number} of {item.key}",
                    lambda: writer.write_part(number, part, part_checksum),
                )
                self.book.part_done(item.path, writer.upload_id, receipt)
                self.book.bytes_moved(len(part))
                receipts[number] = receipt
                return receipt
            except BaseException as err:
                flight.error = flight.error or err
                raise
            finally:
                self._slots.release()

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
        """The stored object must be these bytes: by the store's checksum, else by reading it."""
        item.stored = stored
        if self.target.proven_by_read_back:
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


def _read_exactly(handle: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes, fewer only at end of file (a raw read may return less)."""
    pieces: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = handle.read(remaining)
        if not chunk:
            break
        pieces.append(chunk)
        remaining -= len(chunk)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def source_identity(path: Path) -> tuple[int, int, int]:
    """(size, mtime_ns, inode): evidence that a source is unchanged since it was read."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns, info.st_ino
