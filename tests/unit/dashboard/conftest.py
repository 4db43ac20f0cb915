"""A dashboard served for real: uvicorn on a free loopback port, read over HTTP with httpx, in
front of a ledger made by a real `run --once` over real roll folders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rollkeeper.config.dashboard import ListenAddress
from rollkeeper.dashboard.app import build_app
from rollkeeper.dashboard.guard import Gate
from rollkeeper.dashboard.server import DashboardServer
from rollkeeper.dashboard.views import StatusSource
from rollkeeper.runtime.service import Service

from tests.unit.runtime.conftest import A001, A001_FILES, cart_config, folder_target, make_roll

#: Serves a dashboard of `state_dir` behind `gate`; its URL.
Serve = Callable[[Path, Gate], str]

LOOPBACK_GATE = Gate.of("127.0.0.1", [], None)


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start dashboards on free ports (port 0: the system picks), stopped after the test."""
    servers: list[DashboardServer] = []

    def start(state_dir: Path, gate: Gate) -> str:
        app = build_app(StatusSource(state_dir), gate)
        server = DashboardServer(app, ListenAddress("127.0.0.1", 0))
        assert server.start() is None
        servers.append(server)
        assert server.wait_started(10)
        return server.url.rstrip("/")

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def shot(tmp_path: Path) -> Path:
    """The state folder of a cart whose RAID holds roll A001, after a real `run --once`."""
    config = cart_config(tmp_path)
    make_roll(tmp_path / "RAID_A", A001, A001_FILES)
    Service(config).run_once(wait=0)
    return config.state.resolved_dir()


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """As `shot`, with a folder target: A001 verified, uploaded and proven in one pass."""
    (tmp_path / "nas").mkdir()
    config = cart_config(tmp_path, target=folder_target(tmp_path / "nas"))
    make_roll(tmp_path / "RAID_A", A001, A001_FILES)
    Service(config).run_once(wait=0)
    return config.state.resolved_dir()
