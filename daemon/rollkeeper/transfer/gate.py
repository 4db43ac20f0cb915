"""Whether uploads may go on: open, paused by a person (`rollkeeper pause`), or halted because
the daemon is stopping.

The pipeline asks the gate before each file and before each part (`UploadGate.check`): a pause
or a stop takes effect at the next part boundary, never in the middle of a part's bytes. A
halt also cuts short every wait for bandwidth, so a throttled upload stops at once.
"""

from __future__ import annotations

import threading

from rollkeeper.core.errors import RollkeeperError


class UploadHalted(RollkeeperError):
    """The daemon is stopping: the pass ends here; what was sent stays checkpointed."""


class UploadPaused(RollkeeperError):
    """Uploads are paused: the pass's upload ends at this part boundary (its parts stay
    checkpointed), the rest of the roll is verified without it, and the roll waits."""


class UploadGate:
    """Shared by the loop (which opens, pauses and halts it) and the upload threads (which
    check it); thread-safe."""

    def __init__(self) -> None:
        self._halted = threading.Event()
        self._lock = threading.Lock()
        self._paused: str | None = None  # why, in a sentence (None: not paused)

    def halt(self) -> None:
        """The daemon stops: every pass ends at its next part boundary, for good."""
        self._halted.set()

    @property
    def halted(self) -> bool:
        return self._halted.is_set()

    def pause(self, reason: str) -> None:
        """Uploads stop at the next part boundary until `resume`; `reason` says why and till
        when."""
        with self._lock:
            self._paused = reason

    def resume(self) -> None:
        with self._lock:
            self._paused = None

    @property
    def paused(self) -> str | None:
        """Why uploads are paused, or None."""
        with self._lock:
            return self._paused

    def check(self) -> None:
        """Raise UploadHalted or UploadPaused if the pass must not send another part."""
        if self._halted.is_set():
            raise UploadHalted("the daemon is stopping")
        reason = self.paused
        if reason is not None:
            raise UploadPaused(reason)

    def sleep(self, seconds: float) -> None:
        """A wait for bandwidth that a halt cuts short."""
        self._halted.wait(seconds)
