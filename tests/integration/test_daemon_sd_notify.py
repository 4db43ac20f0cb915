"""The daemon speaks systemd's notify protocol: the real daemon as a subprocess, its messages
read from a real unix datagram socket passed as NOTIFY_SOCKET (with WATCHDOG_USEC)."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_state_in_ledger,
    sample_files,
    wait_until,
    write_config,
)

#: systemd's watchdog interval given to the daemon: it pings at half of it (0.2 s).
WATCHDOG_USEC = "400000"


class Supervisor:
    """The socket systemd would listen on: every datagram the daemon sends, in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(path))
        self.received: list[str] = []

    def read(self, timeout: float = 0.05) -> list[str]:
        """Every message that arrives until none has for `timeout` seconds."""
        self.socket.settimeout(timeout)
        new = []
        while True:
            try:
                new.append(self.socket.recv(4096).decode("utf-8"))
            except TimeoutError:
                break
        self.received += new
        return new

    def wait_for(self, wanted: str, timeout: float = 30.0) -> None:
        """Read until a message starting with `wanted` arrived."""
        wait_until(
            lambda: bool(self.read()) and any(m.startswith(wanted) for m in self.received),
            timeout=timeout,
            what=wanted,
        )

    def count(self, message: str) -> int:
        return sum(1 for m in self.received if m == message)


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Supervisor]:
    listening = Supervisor(tmp_path / "notify.sock")
    try:
        yield listening
    finally:
        listening.socket.close()


def start(tmp_path: Path, supervisor: Supervisor, extra: str = "") -> Daemon:
    (tmp_path / "raid").mkdir(exist_ok=True)
    config = write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(tmp_path / "raid"), "raid")],
        extra=extra,
    )  # fmt: skip
    env = {"NOTIFY_SOCKET": str(supervisor.path), "WATCHDOG_USEC": WATCHDOG_USEC}
    env.pop("WATCHDOG_PID", None)
    return Daemon(config, env=env).start()


def test_ready_once_the_ledger_is_open_and_then_watchdog_pings(
    tmp_path: Path, supervisor: Supervisor
) -> None:
    daemon = start(tmp_path, supervisor)
    try:
        supervisor.wait_for("READY=1")
        assert (tmp_path / "state" / "ledger.sqlite3").exists()
        wait_until(lambda: bool(supervisor.read()) and supervisor.count("WATCHDOG=1") >= 3)
    finally:
        daemon.stop()
    assert supervisor.received.index("READY=1") < supervisor.received.index("WATCHDOG=1")


def test_a_status_line_summarises_the_rolls(tmp_path: Path, supervisor: Supervisor) -> None:
    make_roll(tmp_path / "raid", A001, sample_files(1))
    daemon = start(tmp_path, supervisor)
    try:
        supervisor.wait_for("STATUS=1 roll verified")
    finally:
        daemon.stop()
    statuses = [m for m in supervisor.received if m.startswith("STATUS=")]
    assert statuses[-1] == "STATUS=1 roll verified"
    assert all(a != b for a, b in itertools.pairwise(statuses))  # sent only when it changes


def test_no_watchdog_ping_while_the_loop_hangs(tmp_path: Path, supervisor: Supervisor) -> None:
    """The loop is hung with SIGSTOP (the whole process stops: no thread can ping for it);
    after SIGCONT the pings come back."""
    daemon = start(tmp_path, supervisor)
    assert daemon.process is not None
    try:
        supervisor.wait_for("WATCHDOG=1")
        os.kill(daemon.process.pid, signal.SIGSTOP)
        supervisor.read()  # what was sent before it stopped
        time.sleep(1.0)  # five ping periods
        hung = supervisor.read()
        os.kill(daemon.process.pid, signal.SIGCONT)
        before = supervisor.count("WATCHDOG=1")
        wait_until(lambda: bool(supervisor.read()) and supervisor.count("WATCHDOG=1") > before)
    finally:
        daemon.stop()
    assert hung == []


def test_a_long_verification_does_not_stop_the_watchdog_pings(
    tmp_path: Path, supervisor: Supervisor
) -> None:
    """Reads throttled to 200 kB/s: the roll verifies for seconds, on a worker."""
    make_roll(tmp_path / "raid", A001, sample_files(1, count=2, size=500_000))
    daemon = start(tmp_path, supervisor, extra='[verify]\nread_rate = "200kB/s"\n')
    state = tmp_path / "state"
    try:
        wait_until(lambda: roll_state_in_ledger(state, A001) == "verifying", what="verifying")
        supervisor.read()
        before = supervisor.count("WATCHDOG=1")
        wait_until(lambda: bool(supervisor.read()) and supervisor.count("WATCHDOG=1") >= before + 3)
        still = roll_state_in_ledger(state, A001)
    finally:
        daemon.stop()
    assert still == "verifying"


def test_sighup_says_reloading_then_ready_and_sigterm_says_stopping(
    tmp_path: Path, supervisor: Supervisor
) -> None:
    daemon = start(tmp_path, supervisor)
    assert daemon.process is not None
    supervisor.wait_for("READY=1")
    daemon.process.send_signal(signal.SIGHUP)
    supervisor.wait_for("RELOADING=1")
    wait_until(lambda: supervisor.read() is not None and supervisor.count("READY=1") == 2)
    daemon.stop()
    supervisor.read()
    lifecycle = [
        m.split("\n")[0] for m in supervisor.received if not m.startswith(("WATCHDOG", "STATUS"))
    ]
    assert lifecycle == ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"]
    reloading = next(m for m in supervisor.received if m.startswith("RELOADING=1"))
    assert "MONOTONIC_USEC=" in reloading
