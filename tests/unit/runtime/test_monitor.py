"""The dead-man's switch: pinged at start, while the loop passes, and at a fatal error — against a
real HTTP server on loopback."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import structlog
from pydantic import SecretStr
from rollkeeper.config.errors import ConfigError
from rollkeeper.config.notify import MonitorSettings
from rollkeeper.config.schema import parse_config
from rollkeeper.fs.monitor_state import MONITOR_FILE, read_monitor_state
from rollkeeper.runtime.monitor import DeadMansSwitch, build_switch, kept_in
from rollkeeper.runtime.service import Service

from tests.httpreceiver import Answer, HttpReceiver

CHECK = "/ping/0f3c-secret-check-id"


class Pings:
    """A healthchecks-like server (the shared loopback receiver): the paths pinged, in order."""

    def __init__(self, receiver: HttpReceiver) -> None:
        self.receiver = receiver
        self.url = receiver.url(CHECK)

    @property
    def paths(self) -> list[str]:
        return [request.path for request in self.receiver.requests]

    @property
    def bodies(self) -> list[bytes]:
        return [request.body for request in self.receiver.requests]

    def answer(self, status: int) -> None:
        self.receiver.answers = [Answer(status)]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.paths) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.paths


@pytest.fixture
def pings() -> Iterator[Pings]:
    with HttpReceiver() as receiver:
        yield Pings(receiver)


def switch_for(url: str, every: float = 0.1) -> DeadMansSwitch:
    return DeadMansSwitch(url, every, httpx.Client(timeout=5))


def test_the_switch_says_start_then_pings_while_the_loop_beats(pings: Pings) -> None:
    switch = switch_for(pings.url)
    switch.start()
    try:
        for _ in range(40):
            switch.beat()
            if len(pings.paths) >= 3:
                break
            time.sleep(0.05)
    finally:
        switch.stop()
    assert pings.paths[0] == f"{CHECK}/start"
    assert set(pings.paths[1:3]) == {CHECK}
    assert switch.last_success is not None


def test_a_hung_loop_is_not_pinged_for(pings: Pings) -> None:
    switch = switch_for(pings.url, every=0.05)
    switch._last_beat -= 3600  # the loop last passed an hour ago
    assert not switch.healthy()
    switch.start()
    time.sleep(0.4)
    switch.stop()
    assert pings.paths == [f"{CHECK}/start"]


def test_a_fatal_error_is_pinged_to_fail_with_its_reason(pings: Pings) -> None:
    switch = switch_for(pings.url)
    switch.fail("rollkeeper stopped on an error: the ledger is damaged")
    switch.stop()
    assert pings.paths == [f"{CHECK}/fail"]
    assert pings.bodies == [b"rollkeeper stopped on an error: the ledger is damaged"]


def test_a_refused_ping_is_remembered_and_logged_without_the_url(pings: Pings) -> None:
    pings.answer(404)
    switch = switch_for(pings.url)
    with structlog.testing.capture_logs() as logs:
        assert not switch.ping()
    switch.stop()
    assert switch.last_error == "the server answered HTTP 404"
    assert logs[0]["error"] == "the server answered HTTP 404"
    assert "secret-check-id" not in repr(logs)


def test_an_unreachable_server_is_said_without_the_url() -> None:
    switch = switch_for(url_nobody_listens_on())
    with structlog.testing.capture_logs() as logs:
        assert not switch.ping("/start")
    switch.stop()
    assert switch.last_error is not None and switch.last_error.startswith("ConnectError")
    assert "secret-check-id" not in repr(logs) + switch.last_error


def url_nobody_listens_on() -> str:
    """A loopback URL nothing listens on (a port bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{CHECK}"


def test_no_ping_url_means_no_switch() -> None:
    assert build_switch(MonitorSettings()) is None


def test_the_ping_url_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RK_TEST_PING", "http://127.0.0.1:9/ping/abc")
    switch = build_switch(MonitorSettings(ping_url_env="RK_TEST_PING", ping_every=60.0))
    assert switch is not None and switch.url == "http://127.0.0.1:9/ping/abc"
    switch.stop()


def test_an_unset_ping_variable_is_a_config_error_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RK_TEST_PING", raising=False)
    with pytest.raises(ConfigError) as caught:
        build_switch(MonitorSettings(ping_url_env="RK_TEST_PING"))
    assert str(caught.value) == (
        "[monitor]: ping_url_env names the environment variable RK_TEST_PING, which is not set; "
        "set it in the service's environment (or remove ping_url_env)"
    )


def test_the_inline_ping_url_is_never_shown_by_the_settings() -> None:
    settings = MonitorSettings(ping_url=SecretStr("https://hc-ping.com/0f3c-secret-check-id"))
    assert "secret-check-id" not in repr(settings) + str(settings)


def test_a_relative_ca_bundle_is_refused_by_validation() -> None:
    with pytest.raises(ValueError, match="ca_bundle"):
        MonitorSettings.model_validate({"ca_bundle": "relative.pem"})


def test_the_daemon_pings_fail_when_its_loop_dies_of_an_error(
    pings: Pings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loop that raises cannot be provoked from outside without a real bug: the loop's `run` is
    made to raise here, and the real service, ledger and switch do the rest."""
    config = parse_config(
        f'[state]\ndir = "{tmp_path / "state"}"\n'
        f'[monitor]\nping_url = "{pings.url}"\nping_every = "1h"\n[dashboard]\nlisten = ""\n',
        tmp_path / "rollkeeper.toml",
    )
    service = Service(config)

    def dies(*_: object) -> None:
        raise RuntimeError("a bug in a step")

    monkeypatch.setattr(service.loop, "run", dies)
    with pytest.raises(RuntimeError):
        service.run()
    assert pings.wait_for(2) == [f"{CHECK}/start", f"{CHECK}/fail"]
    assert pings.bodies[1] == b"rollkeeper stopped on an error: a bug in a step"


# --- how the switch last fared, kept for `status` and the dashboard -----------------------------


def test_each_ping_is_kept_in_the_state_folder_without_its_url(
    pings: Pings, tmp_path: Path
) -> None:
    switch = DeadMansSwitch(pings.url, 60, httpx.Client(timeout=5), kept_in(tmp_path))
    assert switch.ping()
    kept = read_monitor_state(tmp_path)
    assert kept is not None and kept.last_success is not None and kept.last_error is None
    assert CHECK not in (tmp_path / MONITOR_FILE).read_text(encoding="utf-8")


def test_a_refused_ping_is_kept_with_why_and_the_last_that_got_through(
    pings: Pings, tmp_path: Path
) -> None:
    switch = DeadMansSwitch(pings.url, 60, httpx.Client(timeout=5), kept_in(tmp_path))
    switch.ping()
    pings.answer(500)
    switch.ping()
    kept = read_monitor_state(tmp_path)
    assert kept is not None and kept.last_error == "the server answered HTTP 500"
    assert kept.last_success is not None and kept.last_success <= kept.last_attempt


def test_a_state_folder_that_cannot_be_written_costs_the_record_not_the_ping(
    pings: Pings, tmp_path: Path
) -> None:
    gone = tmp_path / "not-there"
    switch = DeadMansSwitch(pings.url, 60, httpx.Client(timeout=5), kept_in(gone))
    assert switch.ping() and pings.paths == [CHECK]
    assert read_monitor_state(gone) is None
