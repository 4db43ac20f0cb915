"""Hash algorithms, their text encodings, and the single streaming pass that feeds them all.

Every hash an entry carries is computed from one read of the file through at most two fixed
buffers, so memory does not grow with file size and no byte is read twice.

Reading a file costs a copy out of the page cache (or a wait for the drive); hashing it costs a
pass over the buffer. While a core would otherwise sit idle, a large file is read on a helper
thread one buffer ahead of the hashing, so both run at once (python-xxhash and hashlib release
the GIL while they hash, `os.readv` while it reads). When every core already has a file to hash,
each file is read and hashed in turn on its own thread instead: a second thread per file would
then only add hand-overs and move each buffer between cores. Files are read, never mapped: a drive
unplugged mid-read must give an OSError, not a SIGBUS.
"""

from __future__ import annotations

import os
import queue
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import xxhash

from rollkeeper.mhl.model import HashKind

#: Read size of the streaming pass. Large enough that system calls and hand-overs between the
#: reading and the hashing thread cost little next to hashing (of 1, 2, 4 and 8 MiB, 4 MiB was as
#: fast as any or faster; see bench/RESULTS.md), small enough that a few parallel jobs stay far
#: below the memory budget: each file being read holds at most two buffers of this size.
CHUNK_SIZE = 4 * 1024 * 1024

#: Read size when one thread reads and hashes in turn: the bytes the kernel just copied are
#: hashed while they are still in the core's L2 cache (2 MiB per core on the machines measured;
#: 4 MiB reads spill to L3 and ran ~7 % slower with every core busy).
_IN_TURN_CHUNK = 1024 * 1024

#: Files smaller than this are always read and hashed in turn: a helper thread would cost more
#: than it saves.
_READ_AHEAD_MIN_SIZE = 16 * 1024 * 1024


class _ActiveStreams:
    """How many files this process is hashing right now, against how many cores it may use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        affinity = getattr(os, "sched_getaffinity", None)
        self.cores = len(affinity(0)) if affinity is not None else os.cpu_count() or 1

    def enter(self) -> None:
        with self._lock:
            self._count += 1

    def leave(self) -> None:
        with self._lock:
            self._count -= 1

    def spare_core(self) -> bool:
        """True while fewer files are being hashed than there are cores."""
        return self._count < self.cores


_STREAMS = _ActiveStreams()

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
        import hashlib

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
    import hashlib

    return c4_from_digest(hashlib.sha512(data).digest())


# hashlib is imported where it is used: loading OpenSSL costs every start-up ~5 ms, and a roll
# hashed with xxHash alone needs none of it.


def _md5() -> Hasher:
    import hashlib

    return hashlib.md5(usedforsecurity=False)


def _sha1() -> Hasher:
    import hashlib

    return hashlib.sha1(usedforsecurity=False)


def new_hasher(kind: HashKind) -> Hasher:
    """A fresh hasher for `kind` whose `hexdigest()` is the canonical text of that kind."""
    factories: dict[HashKind, Callable[[], Hasher]] = {
        HashKind.XXH64: xxhash.xxh64,
        HashKind.XXH32: xxhash.xxh32,
        HashKind.XXH3: xxhash.xxh3_64,
        HashKind.XXH128: xxhash.xxh3_128,
        HashKind.MD5: _md5,
        HashKind.SHA1: _sha1,
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
    _STREAMS.enter()
    try:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
        stream = _Stream(fd, chunk_size, consume)
        if os.fstat(fd).st_size >= max(_READ_AHEAD_MIN_SIZE, 2 * chunk_size):
            stream.run(read_ahead_while=_STREAMS.spare_core)
        else:
            stream.run(read_ahead_while=_never)
    finally:
        _STREAMS.leave()
        os.close(fd)
    return StreamResult(stream.total, {kind: h.hexdigest() for kind, h in hashers.items()})


def _never() -> bool:
    return False


#: What the read-ahead thread hands over: a filled buffer and its byte count (0 at the end of the
#: file), an error it met, or None when it stopped because a core is no longer spare.
_Handover = tuple[int, int] | BaseException | None


def _read_ahead_into(
    fd: int,
    buffers: list[bytearray],
    free: queue.SimpleQueue[int | None],
    filled: queue.SimpleQueue[_Handover],
    keep_going: Callable[[], bool],
) -> None:
    """The read-ahead thread: fill each free buffer in turn and hand it over, until the end."""
    try:
        while (index := free.get()) is not None:
            if not keep_going():
                filled.put(None)
                return
            count = os.readv(fd, [buffers[index]])
            filled.put((index, count))
            if count == 0:
                return
    except BaseException as err:  # handed over: the hashing thread raises it
        filled.put(err)


class _Stream:
    """One front-to-back pass over an open file, switching between the two ways of reading.

    Either way the bytes reach `consume` in file order, exactly once: the read-ahead thread and
    the calling thread never read at the same time, and both read at the file's current offset.
    """

    def __init__(self, fd: int, chunk_size: int, consume: Callable[[memoryview], None]) -> None:
        self.fd = fd
        self.consume = consume
        self.buffers = [bytearray(chunk_size)]
        self.total = 0

    def run(self, read_ahead_while: Callable[[], bool]) -> None:
        """Read to the end of the file, ahead on a helper thread whenever `read_ahead_while()`."""
        while not (
            self._read_ahead(read_ahead_while)
            if read_ahead_while()
            else self._read_in_turn(read_ahead_while)
        ):
            pass

    def _read_in_turn(self, until: Callable[[], bool]) -> bool:
        """Read and hash in turn through one buffer until the end (True) or until `until()`."""
        view = memoryview(self.buffers[0])[:_IN_TURN_CHUNK]
        while count := os.readv(self.fd, [view]):
            self.consume(view[:count])
            self.total += count
            if until():
                return False
        return True

    def _read_ahead(self, keep_going: Callable[[], bool]) -> bool:
        """Hash here while a helper thread fills the other buffer; True at the end of the file.

        Buffers travel through two queues: `free` ones to the reader, `filled` ones back. A buffer
        is never filled while it is being hashed. The reader checks `keep_going()` before each
        read and hands over None when it stops. A read error is handed over and raised here.
        Whatever ends this, the reader has finished before it returns, so the caller may read on
        (or close the file).
        """
        if len(self.buffers) == 1:
            self.buffers.append(bytearray(len(self.buffers[0])))
        buffers = self.buffers
        free: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        filled: queue.SimpleQueue[_Handover] = queue.SimpleQueue()
        for index in range(len(buffers)):
            free.put(index)

        reader = threading.Thread(
            target=_read_ahead_into,
            args=(self.fd, buffers, free, filled, keep_going),
            name="hash-read-ahead",
            daemon=True,
        )
        reader.start()
        try:
            while True:
                handed = filled.get()
                if handed is None:
                    return False
                if isinstance(handed, BaseException):
                    raise handed
                index, count = handed
                if count == 0:
                    return True
                self.consume(memoryview(buffers[index])[:count])
                self.total += count
                free.put(index)
        finally:
            free.put(None)
            reader.join()
