"""The daemon's presence in its state folder: said at start, refreshed by the loop, and
withdrawn at a clean stop (`fs.presence`), so that `status` can tell a live daemon from the
verdicts of one that is gone."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import structlog

from rollkeeper.fs.presence import HEARTBEAT, Presence, write_presence
from rollkeeper.ledger.connection import now_iso

log = structlog.get_logger("rollkeeper")


class Heartbeat:
    """Writes the presence file: at `start`, at most every `HEARTBEAT` seconds from the loop's
    `beat`, and at `stop`. A failed write is logged, never fatal: it proves nothing lost."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.presence: Presence | None = None
        self._last = 0.0

    def start(self) -> None:
        at = now_iso()
        self._write(Presence(pid=os.getpid(), started_at=at, seen_at=at))

    def beat(self) -> None:
        if self.presence is not None and time.monotonic() - self._last >= HEARTBEAT:
            self._write(self.presence.seen(now_iso()))

    def config_rejected(self, reason: str | None) -> None:
        """Why the last reload was refused (None: it was applied), written at once so that
        `status` shows it until a reload succeeds."""
        if self.presence is not None and self.presence.config_rejected != reason:
            self._write(replace(self.presence, config_rejected=reason))

    def stop(self) -> None:
        if self.presence is not None:
            self._write(self.presence.stopped(now_iso()))
            self.presence = None

    def _write(self, presence: Presence) -> None:
        self.presence, self._last = presence, time.monotonic()
        try:
            write_presence(self.state_dir, presence)
        except OSError as err:
            log.warning("daemon.presence_not_written", path=str(self.state_dir), error=str(err))
