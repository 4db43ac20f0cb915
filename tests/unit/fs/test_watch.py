"""Watching one volume: events for real changes, and the inotify limit explained."""

from __future__ import annotations

import errno
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rollkeeper.core.errors import EnvironmentProblem
from rollkeeper.fs.watch import Change, VolumeWatcher, overflowed


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

    def record(change: Change) -> None:
        changes.append(str(change.path))
        if str(change.path).endswith("marker"):
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


def test_an_event_names_the_path_that_changed(tmp_path: Path) -> None:
    seen: list[Change] = []
    arrived = threading.Event()

    def record(change: Change) -> None:
        seen.append(change)
        arrived.set()

    watcher = VolumeWatcher(tmp_path, polling=False, poll_interval=0.1, on_change=record)
    watcher.start()
    try:
        (tmp_path / "clip.mov").write_bytes(b"x")
        assert arrived.wait(timeout=10)
    finally:
        watcher.stop()
    assert Change(str(tmp_path / "clip.mov")) in seen


def test_a_move_is_reported_at_both_ends(tmp_path: Path) -> None:
    (tmp_path / "A001").mkdir()
    seen: list[Change] = []
    arrived = threading.Event()

    def record(change: Change) -> None:
        seen.append(change)
        if change.path == str(tmp_path / "A002"):
            arrived.set()

    watcher = VolumeWatcher(tmp_path, polling=False, poll_interval=0.1, on_change=record)
    watcher.start()
    try:
        (tmp_path / "A001").rename(tmp_path / "A002")
        assert arrived.wait(timeout=10)
    finally:
        watcher.stop()
    assert Change(str(tmp_path / "A001")) in seen


def test_an_inotify_queue_overflow_is_reported_as_a_change_of_everything(tmp_path: Path) -> None:
    seen: list[Change] = []
    watcher = VolumeWatcher(tmp_path, polling=False, poll_interval=0.1, on_change=seen.append)
    watcher.start()
    try:
        overflowed()  # what watchdog says when the kernel dropped events
    finally:
        watcher.stop()
    assert Change(None) in seen


def test_a_stopped_watcher_hears_of_no_overflow(tmp_path: Path) -> None:
    seen: list[Change] = []
    watcher = VolumeWatcher(tmp_path, polling=False, poll_interval=0.1, on_change=seen.append)
    watcher.start()
    watcher.stop()
    overflowed()
    assert Change(None) not in seen


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


_WARN_TWICE = """
import warnings
import rollkeeper.fs.watch
warnings.warn("Callback with id 'x' already exists for watch <Watch: wd=7>. It will be "
              "Overwritten.", RuntimeWarning)
warnings.warn("any other runtime warning", RuntimeWarning)
"""


def test_watchdogs_overwritten_callback_warning_does_not_reach_the_daemons_stderr() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WARN_TWICE], capture_output=True, text=True, check=True
    )
    assert "any other runtime warning" in done.stderr
    assert "Callback with id" not in done.stderr
