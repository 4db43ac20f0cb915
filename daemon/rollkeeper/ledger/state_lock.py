"""The state folder's lock: one running daemon per state folder."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from rollkeeper.core.errors import EnvironmentProblem

LOCK_FILE = "rollkeeper.lock"


class StateLock:
    """One running daemon per state folder: an exclusive lock held for the process's lifetime."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise EnvironmentProblem(
                f"the lock file {self.path} cannot be opened ({err.strerror or err}): let the "
                "user running rollkeeper write it and the state folder"
            ) from err
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise EnvironmentProblem(
                f"another rollkeeper (pid {holder}) is already running with the state folder "
                f"{self.path.parent}; stop it first, or give this one its own [state] dir"
            ) from err
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
