"""Faults injected into a real running daemon: a pause (the process stopped, as a sleeping cart
or a frozen VM stops it), a file that keeps growing, a kill in the middle of a reader's work.

Shared by the specifications of every issue that proves behaviour under faults."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def paused(process: subprocess.Popen[str]) -> Iterator[None]:
    """The daemon stopped (SIGSTOP) for the body of the `with`, continued (SIGCONT) after it."""
    os.kill(process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(process.pid, signal.SIGCONT)


class GrowingFile:
    """A file appended to in the background, `step` bytes every `every` seconds, until it holds
    `content` whole: an offload still running, slowly but never stalled."""

    def __init__(self, path: Path, content: bytes, *, step: int, every: float) -> None:
        self.path = path
        self.content = content
        self.step = step
        self.every = every
        self._thread = threading.Thread(target=self._grow, daemon=True)

    def start(self, already: int = 0) -> GrowingFile:
        self.path.write_bytes(self.content[:already])
        self._thread.start()
        return self

    def _grow(self) -> None:
        size = self.path.stat().st_size
        while size < len(self.content):
            time.sleep(self.every)
            with self.path.open("ab") as handle:
                handle.write(self.content[size : size + self.step])
            size = min(size + self.step, len(self.content))

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"{self.path} did not finish growing"
