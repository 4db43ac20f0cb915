"""The dashboard a configuration asks for: its gate, its app and its server, built once at the
daemon's start (a token that is not set refuses the start, exit 2, before anything runs)."""

from __future__ import annotations

from rollkeeper.config.schema import Config
from rollkeeper.dashboard.app import build_app
from rollkeeper.dashboard.guard import Gate
from rollkeeper.dashboard.server import DashboardServer, build_dashboard, dashboard_token
from rollkeeper.dashboard.views import StatusSource


def dashboard_for(config: Config) -> DashboardServer | None:
    """The daemon's dashboard, not yet started; None when `[dashboard] listen = ""`."""
    settings = config.dashboard
    address = settings.address
    if address is None:
        return None
    tls = settings.tls_cert is not None
    gate = Gate.of(address.host, settings.allowed_hosts, dashboard_token(settings), secure=tls)
    source = StatusSource(
        config.state.resolved_dir(),
        config.archive.provider,
        config.clearance.max_evidence_age,
    )
    return build_dashboard(settings, build_app(source, gate, config.cart.name))
