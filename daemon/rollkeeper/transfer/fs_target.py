"""A folder as primary storage (a NAS or second RAID): the embedded default target.

Each object is written under a temporary name, fsynced (F_FULLFSYNC on macOS), linked into
place (never replacing anything) and its folder fsynced; it is then proven by reading it back.
The folder is never created; with `must_be_mount` it must lie on a mounted filesystem (the
folder itself or an ancestor below its prefix, e.g. /mnt/nas for /mnt/nas/rolls, is a mount
point), so an unmounted NAS's empty mount point on the boot disk is refused. Every error of the
target's own (folder gone, disk full, access denied) is a TargetFailure naming what failed,
never mistaken for the source being unreadable, and leaves no temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import threading
from collections.abc import Iterator
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
    TargetFailure,
    TargetUnusable,
)

#: Parts as large as S3's default (`config.fields.DEFAULT_PART_SIZE`), so that the upload's
#: memory (part size x max_concurrency) is the same bound for a folder as for a bucket.
FS_PART_SIZE = 8 * 1024 * 1024
_PENDING = ".rollkeeper-partial"
#: Where removable and network volumes are mounted: a target below one must be on a mount.
MOUNT_PREFIXES: tuple[Path, ...] = (Path("/Volumes"), Path("/mnt"), Path("/media"))


def mount_expected(path: Path, prefixes: tuple[Path, ...] = MOUNT_PREFIXES) -> bool:
    """`must_be_mount`'s default: true for a folder below /Volumes, /mnt or /media."""
    return any(path != prefix and path.is_relative_to(prefix) for prefix in prefixes)


def mount_holding(path: Path, prefixes: tuple[Path, ...] = MOUNT_PREFIXES) -> Path | None:
    """The mount point `path` lies on: the path itself or an ancestor strictly below its prefix
    (below / for a path under none of them); None when there is none (the boot disk's)."""
    floor = next((p for p in prefixes if path.is_relative_to(p)), Path("/"))
    for candidate in (path, *path.parents):
        if candidate == floor or not candidate.is_relative_to(floor):
            return None
        if os.path.ismount(candidate):
            return candidate
    return None


def free_bytes(folder: Path) -> int | None:
    """Bytes free for us on the filesystem holding `folder` (None when it cannot be asked)."""
    try:
        info = os.statvfs(folder)
    except OSError:
        return None
    return info.f_bavail * info.f_frsize


def folders_below(root: Path, folder: Path) -> None:
    """Create `folder` and its parents below `root`, never `root` itself: if the target folder
    is gone (an unmount) this fails instead of writing to what lies beneath it."""
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        with contextlib.suppress(FileExistsError):
            os.mkdir(current)
    if not root.is_dir():
        raise FileNotFoundError(errno.ENOENT, "the target folder is gone", str(root))


