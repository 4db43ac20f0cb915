"""Durable upload progress: the protocol through which an upload reports what it has finished.

The pipeline reports each started upload and finished part to a `CheckpointBook`. The worker's
book (`ReportingBook`) writes nothing: it turns each call into a typed report and hands it on;
the daemon's loop, the ledger's one writer, makes the reports durable in the order they came.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from rollkeeper.transfer.targets import PartReceipt

#: Bytes moved are reported at most this often (seconds), and once more at the end.
PROGRESS_EVERY = 2.0


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


@dataclass(frozen=True, slots=True)
class UploadBegun:
    """A multipart upload of a roll's file began; any earlier checkpoint of the file is void."""

    roll_id: str
    path: str
    key: str
    size: int
    upload_id: str
    part_size: int


@dataclass(frozen=True, slots=True)
class PartDone:
    """One part of a multipart upload is stored."""

    roll_id: str
    path: str
    upload_id: str
    receipt: PartReceipt


@dataclass(frozen=True, slots=True)
class CheckpointForgotten:
    """A file's upload ended (stored, or dropped): nothing of it is to be resumed."""

    roll_id: str
    path: str


@dataclass(frozen=True, slots=True)
class UploadProgress:
    """How many bytes the roll's upload has moved so far."""

    roll_id: str
    bytes_done: int


CheckpointReport = UploadBegun | PartDone | CheckpointForgotten | UploadProgress
#: Where a book sends its reports (the daemon queues them for its loop).
ReportSink = Callable[[CheckpointReport], None]
#: A file's unfinished upload, as last made durable (None: start afresh).
ResumeLookup = Callable[[str], Checkpoint | None]


def nothing_to_resume(_path: str) -> None:
    """The lookup of a roll never uploaded before."""
    return


class ReportingBook:
    """One roll's checkpoint book that writes nothing: every call becomes a report to `send`.

    Reports are sent in the order the calls happen (under one lock), so applying them in that
    order gives the ledger exactly what writing them at once would have. Bytes moved are summed
    and sent every `PROGRESS_EVERY` seconds; `flush` sends the last sum.
    """

    def __init__(self, roll_id: str, send: ReportSink, resume: ResumeLookup) -> None:
        self.roll_id = roll_id
        self._send = send
        self._resume = resume
        self._lock = threading.Lock()
        self._moved = 0
        self._flushed_at = 0.0

    def checkpoint(self, path: str) -> Checkpoint | None:
        with self._lock:
            return self._resume(path)

    def started(self, path: str, key: str, size: int, upload_id: str, part_size: int) -> None:
        self._report(UploadBegun(self.roll_id, path, key, size, upload_id, part_size))

    def part_done(self, path: str, upload_id: str, receipt: PartReceipt) -> None:
        self._report(PartDone(self.roll_id, path, upload_id, receipt))

    def forget(self, path: str) -> None:
        self._report(CheckpointForgotten(self.roll_id, path))

    def bytes_moved(self, count: int) -> None:
        with self._lock:
            self._moved += count
            if time.monotonic() - self._flushed_at >= PROGRESS_EVERY:
                self._progress()

    def flush(self) -> None:
        """Send the bytes moved so far (at the end of the roll's pass)."""
        with self._lock:
            self._progress()

    def _progress(self) -> None:
        self._flushed_at = time.monotonic()
        self._send(UploadProgress(self.roll_id, self._moved))

    def _report(self, report: CheckpointReport) -> None:
        with self._lock:
            self._send(report)
