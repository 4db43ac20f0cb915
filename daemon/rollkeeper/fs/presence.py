"""Whether the daemon is running: a small file in the state folder that its loop keeps fresh.

`status` reads it to say "daemon running (pid …, since …)" or when the daemon was last seen, so
that a verdict on screen is never taken for a live one after the daemon stopped or crashed.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from rollkeeper.fs.durable import replace_file

PRESENCE_FILE = "daemon.json"
#: The loop refreshes the file this often (seconds); one not refreshed for three beats is a
#: daemon gone (killed, frozen or crashed), whatever its process id says.
HEARTBEAT = 30.0
STALE_AFTER = timedelta(seconds=3 * HEARTBEAT)


@dataclass(frozen=True, slots=True)
class Presence:
    """The daemon as it last said: its process, when it started, when its loop last turned,
    and when it stopped (None while it runs). Times are ISO 8601 in UTC."""

    pid: int
    started_at: str
    seen_at: str
    stopped_at: str | None = None
    config_rejected: str | None = None  # why the last reload (SIGHUP) was refused

    def seen(self, at: str) -> Presence:
        return replace(self, seen_at=at)

    def stopped(self, at: str) -> Presence:
        return replace(self, seen_at=at, stopped_at=at)

    def running(self, now: datetime) -> bool:
        """Not stopped, its process alive, and its loop seen within `STALE_AFTER`."""
        if self.stopped_at is not None or not _alive(self.pid):
            return False
        return now - datetime.fromisoformat(self.seen_at) <= STALE_AFTER


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # a process of another user: alive
    except OSError:
        return False
    return True


def write_presence(state_dir: Path, presence: Presence) -> None:
    """Replace the presence file atomically (a reader never sees half of one)."""
    replace_file(state_dir / PRESENCE_FILE, json.dumps(asdict(presence)).encode())


def read_presence(state_dir: Path) -> Presence | None:
    """The presence the daemon last wrote; None when it never ran here (or the file is not
    one of ours: then nothing is claimed about it)."""
    try:
        data = json.loads((state_dir / PRESENCE_FILE).read_text(encoding="utf-8"))
        stopped = data.get("stopped_at")
        return Presence(
            pid=int(data["pid"]),
            started_at=_moment(data["started_at"]),
            seen_at=_moment(data["seen_at"]),
            stopped_at=None if stopped is None else _moment(stopped),
            config_rejected=_text(data.get("config_rejected")),
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _moment(value: object) -> str:
    """An ISO 8601 time with its zone, as written; anything else is not ours (ValueError)."""
    if not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is None:
        raise ValueError(f"not a time with its zone: {value!r}")
    return value
