"""Specification: the sd_notify messages (`runtime.systemd`), read from a real datagram socket."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.runtime.systemd import Notifier, socket_address, watchdog_period

from tests.unit.runtime.conftest import Cart


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def listening(tmp_path: Path) -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify.sock"))
    sock.settimeout(0.05)
    yield sock
    sock.close()


def received(sock: socket.socket) -> list[str]:
    messages = []
    while True:
        try:
            messages.append(sock.recv(4096).decode())
        except TimeoutError:
            return messages


def pings(sock: socket.socket, count: int) -> list[str]:
    """Read until `count` messages arrived (the test fails if they do not within 30 s)."""
    deadline = time.monotonic() + 30
    messages: list[str] = []
    while len(messages) < count:
        assert time.monotonic() < deadline, f"only {messages} arrived"
        messages += received(sock)
    return messages


def notifier(tmp_path: Path, clock: Clock, usec: str = "2000000") -> Notifier:
    env = {"NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": usec}
    return Notifier(env, clock=clock)


def test_the_watchdog_is_pinged_at_most_every_half_interval(
    tmp_path: Path, listening: socket.socket
) -> None:
    clock = Clock()
    told = notifier(tmp_path, clock)
    for step in (0.0, 0.5, 0.5, 0.1):  # 100.0, 100.5, 101.0, 101.1
        clock.now += step
        told.watchdog()
    assert received(listening) == ["WATCHDOG=1", "WATCHDOG=1"]
    assert told.due_in() == pytest.approx(0.9)


def test_the_status_line_is_sent_only_when_it_changes(
    tmp_path: Path, listening: socket.socket
) -> None:
    told = notifier(tmp_path, Clock())
    for text in ("1 roll verified", "1 roll verified", "2 rolls verified"):
        told.status(text)
    assert received(listening) == ["STATUS=1 roll verified", "STATUS=2 rolls verified"]


def test_without_notify_socket_nothing_is_sent_and_no_watchdog_is_kept() -> None:
    told = Notifier({"WATCHDOG_USEC": "2000000"})
    told.ready()
    told.watchdog()
    assert not told.active and told.due_in() is None


def test_a_watchdog_meant_for_another_process_is_not_ours() -> None:
    env = {"WATCHDOG_USEC": "2000000", "WATCHDOG_PID": str(os.getpid() + 1)}
    assert watchdog_period(env) is None
    assert watchdog_period({**env, "WATCHDOG_PID": str(os.getpid())}) == 1.0
    assert watchdog_period({"WATCHDOG_USEC": "nonsense"}) is None


def test_an_at_sign_names_an_abstract_socket() -> None:
    assert socket_address("@/org/systemd/notify") == b"\0/org/systemd/notify"
    assert socket_address("/run/systemd/notify") == "/run/systemd/notify"


def test_a_supervisor_that_is_gone_is_logged_never_fatal(tmp_path: Path) -> None:
    told = notifier(tmp_path, Clock())  # nobody listens on that path
    told.ready()
    told.stopping()


def test_a_loop_stuck_in_a_step_sends_no_watchdog_while_its_threads_live_on(
    tmp_path: Path, listening: socket.socket, cart: Cart, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main loop runs on a thread of the test; one of its steps is made to block (a hang
    in the loop only: every other thread of the daemon goes on), then released."""
    env = {"NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": "200000"}
    told = Notifier(env)
    hang, release = threading.Event(), threading.Event()
    step = cart.service.steps.notifying.step

    def maybe_hang() -> None:
        if hang.is_set():
            release.wait()
        step()

    monkeypatch.setattr(cart.service.steps.notifying, "step", maybe_hang)
    stopping = threading.Event()
    loop = threading.Thread(target=cart.service.loop.run, args=(stopping, told))
    loop.start()
    try:
        pings(listening, 2)
        hang.set()
        time.sleep(0.3)  # the pass under way finishes and the next one hangs
        received(listening)
        time.sleep(1.0)  # ten ping periods
        while_hung = received(listening)
        release.set()
        after = pings(listening, 1)
    finally:
        release.set()
        stopping.set()
        cart.service.context.wake.set()
        loop.join()
    assert while_hung == []
    assert after[0] == "WATCHDOG=1"
