"""Specification: `rollkeeper status --watch` shows, refreshed in place on a terminal, the rolls in
flight, recent problems and every drive with whether it may be erased — the same status document
`status` builds — and plain snapshots, one per interval, when stdout is not a terminal; Ctrl-C
leaves it with exit 0.

The ledger is made by a real daemon pass (`run --once` on a rotation drive uploading to a folder
target); the terminal is a real pseudo-terminal (the stdlib `pty`).
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders import clip
from tests.integration.daemon_harness import A001, make_roll, run_cli, write_config

FILES = {"Clips/A001C001.mov": clip(1, 5000), "Clips/A001C002.mov": clip(2, 3000)}
#: Only a guard against a hang: the tests wait for what they read, never for a time.
HANG_GUARD = 60.0


@pytest.fixture
def cart(tmp_path: Path) -> Path:
    """A rotation drive whose one roll a real daemon pass verified and uploaded (so the drive
    may be erased); returns the configuration."""
    shuttle = tmp_path / "Volumes" / "SHUTTLE_01"
    shuttle.mkdir(parents=True)
    (tmp_path / "store").mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(shuttle), "rotation")],
        settle=0.0,
        extra=f'[clearance]\nmin_onset_copies = 1\n[target]\npath = "{tmp_path / "store"}"\n',
    )
    make_roll(shuttle, A001, FILES)
    done = run_cli("run", "--once", "--wait", "0", "--config", str(config))
    assert done.returncode == 0, done.stdout + done.stderr
    return config


def _read_until(fd: int, wanted: list[str]) -> str:
    """What the terminal shows, read until every `wanted` text appeared."""
    seen = b""
    deadline = time.monotonic() + HANG_GUARD
    while not all(text.encode() in seen for text in wanted):
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
    return seen.decode(errors="replace")


def _drain(fd: int) -> None:
    try:
        while select.select([fd], [], [], 0.5)[0] and os.read(fd, 65536):
            pass
    except OSError:
        return


def test_the_live_view_on_a_terminal_shows_the_drive_verdict_and_the_roll_and_ctrl_c_exits_0(
    cart: Path,
) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "40"}
    command = [sys.executable, "-m", "rollkeeper", "status", "--watch", "--interval", "0.3",
               "--config", str(cart)]  # fmt: skip
    pid, fd = pty.fork()
    if pid == 0:  # the child: rollkeeper on the pseudo-terminal
        os.execvpe(command[0], command, env)  # noqa: S606 - a fixed argv, no shell
    try:
        wanted = ["MAY BE ERASED", "SHUTTLE_01", "A001", "uploaded", "Problems: none"]
        screen = _read_until(fd, wanted)
        assert "\x1b[" in screen  # drawn for a terminal (cursor moves, colours), not plain lines
        os.kill(pid, signal.SIGINT)
        _drain(fd)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert "Traceback" not in screen


def test_into_a_pipe_it_prints_plain_snapshots_and_ctrl_c_exits_0(cart: Path) -> None:
    watcher = subprocess.Popen(
        [sys.executable, "-m", "rollkeeper", "status", "--watch", "--interval", "0.2",
         "--config", str(cart)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert watcher.stdout is not None
    lines: list[str] = []
    while sum(line.startswith("Drives:") for line in lines) < 2:  # two snapshots
        line = watcher.stdout.readline()
        assert line, "status --watch ended early"
        lines.append(line.rstrip("\n"))
    watcher.send_signal(signal.SIGINT)
    _out, err = watcher.communicate(timeout=HANG_GUARD)
    assert watcher.returncode == 0, err
    assert "  SHUTTLE_01 (rotation, mounted): MAY BE ERASED" in lines
    assert "In flight: nothing" in lines and "Problems: none" in lines
    assert any(line.startswith("  A001") and "uploaded · on SHUTTLE_01" in line for line in lines)
    assert not any("\x1b[" in line for line in lines)
    assert "Traceback" not in err


def test_watch_and_json_together_are_refused_with_exit_2(cart: Path) -> None:
    done = run_cli("status", "--watch", "--json", "--config", str(cart))
    assert done.returncode == 2
    assert "--watch shows the status to people; leave out --json" in done.stderr


def test_before_the_daemon_made_a_ledger_it_says_why_it_waits_and_keeps_waiting(
    tmp_path: Path,
) -> None:
    (tmp_path / "RAID_A").mkdir()
    volumes = [(str(tmp_path / "RAID_A"), "raid")]
    config = write_config(tmp_path / "rollkeeper.toml", tmp_path / "state", volumes, settle=0.0)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "rollkeeper", "status", "--watch", "--interval", "0.2",
         "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert watcher.stdout is not None
    first, second = watcher.stdout.readline(), watcher.stdout.readline()
    while not second.strip():
        second = watcher.stdout.readline()
    watcher.send_signal(signal.SIGINT)
    _out, err = watcher.communicate(timeout=HANG_GUARD)
    assert watcher.returncode == 0, err
    assert first.startswith("waiting: ") and "rollkeeper run" in first
    assert second.startswith("waiting: ")
