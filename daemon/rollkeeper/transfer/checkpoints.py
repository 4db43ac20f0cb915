"""Durable upload progress: the protocol through which an upload reports what it has finished.

The pipeline reports each started upload and finished part to a `CheckpointBook`; the ledger's
writer is the only one that makes them durable.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from rollkeeper.transfer.targets import PartReceipt


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
