"""Filesystem change notification for one volume: native events where they work, polling else.

Events only say "look again soon"; the periodic full rescan is the safety net, since FSEvents can
drop events and inotify can overflow. Reads (our own verification) raise no events that count.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
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

from daemon.errors import EnvironmentProblem

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

INOTIFY_HINT = (
    "the Linux inotify watch limit is reached, so changes on {path} cannot be watched natively; "
    "raise it with `sudo sysctl fs.inotify.max_user_watches=1048576` (persist it in "
    "/etc/sysctl.d/90-rollkeeper.conf); rollkeeper polls this volume meanwhile"
)


class _Forward(FileSystemEventHandler):
    def __init__(self, on_change: Callable[[str], None]) -> None:
        self._on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _CHANGES:
            self._on_change(str(event.src_path))


class VolumeWatcher:
    """Calls `on_change(path)` from a background thread whenever something below `path` changes."""

    def __init__(
        self, path: Path, *, polling: bool, poll_interval: float, on_change: Callable[[str], None]
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

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
