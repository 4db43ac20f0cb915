"""Specification: the daemon serves its dashboard while it runs, and a dashboard that cannot
listen never stops the backup; a token that is not set refuses the start."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from rollkeeper.config.dashboard import ListenAddress
from rollkeeper.config.errors import ConfigError
from rollkeeper.core.errors import ExitCode
from rollkeeper.dashboard.app import build_app
from rollkeeper.dashboard.guard import Gate
from rollkeeper.dashboard.server import DashboardServer
from rollkeeper.dashboard.views import StatusSource
from rollkeeper.fs.dashboard_state import DashboardState, read_dashboard_state
from rollkeeper.reports.status import load_status
from rollkeeper.runtime.service import Service

from tests.unit.runtime.conftest import A001, A001_FILES, cart_config, make_roll


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for `condition` (a generous bound, not a measurement)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.05)


@contextmanager
def running(service: Service) -> Iterator[Service]:
    """The daemon's `run` in a thread, stopped (and joined) after the block."""
    thread = threading.Thread(target=service.run, name="daemon")
    thread.start()
    try:
        yield service
    finally:
        service.stop()
        thread.join(30)


def _verified(state_dir: Path) -> bool:
    try:
        rolls = load_status(state_dir)["rolls"]
    except Exception:  # the ledger not made yet
        return False
    return [(r["id"], r["state"]) for r in rolls] == [(A001, "verified")]


def test_the_running_daemon_serves_its_status(tmp_path: Path) -> None:
    port = _free_port()
    config = cart_config(tmp_path, dashboard={"listen": f"127.0.0.1:{port}"})
    make_roll(tmp_path / "RAID_A", A001, A001_FILES)
    state_dir = config.state.resolved_dir()
    with running(Service(config)):
        _until(lambda: _verified(state_dir))
        url = f"http://127.0.0.1:{port}/"
        assert read_dashboard_state(state_dir) == DashboardState(url, True, None)
        rolls = httpx.get(f"{url}api/status").json()["rolls"]
        assert [(r["id"], r["state"]) for r in rolls] == [(A001, "verified")]
    assert read_dashboard_state(state_dir) == DashboardState(url, False, None)


def test_a_port_already_taken_is_shown_and_the_backup_goes_on(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        config = cart_config(tmp_path, dashboard={"listen": f"127.0.0.1:{port}"})
        make_roll(tmp_path / "RAID_A", A001, A001_FILES)
        state_dir = config.state.resolved_dir()
        with running(Service(config)):
            _until(lambda: _verified(state_dir))  # the backup went on
            shown = load_status(state_dir)["dashboard"]
    assert shown == {
        "url": f"http://127.0.0.1:{port}/",
        "listening": False,
        "problem": f"the dashboard cannot listen on 127.0.0.1:{port} (Address already in use); "
        "free that port or set [dashboard] listen to another",
    }


def test_a_token_variable_not_set_refuses_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RK_TEST_DASHBOARD_TOKEN", raising=False)
    config = cart_config(
        tmp_path, dashboard={"listen": "0.0.0.0:8642", "token_env": "RK_TEST_DASHBOARD_TOKEN"}
    )
    with pytest.raises(ConfigError) as refused:
        Service(config)
    assert refused.value.exit_code == ExitCode.BAD_INPUT
    assert str(refused.value) == (
        "[dashboard] token_env names the environment variable RK_TEST_DASHBOARD_TOKEN, which "
        "is not set; set it to the dashboard's token, or remove token_env and listen on 127.0.0.1"
    )
    assert not (tmp_path / "state").exists()  # refused before anything was opened


def test_an_address_not_on_this_machine_is_a_sentence(tmp_path: Path) -> None:
    """192.0.2.1 (documentation's TEST-NET) is no address of this cart: nothing to bind."""
    app = build_app(StatusSource(tmp_path), Gate.of("192.0.2.1", [], None))
    problem = DashboardServer(app, ListenAddress("192.0.2.1", 8642)).start()
    assert problem == (
        "the dashboard cannot listen on 192.0.2.1:8642 (Cannot assign requested address); "
        "set [dashboard] listen to an address of this machine (e.g. 127.0.0.1:8642)"
    )
