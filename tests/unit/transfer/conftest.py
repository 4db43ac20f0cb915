"""Fixtures for a file's pass on its own: a folder target, a checkpoint book, the uplink they
make with part buffers and uploaders, and source files whose MHL entry is known."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import xxhash
from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.verify import FileResult, FileStatus
from rollkeeper.transfer.file_transfer import FileTransfer
from rollkeeper.transfer.part_buffers import PartBuffers
from rollkeeper.transfer.uplink import Uplink

from tests.unit.transfer.passes import NO_WAITING, FileMaker, RecordingBook, SmallPartFolder


@pytest.fixture
def store(tmp_path: Path) -> SmallPartFolder:
    (tmp_path / "store").mkdir()
    return SmallPartFolder(tmp_path / "store", "crc64nvme")


@pytest.fixture
def book() -> RecordingBook:
    return RecordingBook()


@pytest.fixture
def uplink(store: SmallPartFolder, book: RecordingBook) -> Iterator[Uplink]:
    uploaders = ThreadPoolExecutor(max_workers=2)
    yield Uplink(store, book, NO_WAITING, PartBuffers(2), uploaders)
    uploaders.shutdown(wait=True)


@pytest.fixture
def source_file(tmp_path: Path) -> FileMaker:
    def make(name: str, content: bytes, listed: bytes | None = None) -> FileTransfer:
        path = tmp_path / "roll" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        listed = content if listed is None else listed
        result = FileResult(
            name,
            FileStatus.OK,
            expected_size=len(listed),
            expected={HashKind.XXH64: xxhash.xxh64(listed).hexdigest()},
        )
        return FileTransfer(name, path, f"roll/{name}", len(listed), result)

    return make
