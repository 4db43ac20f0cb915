"""Keeping the cart awake while rolls verify or upload (`[service] prevent_sleep`).

While the loop has work in flight a child process holds an idle-sleep inhibitor, and it is
ended when the work is done: `systemd-inhibit --what=idle:sleep --mode=block` on Linux (logind),
`caffeinate -i -w PID` on macOS. The held command is `tail --pid=PID -f /dev/null` (Linux), so a
daemon killed outright still lets the cart sleep. A missing tool, or one that cannot hold the
lock, is logged once: never fatal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable

import structlog

from rollkeeper.core.words.service import inhibitor_missing

log = structlog.get_logger("rollkeeper")

WHY = "rollkeeper: rolls are being verified or uploaded"


def inhibit_command(platform: str, pid: int) -> list[str] | None:
    """The command that keeps this platform awake while it runs (None: none known here)."""
    if platform == "darwin":
        return ["caffeinate", "-i", "-w", str(pid)]
    if platform.startswith("linux"):
        return [
            "systemd-inhibit", "--what=idle:sleep", "--who=rollkeeper", f"--why={WHY}",
            "--mode=block", "tail", f"--pid={pid}", "-f", "/dev/null",
        ]  # fmt: skip
    return None


class SleepInhibitor:
    """Holds the inhibitor while `hold(True)` is said, releases it at `hold(False)`."""

    def __init__(
        self,
        enabled: bool,
        *,
        platform: str = sys.platform,
        which: Callable[[str], str | None] = shutil.which,
    ) -> None:
        self.command = inhibit_command(platform, os.getpid()) if enabled else None
        self.which = which
        self.child: subprocess.Popen[bytes] | None = None
        self._tried = False  # held (or tried) in this busy spell: not started again in it
        self._said: set[str] = set()

    def hold(self, busy: bool) -> None:
        """Hold the inhibitor while `busy`, release it when not. One that ends on its own
        (logind not there, say) is logged once and not tried again until the next busy spell."""
        if self.child is not None and self.child.poll() is not None:
            reason = f"{self.command[0] if self.command else 'the inhibitor'} ended on its own"
            self._once("died", f"cannot keep the cart awake: {reason}", code=self.child.returncode)
            self.child = None
        if busy and not self._tried:
            self._tried = True
            self._start()
        elif not busy:
            self._tried = False
            self.release()

    def _start(self) -> None:
        if self.command is None:
            return
        tool = self.which(self.command[0])
        if tool is None:
            self._once("missing", inhibitor_missing(self.command[0]))
            return
        try:
            self.child = subprocess.Popen(
                [tool, *self.command[1:]],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C on the terminal is the daemon's to handle
            )
        except OSError as err:
            self._once("failed", f"cannot keep the cart awake: {tool}: {err.strerror or err}")
            return
        log.debug("sleep.inhibited", pid=self.child.pid)

    def release(self) -> None:
        child, self.child = self.child, None
        if child is None:
            return
        child.terminate()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        log.debug("sleep.released")

    def _once(self, key: str, message: str, **facts: object) -> None:
        if key not in self._said:
            self._said.add(key)
            log.warning(message, **facts)
