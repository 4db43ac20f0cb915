"""One file of a roll on its way to the target: what its MHL expects, and what became of it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.verify import FileResult
from rollkeeper.transfer.checkpoints import UploadState
from rollkeeper.transfer.targets import StoredObject


@dataclass(slots=True)
class FileTransfer:
    """One file of the roll: what the MHL expects, and what happened to it."""

    path: str
    source: Path
    key: str
    size: int
    result: FileResult  # the verification verdict, filled in by the same pass
    state: UploadState = UploadState.UPLOADING
    stored: StoredObject | None = None
    local_checksum: str | None = None
    xxh64: str | None = None
    proof: str | None = None
    detail: str | None = None
    resent_bytes: int = 0

    def metadata(self) -> dict[str, str]:
        """What the stored object carries beside its bytes: the file's xxh64, as the MHL has it."""
        expected = self.result.expected.get(HashKind.XXH64) or self.xxh64
        return {"xxh64": expected} if expected else {}


class PassAborted(Exception):
    """Stops one file's pass (the MHL did not match, or the key is taken); its state says why."""


def source_identity(path: Path) -> tuple[int, int, int]:
    """(size, mtime_ns, inode): evidence that a source is unchanged since it was read."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns, info.st_ino