def target_failure(root: Path, err: OSError, doing: str) -> TargetFailure:
    """A target-side OSError as the sentence that blames the target: full, gone, refused."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        free = free_bytes(root)
        room = f"{free} bytes free" if free is not None else "no space left"
        return TargetFailure(f"TARGET full: {room} on {root} while {doing}; make room there")
    if err.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.ESTALE) or not root.is_dir():
        return TargetFailure(
            f"target folder {root} is gone (while {doing}); mount the NAS or the disk again"
        )
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return TargetFailure(
            f"TARGET refused {doing}: {err.strerror} ({root}); fix the folder's permissions"
        )
    return TargetFailure(f"TARGET failed while {doing}: {err.strerror or err} ({root})")


class FolderWriter:
    """An object written at part offsets into a temporary file, linked into place on commit."""

    resumable = False  # parts are not fsynced one by one: an interrupted file starts again

    def __init__(self, target: FolderTarget, key: str, size: int, upload_id: str | None) -> None:
        self.target = target
        self.key = key
        self.size = size
        self.upload_id = upload_id or secrets.token_hex(8)
        self.temporary = target.partial_path(key, self.upload_id)
        self._fd = self._folder = -1
        self._lock = threading.Lock()
        try:
            folders_below(target.root, self.temporary.parent)
            # The temporary file is named through its folder's descriptor: a folder moved away
            # mid-write (a NAS unplugged, another mount) still loses it on abort.
            self._folder = os.open(self.temporary.parent, os.O_RDONLY | os.O_DIRECTORY)
            flags = os.O_WRONLY | os.O_CREAT
            self._fd = os.open(self.temporary.name, flags, 0o644, dir_fd=self._folder)
        except OSError as err:
            self.abort()
            raise target_failure(target.root, err, f"starting {key}") from err

    def write_part(self, number: int, data: Payload, checksum: str | None) -> PartReceipt:
        offset = (number - 1) * self.target.part_size(self.size)
        try:
            with self._lock, memoryview(data) as view:
                written = 0
                while written < len(view):  # a short write (a disk filling up) goes on
                    count = os.pwrite(self._fd, view[written:], offset + written)
                    if count == 0:
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    written += count
        except OSError as err:
            self.abort()  # nothing half-written stays behind
            raise target_failure(self.target.root, err, f"writing {self.key}") from err
        return PartReceipt(number, len(data), f"{number}", checksum)

    def commit(self, parts: list[PartReceipt], checksum: str | None) -> StoredObject:
        final = self.target.path_of(self.key)
        try:
            os.ftruncate(self._fd, self.size)
            full_fsync(self._fd)
            os.close(self._fd)
            self._fd = -1
            os.link(self.temporary, final)
        except FileExistsError as err:
            raise KeyConflict(f"{final} appeared while it was being written") from err
        except OSError as err:
            raise target_failure(self.target.root, err, f"completing {self.key}") from err
        finally:
            self.abort()  # the temporary name goes, linked into place or not
        try:
            fsync_folder(final.parent)
        except OSError as err:
            raise target_failure(self.target.root, err, f"completing {self.key}") from err
        return StoredObject(self.key, self.size, None)

    def abort(self) -> None:
        """Close and remove the temporary file, wherever its folder is now."""
        with self._lock:
            if self._fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = -1
            if self._folder >= 0:
                with contextlib.suppress(OSError):
                    os.unlink(self.temporary.name, dir_fd=self._folder)
                with contextlib.suppress(OSError):
                    os.close(self._folder)
                self._folder = -1
                return
        with contextlib.suppress(OSError):
            self.temporary.unlink()


class FolderTarget:
    """Objects are files below `root`; keys map to relative paths."""

    proven_by_read_back = True
    refuses_overwrite = True

    def __init__(
        self,
        root: Path,
        checksum: Algorithm,
        *,
        must_be_mount: bool | None = None,
        mount_prefixes: tuple[Path, ...] = MOUNT_PREFIXES,
    ) -> None:
        self.root = root
        self.checksum_algorithm: Algorithm = checksum if checksum != "md5-etag" else "off"
        self.description = f"folder {root}"
        self.mount_prefixes = mount_prefixes
        self.must_be_mount = (
            mount_expected(root, mount_prefixes) if must_be_mount is None else must_be_mount
        )

    def path_of(self, key: str) -> Path:
        path = self.root / key
        if ".." in Path(key).parts or not path.resolve().is_relative_to(self.root.resolve()):
            raise KeyConflict(f"{key!r} would leave the target folder")
        return path

    def partial_path(self, key: str, upload_id: str) -> Path:
        final = self.path_of(key)
        return final.parent / f".{final.name}.{upload_id}{_PENDING}"

    def _require_root(self) -> None:
        """The folder must exist (never created: an unmounted NAS path is the boot disk) and,
        with `must_be_mount`, lie on a mounted filesystem."""
        if not self.root.is_dir():
            raise TargetUnusable(
                f"target folder {self.root} does not exist or is not mounted; mount the NAS or "
                "create the folder"
            )
        if self.must_be_mount and mount_holding(self.root, self.mount_prefixes) is None:
            raise TargetUnusable(
                f"target folder {self.root} is not on a mounted volume (must_be_mount): mount "
                "the NAS or disk there, or set [target] must_be_mount = false if this folder "
                "really is the storage"
            )

    def check(self) -> None:
        self._require_root()
        probe = self.root / f".rollkeeper-write-test-{secrets.token_hex(4)}"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as err:
            with contextlib.suppress(OSError):
                probe.unlink()
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
        except OSError as err:
            raise target_failure(self.root, err, f"looking up {key}") from err
        return StoredObject(key, info.st_size, None)

    def list_objects(self, prefix: str) -> Iterator[StoredObject]:
        """The files below the folder of `prefix` (a key prefix up to a `/`), without our own
        temporaries; the "ETag" is `<mtime_ns>:<inode>`, which any rewrite changes."""
        self._require_root()
        folder = prefix.rpartition("/")[0]
        base = self.root / folder if folder else self.root
        if not base.is_dir():
            return
        for directory, _folders, names in os.walk(base, onerror=_raise):
            for name in sorted(names):
                if name.endswith(_PENDING):
                    continue
                path = Path(directory) / name
                key = path.relative_to(self.root).as_posix()
                if not key.startswith(prefix):
                    continue
                try:
                    info = path.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue  # removed while listed: not there
                token = f"{info.st_mtime_ns}:{info.st_ino}"
                yield StoredObject(key, info.st_size, None, etag=token)

    def put(
        self, key: str, data: Payload, checksum: str | None, metadata: dict[str, str]
    ) -> StoredObject:
        writer = self.open_writer(key, len(data), metadata, None)
        try:
            receipt = writer.write_part(1, data, checksum)
            return writer.commit([receipt], checksum)
        finally:
            writer.abort()

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
        try:
            return self.path_of(key).open("rb")
        except OSError as err:
            raise target_failure(self.root, err, f"reading {key}") from err

    def read_back(self, key: str) -> ReadBack:
        digest = xxhash.xxh64()
        checksum = ObjectChecksum(self.checksum_algorithm)
        size = 0
        try:
            with self.path_of(key).open("rb", buffering=0) as handle:
                while chunk := handle.read(CHUNK_SIZE):
                    digest.update(chunk)
                    checksum.update(chunk)
                    size += len(chunk)
        except OSError as err:
            raise target_failure(self.root, err, f"reading back {key}") from err
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


def _raise(error: OSError) -> None:
    """A folder that cannot be listed cannot be checked: say so, never take it as empty."""
    raise TargetUnusable(f"cannot list {error.filename}: {error.strerror or error}") from error
