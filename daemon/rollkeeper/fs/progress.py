"""Progress reporting for long reads: a protocol the hashing workers call, and a terminal bar."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

    from rollkeeper.fs.throttle import TokenBucket


class Progress(Protocol):
    """Receives progress from hashing workers; every method may be called from several threads."""

    def begin(self, total_bytes: int, total_files: int) -> None: ...
    def file_started(self, path: str) -> None: ...
    def advance(self, count: int) -> None: ...
    def end(self) -> None: ...


class NoProgress:
    """A Progress that shows nothing (JSON output, pipes, the daemon)."""

    def begin(self, total_bytes: int, total_files: int) -> None:
        pass

    def file_started(self, path: str) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def end(self) -> None:
        pass


class TerminalProgress:
    """A progress bar on a terminal: bytes, rate, ETA and the file being read."""

    def __init__(self, console: Console, verb: str = "Verifying") -> None:
        # Imported here: rich costs every start-up ~40 ms, and JSON output or a pipe needs no bar.
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )
        from rich.progress import Progress as RichProgressBar

        self._bar = RichProgressBar(
            TextColumn(f"{verb} [bold]{{task.fields[current]}}", justify="left"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None
        self._lock = threading.Lock()

    def begin(self, total_bytes: int, total_files: int) -> None:
        self._bar.start()
        self._task = self._bar.add_task("hash", total=total_bytes, current=f"{total_files} files")

    def file_started(self, path: str) -> None:
        if self._task is not None:
            with self._lock:
                self._bar.update(self._task, current=_shorten(path))

    def advance(self, count: int) -> None:
        if self._task is not None:
            with self._lock:
                self._bar.advance(self._task, count)

    def end(self) -> None:
        self._bar.stop()


def _shorten(path: str, width: int = 40) -> str:
    return path if len(path) <= width else "…" + path[-(width - 1) :]


class Throttled:
    """Wraps a Progress so that every chunk read also pays into a shared read-rate limit."""

    def __init__(self, inner: Progress, bucket: TokenBucket) -> None:
        self._inner = inner
        self._bucket = bucket

    def begin(self, total_bytes: int, total_files: int) -> None:
        self._inner.begin(total_bytes, total_files)

    def file_started(self, path: str) -> None:
        self._inner.file_started(path)

    def advance(self, count: int) -> None:
        self._bucket.take(count)
        self._inner.advance(count)

    def end(self) -> None:
        self._inner.end()
