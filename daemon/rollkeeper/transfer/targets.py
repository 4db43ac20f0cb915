"""What a storage target offers the transfer pipeline, whatever sits behind it (S3, a folder)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from rollkeeper.core.errors import EnvironmentProblem, RollkeeperError
from rollkeeper.transfer.checksums import Algorithm

#: Bytes to store, passed without copying: part buffers are sent as views.
Payload = bytes | bytearray | memoryview


@dataclass(frozen=True, slots=True)
class StoredObject:
    """An object as the store reports it after it was written (or found already there)."""

    key: str
    size: int
    checksum: str | None  # the store's own full-object or composite checksum
    etag: str | None = None
    version_id: str | None = None
    xxh64: str | None = None  # the MHL hash we attached as metadata


@dataclass(frozen=True, slots=True)
class PartReceipt:
    """One uploaded part: what completing the upload needs, and what resuming it checks."""

    number: int
    size: int
    etag: str
    checksum: str | None


class TargetUnusable(EnvironmentProblem):
    """Credentials, permissions or a missing bucket/folder: retrying cannot help; a person can."""


class TargetFailure(TargetUnusable):
    """The target failed while in use (its folder gone, its disk full, access denied, a store
    still unreachable after every retry): the source is not to blame, the copy stays verified,
    and the upload waits until the target is usable again."""


class TransientFailure(RollkeeperError):
    """A network or server hiccup: the same request may well succeed later."""


class KeyConflict(RollkeeperError):
    """The key already holds different content; nothing may be written there."""


class ObjectWriter(Protocol):
    """An object being written part by part; `write_part` may be called from several threads."""

    upload_id: str
    resumable: bool  # its parts survive a stop (S3); False: it is written again (a folder)

    def write_part(self, number: int, data: Payload, checksum: str | None) -> PartReceipt: ...
    def commit(self, parts: list[PartReceipt], checksum: str | None) -> StoredObject: ...
    def abort(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ReadBack:
    """A stored object read back and hashed: the proof where the store computes nothing."""

    size: int
    xxh64: str
    checksum: str


class ReadableStream(Protocol):
    """What reading a stored object back gives: bytes, a chunk at a time."""

    def read(self, size: int = -1, /) -> bytes: ...


class Target(Protocol):
    """A primary store. Keys are `/`-separated; nothing is ever overwritten.

    `proven_by_read_back` targets (a folder; S3 with checksum = off) prove each object by
    reading it back after writing; the others by the store's own checksum. A target that
    `refuses_overwrite` fails a write to a taken key with KeyConflict (a folder; S3 with
    conditional writes), so a small file needs no lookup before it is written.
    """

    description: str
    checksum_algorithm: Algorithm
    proven_by_read_back: bool
    refuses_overwrite: bool

    def check(self) -> None:
        """Raise TargetUnusable with what to fix if the store cannot be written to."""
        ...

    def head(self, key: str) -> StoredObject | None: ...
    def list_objects(self, prefix: str) -> Iterator[StoredObject]:
        """Every object whose key starts with `prefix`: key, size and ETag (a folder: a token
        of the file's mtime and inode), cheaply (S3: one request per 1,000 keys). Raises
        TargetUnusable or TransientFailure when the store cannot be listed."""
        ...

    def put(
        self, key: str, data: Payload, checksum: str | None, metadata: dict[str, str]
    ) -> StoredObject: ...
    def open_writer(
        self, key: str, size: int, metadata: dict[str, str], upload_id: str | None
    ) -> ObjectWriter: ...
    def part_size(self, size: int) -> int: ...
    def uploaded_parts(self, key: str, upload_id: str) -> dict[int, int] | None:
        """Parts the store holds for an unfinished upload (None: cannot resume it)."""
        ...

    def read_back(self, key: str) -> ReadBack: ...
    def open_read(self, key: str) -> AbstractContextManager[ReadableStream]:
        """The stored object as a stream (to make an archival copy from the primary one)."""
        ...

    def abort_abandoned(self, prefix: str, keep: set[str]) -> list[str]: ...
