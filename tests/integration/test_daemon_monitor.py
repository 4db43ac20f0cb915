"""The running daemon pings its dead-man's switch (`[monitor]`): a real daemon, a real server."""

from __future__ import annotations

import time
from pathlib import Path

from tests.httpreceiver import HttpReceiver
from tests.integration.daemon_harness import Daemon, wait_until, write_config

CHECK = "/ping/7d0e-check"


def test_the_daemon_says_it_started_and_pings_while_it_runs_and_not_after(
    tmp_path: Path,
) -> None:
    (tmp_path / "raid").mkdir()
    with HttpReceiver() as server:
        config = write_config(
            tmp_path / "rollkeeper.toml",
            tmp_path / "state",
            [(str(tmp_path / "raid"), "raid")],
            extra=f'[monitor]\nping_url = "{server.url(CHECK)}"\nping_every = "0.3s"\n',
        )
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: len(server.requests) >= 3, what="three pings")
        finally:
            daemon.stop()
        pinged = [request.path for request in server.requests]
        time.sleep(1.0)  # three periods: a stopped daemon pings no more
        assert pinged[0] == f"{CHECK}/start"
        assert set(pinged[1:]) == {CHECK}
        assert len(server.requests) == len(pinged)
