"""Filesystem change notification for one volume: native events where they work, polling else.

Each event names the path that changed, so the daemon looks again at just that part of the volume;
the periodic full rescan is the safety net, since FSEvents can drop events and inotify can
overflow. An inotify queue overflow is reported as a change of everything (`Change(None)`), so the
volume is walked again at once. Reads (our own verification) raise no events that count.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from rollkeeper.core.errors import EnvironmentProblem

#: Event types that mean something on disk changed (opened / closed-without-write do not).
_CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})
#: Asked of the OS up front: without a filter inotify also reports every folder opened and
#: closed, so our own scans flood its queue, it overflows, and watchdog re-walks the whole
#: volume re-adding watches, which floods it again (a core's worth of idle CPU on big volumes).
CHANGE_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]

#: watchdog 7.1 warns whenever a folder appears while the watches of its parent are still being
#: added (a copy in progress): the watch is kept and right, but the message holds the repr of the
#: whole watch group, megabytes on a big volume, and would flood the daemon's log.
warnings.filterwarnings(
    "ignore", message="Callback with id .* already exists for watch", category=RuntimeWarning
)

INOTIFY_HINT = (
    "the Linux inotify watch limit is reached, so changes on {path} cannot be watched natively; "
    "raise it with `sudo sysctl fs.inotify.max_user_watches=1048576` (persist it in "
    "/etc/sysctl.d/90-rollkeeper.conf); rollkeeper polls this volume meanwhile"
)


@dataclass(frozen=True, slots=True)
class Change:
    """What an event says changed: an absolute path below the watched folder, or None when
    events were lost (an inotify queue overflow) and anything may have changed."""

    path: str | None


class _Forward(FileSystemEventHandler):
    def __init__(self, on_change: Callable[[Change], None]) -> None:
        self._on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGES:
            return
        self._on_change(Change(os.fsdecode(event.src_path)))
        if event.dest_path:  # a move changes both ends; either may be a roll
            self._on_change(Change(os.fsdecode(event.dest_path)))


class _OverflowAlarm(logging.Handler):
    """Turns watchdog's "Inotify queue overflowed" warning into `Change(None)` for every native
    watcher: watchdog re-adds its watches but tells no handler that events were lost."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.listeners: dict[int, Callable[[Change], None]] = {}
        self.guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" not in str(record.msg).lower():
            return
        with self.guard:
            listeners = list(self.listeners.values())
        for listener in listeners:
            listener(Change(None))


_OVERFLOW = _OverflowAlarm()
#: Where watchdog's inotify layer reports a queue overflow.
_INOTIFY_LOGGER = "watchdog.observers.inotify_c"


def _listen_for_overflow(key: int, on_change: Callable[[Change], None] | None) -> None:
    with _OVERFLOW.guard:
        if on_change is None:
            _OVERFLOW.listeners.pop(key, None)
        else:
            _OVERFLOW.listeners[key] = on_change
    logger = logging.getLogger(_INOTIFY_LOGGER)
    if _OVERFLOW not in logger.handlers:
        logger.addHandler(_OVERFLOW)


def overflowed() -> None:
    """What watchdog's inotify layer does on a queue overflow, for tests: log its warning."""
    logging.getLogger(_INOTIFY_LOGGER).warning(
        "Inotify queue overflowed; filesystem events were lost"
    )


class VolumeWatcher:
    """Calls `on_change(Change)` from a background thread whenever something below `path`
    changes (with `Change(None)` when changes were lost)."""

    def __init__(
        self,
        path: Path,
        *,
        polling: bool,
        poll_interval: float,
        on_change: Callable[[Change], None],
    ) -> None:
        self.path = path
        self.polling = polling
        self._poll_interval = poll_interval
        self._on_change = on_change
        self._observer: BaseObserver | None = None

    @property
    def kind(self) -> str:
        return "polling" if self.polling else "native events"

    def start(self) -> None:
        """Start watching; raises EnvironmentProblem (with the fix) when the OS refuses."""
        observer: BaseObserver = (
            PollingObserver(timeout=self._poll_interval) if self.polling else Observer()
        )
        observer.schedule(
            _Forward(self._on_change), str(self.path), recursive=True, event_filter=CHANGE_EVENTS
        )
        try:
            observer.start()
        except OSError as err:
            if err.errno in (errno.ENOSPC, errno.EMFILE):
                raise EnvironmentProblem(INOTIFY_HINT.format(path=self.path)) from err
            raise EnvironmentProblem(f"cannot watch {self.path}: {err.strerror or err}") from err
        self._observer = observer
        if not self.polling:
            _listen_for_overflow(id(self), self._on_change)

    def stop(self) -> None:
        _listen_for_overflow(id(self), None)
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
