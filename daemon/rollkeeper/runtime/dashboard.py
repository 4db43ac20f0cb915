"""The dashboard's life inside the daemon: built with the service (a token that is not set
refuses the start, exit 2), started once the ledger is open, stopped before it closes.

A dashboard that cannot listen (its port already taken, its TLS files unusable) is logged and
written for `status` (`fs.dashboard_state`), and the daemon goes on: the page is a convenience,
the backup is not. `run --once` starts no dashboard: it is one answer, not a cart's day.
"""

from __future__ import annotations

from pathlib import Path

import structlog

from rollkeeper.config.schema import Config
from rollkeeper.dashboard.build import dashboard_for
from rollkeeper.fs.dashboard_state import (
    DashboardState,
    clear_dashboard_state,
    write_dashboard_state,
)

log = structlog.get_logger("rollkeeper")

#: How long the start waits for the page to answer before it logs where it is (seconds).
STARTED_WAIT = 5.0


class DashboardLife:
    """Starts and stops the configured dashboard, and says where it is or why it is not."""

    def __init__(self, config: Config, state_dir: Path) -> None:
        self.server = dashboard_for(config)
        self.state_dir = state_dir

    def start(self) -> None:
        """Listen, or log and record why not; never raises for a port or a certificate."""
        server = self.server
        if server is None:
            clear_dashboard_state(self.state_dir)
            return
        problem = server.start()
        if problem is None and not server.wait_started(STARTED_WAIT):
            problem = f"the dashboard did not start on {server.url}; see the log above"
        if problem is not None:
            log.error("dashboard.unavailable", reason=problem)
        else:
            log.info("dashboard.listening", url=server.url)
        write_dashboard_state(self.state_dir, DashboardState(server.url, problem is None, problem))

    def stop(self) -> None:
        """Stop serving; `status` then reads it as not listening."""
        server = self.server
        if server is None:
            return
        server.stop()
        write_dashboard_state(self.state_dir, DashboardState(server.url, False, None))
