"""Watching one volume: events for real changes, and the inotify limit explained."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

import pytest

from daemon.errors import EnvironmentProblem
from daemon.watch import VolumeWatcher


@pytest.mark.parametrize("polling", [False, True])
def test_a_new_file_is_reported(tmp_path: Path, polling: bool) -> None:
    seen = threading.Event()
    watcher = VolumeWatcher(
        tmp_path, polling=polling, poll_interval=0.1, on_change=lambda _path: seen.set()
    )
    watcher.start()
    try:
        (tmp_path / "clip.mov").write_bytes(b"x")
        assert seen.wait(timeout=10)
    finally:
        watcher.stop()


def test_reading_a_file_is_not_a_change(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mov"
    clip.write_bytes(b"x" * 1000)
    changes: list[str] = []
    marker_seen = threading.Event()

    def record(path: str) -> None:
        changes.append(path)
        if path.endswith("marker"):
            marker_seen.set()

    watcher = VolumeWatcher(tmp_path, polling=False, poll_interval=0.1, on_change=record)
    watcher.start()
    try:
        for _ in range(5):
            clip.read_bytes()  # our own verification reads like this
        (tmp_path / "marker").write_bytes(b"")  # events arrive in order: the reads came before
        assert marker_seen.wait(timeout=10)
    finally:
        watcher.stop()
    assert not any(c.endswith("clip.mov") for c in changes)


def test_the_inotify_watch_limit_becomes_a_message_with_the_sysctl_to_raise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limit is a machine-wide setting tests must not exhaust; provoke its error instead.
    from watchdog.observers import Observer

    def refuse(self: object) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(Observer, "start", refuse)
    watcher = VolumeWatcher(tmp_path, polling=False, poll_interval=1, on_change=lambda _p: None)

    with pytest.raises(EnvironmentProblem) as raised:
        watcher.start()

    message = str(raised.value)
    assert "inotify watch limit" in message
    assert "sysctl fs.inotify.max_user_watches=" in message
    assert str(tmp_path) in message
