"""A folder as primary storage (a NAS or second RAID): the embedded default target.

Each object is written under a temporary name, fsynced (F_FULLFSYNC on macOS), linked into
place (never replacing anything) and its folder fsynced; it is then proven by reading it back.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from pathlib import Path
from typing import BinaryIO

import xxhash

from rollkeeper.fs.durable import fsync_folder, full_fsync
from rollkeeper.mhl.hashing import CHUNK_SIZE
from rollkeeper.transfer.checksums import Algorithm, ObjectChecksum
from rollkeeper.transfer.targets import (
    KeyConflict,
    PartReceipt,
    Payload,
    ReadBack,
    StoredObject,
    TargetUnusable,
)

#: Parts as large as S3's default (`config.sections.DEFAULT_PART_SIZE`), so that the upload's
#: memory (part size x max_concurrency) is the same bound for a folder as for a bucket.
FS_PART_SIZE = 8 * 1024 * 1024
_PENDING = ".rollkeeper-partial"


class FolderWriter:
    """An object written at part offsets into a temporary file, linked into place on commit."""

    def __init__(self, target: FolderTarget, key: str, size: int, upload_id: str | None) -> None:
        self.target = target
        self.key = key
        self.size = size
        self.upload_id = upload_id or secrets.token_hex(8)
        self.temporary = target.partial_path(key, self.upload_id)
        self.temporary.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.temporary, os.O_WRONLY | os.O_CREAT, 0o644)
        self._lock = threading.Lock()

    def write_part(self, number: int, data: Payload, checksum: str | None) -> PartReceipt:
        offset = (number - 1) * self.target.part_size(self.size)
        with self._lock:
            os.pwrite(self._fd, data, offset)
        return PartReceipt(number, len(data), f"{number}", checksum)

    def commit(self, parts: list[PartReceipt], checksum: str | None) -> StoredObject:
        final = self.target.path_of(self.key)
        try:
            os.ftruncate(self._fd, self.size)
            full_fsync(self._fd)
        finally:
            os.close(self._fd)
        try:
            os.link(self.temporary, final)
        except FileExistsError as err:
            raise KeyConflict(f"{final} appeared while it was being written") from err
        finally:
            with contextlib.suppress(FileNotFoundError):
                self.temporary.unlink()
        fsync_folder(final.parent)
        return StoredObject(self.key, self.size, None)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
        with contextlib.suppress(FileNotFoundError):
            self.temporary.unlink()


class FolderTarget:
    """Objects are files below `root`; keys map to relative paths."""

    proven_by_read_back = True
    refuses_overwrite = True

    def __init__(self, root: Path, checksum: Algorithm) -> None:
        self.root = root
        self.checksum_algorithm: Algorithm = checksum if checksum != "md5-etag" else "off"
        self.description = f"folder {root}"

    def path_of(self, key: str) -> Path:
        path = self.root / key
        if ".." in Path(key).parts or not path.resolve().is_relative_to(self.root.resolve()):
            raise KeyConflict(f"{key!r} would leave the target folder")
        return path

    def partial_path(self, key: str, upload_id: str) -> Path:
        final = self.path_of(key)
        return final.parent / f".{final.name}.{upload_id}{_PENDING}"

    def _require_root(self) -> None:
        """The folder must exist: never create it, an unmounted NAS path is the boot disk."""
        if not self.root.is_dir():
            raise TargetUnusable(
                f"target folder {self.root} does not exist or is not mounted; mount the NAS or "
                "create the folder"
            )

    def check(self) -> None:
        self._require_root()
        probe = self.root / f".rollkeeper-write-test-{secrets.token_hex(4)}"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as err:
            raise TargetUnusable(
                f"cannot write to target folder {self.root}: {err.strerror or err}"
            ) from err

    def head(self, key: str) -> StoredObject | None:
        self._require_root()
        path = self.path_of(key)
        try:
            info = path.stat()
        except FileNotFoundError:
            return None
        return StoredObject(key, info.st_size, None)

    def put(
        self, key: str, data: Payload, checksum: str | None, metadata: dict[str, str]
    ) -> StoredObject:
        writer = self.open_writer(key, len(data), metadata, None)
        try:
            receipt = writer.write_part(1, data, checksum)
            return writer.commit([receipt], checksum)
        except BaseException:
            writer.abort()
            raise

    def open_writer(
        self, key: str, size: int, metadata: dict[str, str], upload_id: str | None
    ) -> FolderWriter:
        self._require_root()
        return FolderWriter(self, key, size, upload_id)

    def part_size(self, size: int) -> int:
        return FS_PART_SIZE

    def uploaded_parts(self, key: str, upload_id: str) -> dict[int, int] | None:
        """Never resumed: parts were not fsynced one by one, so after a crash start again."""
        return None

    def open_read(self, key: str) -> BinaryIO:
        return self.path_of(key).open("rb")

    def read_back(self, key: str) -> ReadBack:
        digest = xxhash.xxh64()
        checksum = ObjectChecksum(self.checksum_algorithm)
        size = 0
        with self.path_of(key).open("rb", buffering=0) as handle:
            while chunk := handle.read(CHUNK_SIZE):
                digest.update(chunk)
                checksum.update(chunk)
                size += len(chunk)
        return ReadBack(size, digest.hexdigest(), checksum.whole())

    def abort_abandoned(self, prefix: str, keep: set[str]) -> list[str]:
        removed: list[str] = []
        base = self.root / prefix if prefix else self.root
        if not base.is_dir():
            return removed
        for partial in base.rglob(f"*{_PENDING}"):
            upload_id = partial.name.rsplit(".", 2)[-2] if partial.name.count(".") >= 2 else ""
            if upload_id not in keep:
                partial.unlink(missing_ok=True)
                removed.append(str(partial.relative_to(self.root)))
        return removed
