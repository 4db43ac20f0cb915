"""The parts of a file's pass in a unit test: a real folder target with small parts, an
in-memory checkpoint book, and media bytes."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Protocol

from rollkeeper.transfer.checkpoints import Checkpoint
from rollkeeper.transfer.file_transfer import FileTransfer
from rollkeeper.transfer.fs_target import FolderTarget
from rollkeeper.transfer.settings import TransferSettings
from rollkeeper.transfer.targets import PartReceipt

#: Two uploaders, two attempts per request, and no real waits between them.
NO_WAITING = TransferSettings(max_concurrency=2, max_attempts=2, sleep=lambda _: None)

#: Parts small enough for a unit test to send a file in several of them.
SMALL_PART = 64 * 1024


class SmallPartFolder(FolderTarget):
    """A folder target cutting files into 64 KiB parts instead of 64 MiB ones."""

    def part_size(self, size: int) -> int:
        return SMALL_PART


@dataclass
class RecordingBook:
    """A checkpoint book kept in memory: the checkpoints, and what the pass reported."""

    checkpoints: dict[str, Checkpoint] = field(default_factory=dict)
    parts_sent: list[int] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)
    moved: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def checkpoint(self, path: str) -> Checkpoint | None:
        return self.checkpoints.get(path)

    def started(self, path: str, key: str, size: int, upload_id: str, part_size: int) -> None:
        self.checkpoints[path] = Checkpoint(upload_id, part_size, {})

    def part_done(self, path: str, upload_id: str, receipt: PartReceipt) -> None:
        with self._lock:
            self.checkpoints[path].parts[receipt.number] = receipt
            self.parts_sent.append(receipt.number)

    def forget(self, path: str) -> None:
        self.checkpoints.pop(path, None)
        self.forgotten.append(path)

    def bytes_moved(self, count: int) -> None:
        with self._lock:
            self.moved += count


class FileMaker(Protocol):
    """Makes a file of the roll: `content` on disk, listed in its MHL as `listed` (by default,
    as it is)."""

    def __call__(self, name: str, content: bytes, listed: bytes | None = None) -> FileTransfer: ...


def media(seed: int, size: int) -> bytes:
    """Bytes that differ from part to part (so each part has a checksum of its own)."""
    return random.Random(seed).randbytes(size)  # noqa: S311 - test data, not secrets
