"""What the parts of the daemon's loop share.

The configuration, the open ledger (the loop's thread is its only writer), the event that wakes
the loop, what the scans remember (volumes and roll-copy trackers), and what was recorded since
the drives were last judged.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rollkeeper.config.schema import Config
from rollkeeper.ledger.routing import routes_for
from rollkeeper.ledger.store import Ledger
from rollkeeper.runtime.trackers import CopyTracker, VolumeState


@dataclass(slots=True)
class ClearanceNotes:
    """What the loop recorded that drives' verdicts rest on, since judging last began.

    `dirty` asks for the drives to be judged again. A judgment made on another thread is
    recorded only if nothing it rests on (its drive, or a roll on it) was noted meanwhile:
    otherwise it may be stale, and the drive is judged again instead.
    """

    dirty: bool = True
    rolls: set[str] = field(default_factory=set)
    volumes: set[int] = field(default_factory=set)

    def note(self, *, rolls: Iterable[str] = (), volume: int | None = None) -> None:
        """Something about these rolls (or this drive) was recorded."""
        self.dirty = True
        self.rolls.update(rolls)
        if volume is not None:
            self.volumes.add(volume)

    def begin(self) -> None:
        """Judging begins: what is noted from now on makes its judgments stale."""
        self.dirty = False
        self.rolls.clear()
        self.volumes.clear()

    def touch(self, volume: int, rolls: Iterable[str]) -> bool:
        """Was anything about this drive or these rolls noted since judging began?"""
        return volume in self.volumes or not self.rolls.isdisjoint(rolls)


class LoopContext:
    """The loop's shared state; the ledger is open between `open_ledger` and `close_ledger`."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.state_dir: Path = config.state.resolved_dir()
        self.wake = threading.Event()
        self.volumes: dict[str, VolumeState] = {}
        self.trackers: dict[tuple[str, str], CopyTracker] = {}
        self.clearance = ClearanceNotes()
        self._ledger: Ledger | None = None

    @property
    def ledger(self) -> Ledger:
        """The open ledger."""
        if self._ledger is None:
            raise RuntimeError("the service is not open")
        return self._ledger

    @property
    def is_open(self) -> bool:
        return self._ledger is not None

    def open_ledger(self) -> Ledger:
        """Open the ledger, every event it records routed to the configured channels."""
        self._ledger = Ledger.in_state_dir(self.state_dir, routes=routes_for(self.config.notify))
        return self._ledger

    def close_ledger(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None

    def wake_up(self, *_: object) -> None:
        """Wake the loop (also usable as a future's done callback)."""
        self.wake.set()
