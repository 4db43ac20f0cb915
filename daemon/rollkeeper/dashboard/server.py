"""The dashboard served by uvicorn in a thread of its own, started and stopped with the daemon.

The socket is bound before the thread starts, so a port already taken is known at once, as a
sentence the daemon logs and `status` shows, and the daemon goes on backing up: the page is a
convenience, the backup is not. uvicorn's access log is off (a `?token=` would be in it), and it
installs no signal handler (not the main thread): the daemon's own handlers stop it. Idle, it
wakes once a second, not ten times as uvicorn does (0.26 % of a core on the cart, for nothing).
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from rollkeeper.config.dashboard import DashboardSettings, ListenAddress
from rollkeeper.config.errors import ConfigError


def dashboard_token(settings: DashboardSettings) -> str | None:
    """The token named by `token_env`, None when none is asked for; a variable not set (or
    empty) is refused as the configuration is, since the page would be open without it."""
    if settings.token_env is None:
        return None
    token = os.environ.get(settings.token_env, "").strip()
    if not token:
        raise ConfigError(
            f"[dashboard] token_env names the environment variable {settings.token_env}, which "
            "is not set; set it to the dashboard's token, or remove token_env and listen on "
            "127.0.0.1"
        )
    return token


def url_of(address: ListenAddress, *, tls: bool) -> str:
    """The address a browser opens."""
    host = f"[{address.host}]" if ":" in address.host else address.host
    return f"{'https' if tls else 'http'}://{host}:{address.port}/"


@dataclass(frozen=True, slots=True)
class Tls:
    """The certificate and key for HTTPS on the set network."""

    cert: Path
    key: Path


def _reason(err: OSError) -> str:
    """Why a bind failed, in the system's words ("Address already in use"; a name that does not
    resolve: the resolver's)."""
    if isinstance(err, socket.gaierror) or not err.errno:
        return err.strerror or str(err)
    return os.strerror(err.errno)


def _fix(err: OSError) -> str:
    if err.errno == errno.EADDRINUSE:
        return "free that port or set [dashboard] listen to another"
    return "set [dashboard] listen to an address of this machine (e.g. 127.0.0.1:8642)"


def _bind(address: ListenAddress) -> socket.socket:
    family = socket.getaddrinfo(address.host, address.port, type=socket.SOCK_STREAM)[0][0]
    return socket.create_server((address.host, address.port), family=family)


#: How often the idle server wakes to renew its Date header and see whether it is to stop.
WAKE_EVERY = 1.0


class QuietServer(uvicorn.Server):
    """uvicorn's server, waking every `WAKE_EVERY` seconds while idle."""

    async def main_loop(self) -> None:
        while not await self.on_tick(0):  # tick 0: the Date header is renewed at every wake
            await asyncio.sleep(WAKE_EVERY)


class DashboardServer:
    """One uvicorn server on one address, in its own thread."""

    def __init__(self, app: ASGIApp, address: ListenAddress, tls: Tls | None = None) -> None:
        self.address = address
        self.url = url_of(address, tls=tls is not None)
        self._config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,
            timeout_graceful_shutdown=1,  # the daemon's stop_grace is not the page's to spend
            ssl_certfile=str(tls.cert) if tls else None,
            ssl_keyfile=str(tls.key) if tls else None,
        )
        self._server = QuietServer(self._config)
        self._thread: threading.Thread | None = None

    def start(self) -> str | None:
        """Listen and serve; the sentence saying why not (the port taken, the TLS files not
        usable), else None."""
        try:
            self._config.load()
        except (OSError, ssl.SSLError) as err:
            return (
                f"the dashboard cannot use its TLS certificate or key ({err}); "
                "fix [dashboard] tls_cert and tls_key"
            )
        try:
            sock = _bind(self.address)
        except OSError as err:
            return (
                f"the dashboard cannot listen on {self.address.host}:{self.address.port} "
                f"({_reason(err)}); {_fix(err)}"
            )
        self.address = ListenAddress(self.address.host, sock.getsockname()[1])  # port 0: chosen
        self.url = url_of(self.address, tls=self._config.ssl is not None)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="dashboard", daemon=True
        )
        self._thread.start()
        return None

    def wait_started(self, timeout: float) -> bool:
        """Wait until it answers requests (for tests and `run`'s first log line)."""
        deadline = time.monotonic() + timeout
        while not self._server.started and time.monotonic() < deadline:
            if self._thread is None or not self._thread.is_alive():
                break
            time.sleep(0.01)
        return self._server.started

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving: requests in flight finish (within `timeout` seconds)."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)


def build_dashboard(settings: DashboardSettings, app: ASGIApp) -> DashboardServer | None:
    """The server `settings` ask for, serving `app`; None when `listen = ""`."""
    address = settings.address
    if address is None:
        return None
    tls = (
        Tls(settings.tls_cert, settings.tls_key) if settings.tls_cert and settings.tls_key else None
    )
    return DashboardServer(app, address, tls)
