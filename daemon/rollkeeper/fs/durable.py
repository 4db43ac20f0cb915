"""Durable file writes: temporary name, fsync, then link or rename, then fsync the folder.

A crash at any instant leaves either the old file or the complete new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from pathlib import Path


def full_fsync(fd: int) -> None:
    """fsync that reaches the platter: macOS needs F_FULLFSYNC for that, Linux's fsync does it."""
    full = getattr(fcntl, "F_FULLFSYNC", None)
    if full is not None:
        try:
            fcntl.fcntl(fd, full)
        except OSError:
            os.fsync(fd)  # some filesystems (e.g. network shares) refuse F_FULLFSYNC
        return
    os.fsync(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename or link inside `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temporary(folder: Path, stem: str, data: bytes) -> Path:
    temporary = folder / f".{stem}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
        full_fsync(fd)
    finally:
        os.close(fd)
    return temporary


def write_new_file(path: Path, data: bytes) -> None:
    """Create `path` with `data` durably; fails with FileExistsError rather than overwrite."""
    temporary = _write_temporary(path.parent, path.name, data)
    try:
        os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    fsync_folder(path.parent)


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` durably, atomically replacing what was there."""
    temporary = _write_temporary(path.parent, path.name, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    fsync_folder(path.parent)
