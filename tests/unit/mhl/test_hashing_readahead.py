"""Specification: the read-ahead double buffer of the streaming pass (`rollkeeper.mhl.hashing`).

While a core is spare, a large file is read on a helper thread one buffer ahead of the hashing;
otherwise it is read and hashed in turn through one buffer, and a pass switches between the two
between chunks as other files start and finish. Whichever way, every byte reaches the hashers
exactly once and in file order, through at most two buffers, progress is told from the calling
thread, and a read error reaches the caller as the plain read raises it, leaving no thread and no
open file behind.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import xxhash
from rollkeeper.mhl import hashing
from rollkeeper.mhl.hashing import StreamResult, _Stream, hash_file
from rollkeeper.mhl.model import HashKind

from tests.builders import clip

CHUNK = 4096
#: File sizes around the buffer boundaries.
SIZES = [
    0,
    1,
    CHUNK - 1,
    CHUNK,
    CHUNK + 1,
    2 * CHUNK - 1,
    2 * CHUNK,
    2 * CHUNK + 1,
    7 * CHUNK + 5,
]
READER = "hash-read-ahead"


def schedule(name: str) -> Callable[[], bool]:
    """Whether to read ahead, as asked before every chunk (from whichever thread reads next)."""
    calls = itertools.count()
    coin = random.Random(7)  # noqa: S311 - seeded: the same switches on every run
    return {
        "in turn": lambda: False,
        "ahead": lambda: True,
        "switching at random": lambda: coin.random() < 0.5,
        "ahead, then in turn": lambda: next(calls) < 3,
        "in turn, then ahead": lambda: next(calls) >= 3,
    }[name]


SCHEDULES = [
    "in turn",
    "ahead",
    "switching at random",
    "ahead, then in turn",
    "in turn, then ahead",
]


def readers_alive() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == READER and t.is_alive()]


def note_reader(seen: list[bool]) -> Callable[[int], None]:
    """A progress callback noting, at each chunk hashed, whether a reader thread is running."""
    return lambda _count: seen.append(bool(readers_alive()))


def open_files() -> int | None:
    """How many files this process has open (None where /proc does not tell)."""
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None


@pytest.fixture
def sample(tmp_path: Path) -> Callable[[int], tuple[Path, bytes]]:
    def write(size: int) -> tuple[Path, bytes]:
        data = clip(size, size)
        path = tmp_path / f"A001C{size:06d}.mov"
        path.write_bytes(data)
        return path, data

    return write


@pytest.fixture
def a_core_is_spare(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Every file may read ahead from two buffers on, and the spare core follows a schedule."""
    monkeypatch.setattr(hashing, "_READ_AHEAD_MIN_SIZE", 0)

    def follow(name: str) -> None:
        monkeypatch.setattr(hashing._STREAMS, "spare_core", schedule(name))

    yield follow


# --- every byte once, in order, through at most two buffers ---------------------------------------


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("when", SCHEDULES)
def test_every_byte_reaches_the_hashers_once_and_in_order(
    sample: Callable[[int], tuple[Path, bytes]], size: int, when: str
) -> None:
    path, data = sample(size)
    chunks: list[bytes] = []
    fd = os.open(path, os.O_RDONLY)
    try:
        stream = _Stream(fd, CHUNK, lambda chunk: chunks.append(bytes(chunk)))
        stream.run(read_ahead_while=schedule(when))
    finally:
        os.close(fd)
    assert b"".join(chunks) == data
    assert stream.total == size
    assert all(0 < len(chunk) <= CHUNK for chunk in chunks)
    assert len(stream.buffers) <= 2


@pytest.mark.parametrize("size", [s for s in SIZES if s >= 2 * CHUNK])
@pytest.mark.parametrize("when", SCHEDULES)
def test_digests_equal_a_plain_hash_of_the_file_whichever_way_it_is_read(
    sample: Callable[[int], tuple[Path, bytes]],
    a_core_is_spare: Callable[[str], None],
    size: int,
    when: str,
) -> None:
    path, data = sample(size)
    a_core_is_spare(when)
    result = hash_file(path, [HashKind.XXH64, HashKind.MD5, HashKind.XXH128], chunk_size=CHUNK)
    assert result == StreamResult(
        size,
        {
            HashKind.XXH64: xxhash.xxh64(data).hexdigest(),
            HashKind.MD5: hashlib.md5(data, usedforsecurity=False).hexdigest(),
            HashKind.XXH128: xxhash.xxh3_128(data).hexdigest(),
        },
    )


@pytest.mark.parametrize("size", [s for s in SIZES if s < 2 * CHUNK])
def test_a_file_of_less_than_two_buffers_is_read_in_turn_even_with_a_spare_core(
    sample: Callable[[int], tuple[Path, bytes]], a_core_is_spare: Callable[[str], None], size: int
) -> None:
    path, data = sample(size)
    a_core_is_spare("ahead")
    seen_reader: list[bool] = []
    result = hash_file(path, [HashKind.XXH64], chunk_size=CHUNK, on_bytes=note_reader(seen_reader))
    assert result.digests[HashKind.XXH64] == xxhash.xxh64(data).hexdigest()
    assert not any(seen_reader)


def test_a_large_file_reads_ahead_while_a_core_is_spare(
    sample: Callable[[int], tuple[Path, bytes]], a_core_is_spare: Callable[[str], None]
) -> None:
    path, _data = sample(7 * CHUNK + 5)
    a_core_is_spare("ahead")
    seen_reader: list[bool] = []
    hash_file(path, [HashKind.XXH64], chunk_size=CHUNK, on_bytes=note_reader(seen_reader))
    # the reader may have met the end of the file while the last chunk is hashed
    assert len(seen_reader) == 8
    assert all(seen_reader[:-1])
    assert readers_alive() == []


