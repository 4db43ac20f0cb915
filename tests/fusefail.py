"""A read-only FUSE pass-through whose reads fail on demand: a real failing read (EIO from the
kernel) for the daemon, as a card reader or a dying drive gives one.

`FailingFolder(source, mountpoint)` mounts `source` at `mountpoint` (libfuse 2 through mfusepy;
root mounts without fusermount); every read of a file whose path contains one of `failing` is
answered EIO. It runs in a thread of the test process; `unmount()` ends it. Where FUSE is not
available (`usable()` says why), the tests that need it are skipped, saying so.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

_STAT_KEYS = ("st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_size",
              "st_uid", "st_ino")  # fmt: skip


def usable() -> str | None:
    """Why a FUSE mount cannot be made here (None: it can)."""
    if not Path("/dev/fuse").exists():
        return "no /dev/fuse"
    try:
        import mfusepy  # noqa: F401
    except (ImportError, OSError) as err:  # OSError: libfuse itself is missing
        return f"mfusepy or libfuse is not installed ({err})"
    if os.geteuid() != 0 and shutil.which("fusermount") is None:
        return "not root and no fusermount"
    return None


def _operations(root: Path, failing: set[str]) -> Any:
    import mfusepy as fuse

    class FailingPassThrough(fuse.Operations):  # type: ignore[misc]
        use_ns = True

        def _real(self, path: str) -> str:
            return str(root / path.lstrip("/"))

        def getattr(self, path: str, fh: int | None = None) -> dict[str, Any]:
            status = os.lstat(self._real(path))
            return {key: getattr(status, key) for key in _STAT_KEYS}

        def readdir(self, path: str, fh: int) -> list[str]:
            return [".", "..", *os.listdir(self._real(path))]

        def open(self, path: str, flags: int) -> int:
            return os.open(self._real(path), flags)

        def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
            if any(name in path for name in failing):
                raise fuse.FuseOSError(errno.EIO)
            return os.pread(fh, size, offset)

        def release(self, path: str, fh: int) -> int:
            os.close(fh)
            return 0

    return FailingPassThrough()


class FailingFolder:
    """`source` seen read-only at `mountpoint`, its reads failing for the names in `failing`."""

    def __init__(self, source: Path, mountpoint: Path) -> None:
        self.source, self.mountpoint = source, mountpoint
        self.failing: set[str] = set()
        self._thread: threading.Thread | None = None

    def mount(self) -> FailingFolder:
        import mfusepy as fuse

        self.mountpoint.mkdir(parents=True, exist_ok=True)
        operations = _operations(self.source, self.failing)
        self._thread = threading.Thread(
            target=lambda: fuse.FUSE(operations, str(self.mountpoint), foreground=True, ro=True),
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not os.path.ismount(self.mountpoint) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not os.path.ismount(self.mountpoint):
            raise RuntimeError(f"the FUSE mount at {self.mountpoint} did not come up")
        return self

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.mountpoint)], check=False, capture_output=True)
        if self._thread is not None:
            self._thread.join(timeout=5)
