"""The fs-copy archive provider: a copy in an archive folder, proven by reading it back."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import xxhash

from rollkeeper.archive.copies import check_copies
from rollkeeper.archive.model import (
    ArchiveReport,
    ArchiveRoll,
    ArchiveState,
    StoredRecord,
    archive_key,
)
from rollkeeper.config.sections import ArchiveSettings, TargetSettings
from rollkeeper.fs.durable import fsync_folder, full_fsync
from rollkeeper.mhl.hashing import CHUNK_SIZE
from rollkeeper.transfer.targets import Target


class FolderArchive:
    """Archived when every file is in the archive folder and hashes right when read back."""

    name = "fs-copy"
    where = "archive folder"

    def __init__(self, settings: ArchiveSettings, target: TargetSettings, primary: Target) -> None:
        assert settings.path is not None  # noqa: S101 - the schema requires it
        self.root = settings.path
        self.settings = settings
        self.target = target
        self.primary = primary

    def preflight(self) -> str | None:
        if not self.root.is_dir():
            return f"archive folder {self.root} does not exist or is not mounted"
        return None

    def _path(self, key: str) -> Path:
        return self.root / archive_key(key, self.target.prefix, self.settings.prefix)

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        if not self.root.is_dir():
            report = ArchiveReport()
            for record in roll.objects:
                report.note(record, ArchiveState.PENDING)
            report.reasons.append(f"archive folder {self.root} is not mounted")
            return report
        return check_copies(roll, self, self.settings.make_copy)

    def find(self, record: StoredRecord) -> Path | None:
        path = self._path(record.key)
        return path if path.exists() else None

    def differs(self, record: StoredRecord, found: Path) -> str | None:
        size, digest = _read_back(found)
        if size != record.size or (record.xxh64 and digest != record.xxh64):
            return (
                f"{size} bytes, xxh64 {digest} (uploaded: {record.size} bytes, xxh64 "
                f"{record.xxh64})"
            )
        return None

    def make(self, record: StoredRecord) -> None:
        path = self._path(record.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.rollkeeper-archiving"
        try:
            with self.primary.open_read(record.key) as stream, temporary.open("wb") as out:
                while chunk := stream.read(CHUNK_SIZE):
                    out.write(chunk)
                out.flush()
                full_fsync(out.fileno())
            os.link(temporary, path)  # never replaces anything already there
            fsync_folder(path.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


def _read_back(path: Path) -> tuple[int, str]:
    digest = xxhash.xxh64()
    size = 0
    with path.open("rb", buffering=0) as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