def test_a_large_file_is_read_in_turn_while_no_core_is_spare(
    sample: Callable[[int], tuple[Path, bytes]], a_core_is_spare: Callable[[str], None]
) -> None:
    path, _data = sample(7 * CHUNK + 5)
    a_core_is_spare("in turn")
    seen_reader: list[bool] = []
    hash_file(path, [HashKind.XXH64], chunk_size=CHUNK, on_bytes=note_reader(seen_reader))
    assert seen_reader and not any(seen_reader)


def test_progress_is_told_from_the_calling_thread_and_adds_up_to_the_size(
    sample: Callable[[int], tuple[Path, bytes]], a_core_is_spare: Callable[[str], None]
) -> None:
    path, data = sample(7 * CHUNK + 5)
    a_core_is_spare("switching at random")
    told: list[tuple[int, int]] = []
    hash_file(
        path,
        [HashKind.XXH64],
        chunk_size=CHUNK,
        on_bytes=lambda count: told.append((threading.get_ident(), count)),
    )
    assert {thread for thread, _count in told} == {threading.get_ident()}
    assert sum(count for _thread, count in told) == len(data)


def test_files_hashed_side_by_side_switch_ways_as_others_start_and_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real count of files being hashed against the cores this process may use."""
    monkeypatch.setattr(hashing, "_READ_AHEAD_MIN_SIZE", 0)
    files = {}
    for number, chunks in enumerate((3, 40, 9, 25, 2, 60)):
        data = clip(number, chunks * CHUNK + number)
        files[tmp_path / f"A001C{number:03d}.mov"] = data
        (tmp_path / f"A001C{number:03d}.mov").write_bytes(data)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(
            zip(
                files,
                pool.map(lambda p: hash_file(p, [HashKind.XXH64], chunk_size=CHUNK), files),
                strict=True,
            )
        )
    for path, data in files.items():
        assert results[path].digests[HashKind.XXH64] == xxhash.xxh64(data).hexdigest()
    assert readers_alive() == []


# --- a read error: raised as the plain read raises it, nothing left behind ------------------------


def failing_reads(monkeypatch: pytest.MonkeyPatch, good_reads: int) -> None:
    """`os.readv` succeeds `good_reads` times, then fails as a drive pulled mid-read does."""
    real = os.readv
    calls = itertools.count()
    lock = threading.Lock()

    def readv(fd: int, buffers: list[bytearray]) -> int:
        with lock:
            call = next(calls)
        if call >= good_reads:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(fd, buffers)

    monkeypatch.setattr(os, "readv", readv)


def error_of(path: Path) -> OSError:
    with pytest.raises(OSError) as caught:
        hash_file(path, [HashKind.XXH64], chunk_size=CHUNK)
    return caught.value


@pytest.mark.parametrize("good_reads", [0, 1, 2, 5])
@pytest.mark.parametrize("when", SCHEDULES)
def test_a_read_error_is_raised_as_reading_in_turn_raises_it(
    sample: Callable[[int], tuple[Path, bytes]],
    a_core_is_spare: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    good_reads: int,
    when: str,
) -> None:
    path, _data = sample(7 * CHUNK + 5)
    failing_reads(monkeypatch, good_reads)
    a_core_is_spare("in turn")
    plain = error_of(path)
    failing_reads(monkeypatch, good_reads)
    a_core_is_spare(when)
    files_before = open_files()
    error = error_of(path)
    assert (
        (type(error), error.errno, error.strerror)
        == (
            type(plain),
            plain.errno,
            plain.strerror,
        )
        == (OSError, errno.EIO, os.strerror(errno.EIO))
    )
    assert readers_alive() == []
    assert open_files() == files_before


@pytest.mark.parametrize("when", SCHEDULES)
def test_a_folder_read_ahead_raises_what_reading_it_in_turn_raises(
    tmp_path: Path, when: str
) -> None:
    """A real read error, not a simulated one: a folder opens, but cannot be read."""

    def error(read_ahead_while: Callable[[], bool]) -> OSError:
        fd = os.open(tmp_path, os.O_RDONLY)
        try:
            with pytest.raises(OSError) as caught:
                _Stream(fd, CHUNK, lambda _chunk: None).run(read_ahead_while)
        finally:
            os.close(fd)
        return caught.value

    plain, ahead = error(schedule("in turn")), error(schedule(when))
    assert isinstance(plain, IsADirectoryError)
    assert (type(ahead), ahead.errno) == (type(plain), plain.errno)
    assert readers_alive() == []


class Interrupted(Exception):
    """Something the hashing side raised: a progress display that failed, a Ctrl-C."""


@pytest.mark.parametrize("when", SCHEDULES)
def test_an_error_on_the_hashing_side_stops_the_reader_and_closes_the_file(
    sample: Callable[[int], tuple[Path, bytes]], a_core_is_spare: Callable[[str], None], when: str
) -> None:
    path, _data = sample(7 * CHUNK + 5)
    a_core_is_spare(when)
    files_before = open_files()
    told = itertools.count()

    def progress(_count: int) -> None:
        if next(told) == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        hash_file(path, [HashKind.XXH64], chunk_size=CHUNK, on_bytes=progress)
    assert readers_alive() == []
    assert open_files() == files_before
