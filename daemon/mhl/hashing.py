"""Hash algorithms, their text encodings, and the single streaming pass that feeds them all.

Every hash an entry carries is computed from one read of the file through a fixed set of buffers,
so memory does not grow with file size and no byte is read twice. A large file is read on a
helper thread one buffer ahead of the hashing, so that copying out of the page cache (or waiting
for the drive) and hashing run on two cores at once; python-xxhash and hashlib release the GIL
while they hash, and `os.readv` while it reads. Files are read, never mapped: a drive unplugged
mid-read must give an OSError, not a SIGBUS.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import xxhash

from daemon.mhl.model import HashKind

#: Read size of the streaming pass. Large enough that syscall and thread hand-over costs vanish
#: next to hashing, small enough that a few parallel jobs stay far below the memory budget (each
#: file being read holds at most `_READ_AHEAD_BUFFERS` of these).
CHUNK_SIZE = 4 * 1024 * 1024

#: Buffers per file in the read-ahead pass: one being hashed while the other is being filled.
_READ_AHEAD_BUFFERS = 2

#: Files smaller than this are read and hashed inline: a helper thread costs more than it saves.
_READ_AHEAD_MIN_SIZE = 16 * 1024 * 1024

_C4_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_C4_BODY_LENGTH = 88
_HEX_LENGTH = {
    HashKind.XXH64: 16,
    HashKind.XXH32: 8,
    HashKind.XXH3: 16,
    HashKind.XXH128: 32,
    HashKind.MD5: 32,
    HashKind.SHA1: 40,
}
_C4_PATTERN = re.compile(rf"c4[{_C4_ALPHABET}]{{{_C4_BODY_LENGTH}}}")


class Hasher(Protocol):
    """What hashlib and python-xxhash objects have in common."""

    def update(self, data: bytes | memoryview, /) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...


class _C4Hasher:
    """A C4 id: SHA-512, written in base58 with a `c4` prefix and left-padded to 90 characters."""

    def __init__(self) -> None:
        self._sha = hashlib.sha512()

    def update(self, data: bytes | memoryview, /) -> None:
        self._sha.update(data)

    def digest(self) -> bytes:
        return self._sha.digest()

    def hexdigest(self) -> str:
        return c4_from_digest(self._sha.digest())


def c4_from_digest(sha512_digest: bytes) -> str:
    """Encode a SHA-512 digest as a C4 id."""
    number = int.from_bytes(sha512_digest, "big")
    chars: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        chars.append(_C4_ALPHABET[remainder])
    return "c4" + "".join(reversed(chars)).rjust(_C4_BODY_LENGTH, "1")


def c4_of_bytes(data: bytes) -> str:
    """The C4 id of a byte string (used for ASC MHL chain entries)."""
    return c4_from_digest(hashlib.sha512(data).digest())


def new_hasher(kind: HashKind) -> Hasher:
    """A fresh hasher for `kind` whose `hexdigest()` is the canonical text of that kind."""
    factories: dict[HashKind, Callable[[], Hasher]] = {
        HashKind.XXH64: xxhash.xxh64,
        HashKind.XXH32: xxhash.xxh32,
        HashKind.XXH3: xxhash.xxh3_64,
        HashKind.XXH128: xxhash.xxh3_128,
        HashKind.MD5: lambda: hashlib.md5(usedforsecurity=False),
        HashKind.SHA1: lambda: hashlib.sha1(usedforsecurity=False),
        HashKind.C4: _C4Hasher,
    }
    return factories[kind]()


def normalise_value(kind: HashKind, text: str) -> str | None:
    """The canonical form of a hash value as found in an MHL, or None when it is malformed."""
    value = text.strip()
    if kind is HashKind.C4:
        return value if _C4_PATTERN.fullmatch(value) else None
    value = value.lower()
    if len(value) != _HEX_LENGTH[kind] or not all(c in "0123456789abcdef" for c in value):
        return None
    return value


@dataclass(frozen=True, slots=True)
class StreamResult:
    """What one pass over a file produced: bytes read and each requested digest."""

    size: int
    digests: dict[HashKind, str]


ProgressCallback = Callable[[int], None]


def hash_file(
    path: Path,
    kinds: Iterable[HashKind],
    *,
    on_bytes: ProgressCallback | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> StreamResult:
    """Read `path` once, front to back, feeding every requested hasher from the same buffer.

    `on_bytes` is told how many bytes each chunk held (for progress), always from the calling
    thread. OS errors propagate: the caller decides how an unreadable file is reported. Memory is
    at most two buffers of `chunk_size`, whatever the size of the file.
    """
    hashers = {kind: new_hasher(kind) for kind in kinds}

    def consume(chunk: memoryview) -> None:
        for hasher in hashers.values():
            hasher.update(chunk)
        if on_bytes is not None:
            on_bytes(len(chunk))

    fd = os.open(path, os.O_RDONLY)
    try:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
        if os.fstat(fd).st_size >= max(_READ_AHEAD_MIN_SIZE, 2 * chunk_size):
            total = _stream_read_ahead(fd, chunk_size, consume)
        else:
            total = _stream_inline(fd, chunk_size, consume)
    finally:
        os.close(fd)
    return StreamResult(total, {kind: h.hexdigest() for kind, h in hashers.items()})


def _stream_inline(fd: int, chunk_size: int, consume: Callable[[memoryview], None]) -> int:
    """Read and hash in turn on the calling thread, through one buffer; returns bytes read."""
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    total = 0
    while count := os.readv(fd, [buffer]):
        consume(view[:count])
        total += count
    return total


def _stream_read_ahead(fd: int, chunk_size: int, consume: Callable[[memoryview], None]) -> int:
    """Read on a helper thread into a ring of buffers while the calling thread hashes.

    The buffers travel between the threads through two queues: `free` ones to the reader, `filled`
    ones (with their byte count) back. A buffer is never filled while it is being hashed, so the
    hashes see exactly the bytes of the file, in order. A read error is handed over and raised
    here; whatever ends the pass, the reader is stopped and joined before the caller closes `fd`.
    """
    buffers = [bytearray(chunk_size) for _ in range(_READ_AHEAD_BUFFERS)]
    free: queue.SimpleQueue[int | None] = queue.SimpleQueue()
    filled: queue.SimpleQueue[tuple[int, int] | BaseException] = queue.SimpleQueue()
    for index in range(len(buffers)):
        free.put(index)

    def read() -> None:
        try:
            while (index := free.get()) is not None:
                count = os.readv(fd, [buffers[index]])
                filled.put((index, count))
                if count == 0:
                    return
        except BaseException as err:  # handed over: the hashing thread raises it
            filled.put(err)

    reader = threading.Thread(target=read, name="hash-read-ahead", daemon=True)
    reader.start()
    total = 0
    try:
        while True:
            item = filled.get()
            if isinstance(item, BaseException):
                raise item
            index, count = item
            if count == 0:
                return total
            consume(memoryview(buffers[index])[:count])
            total += count
            free.put(index)
    finally:
        free.put(None)
        reader.join()
