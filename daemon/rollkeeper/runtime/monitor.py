"""The dead-man's switch: a healthchecks-style URL pinged while the daemon is healthy.

`[monitor] ping_url` is pinged at `/start` when the daemon starts, plainly every `ping_every` while
the main loop keeps passing, and at `/fail` on a fatal error. A cart that dies, hangs or loses
power stops pinging, and someone else's server raises the alarm that this one no longer can. The
pings go from their own thread and never wait on the loop; a ping that fails is logged (without
the URL: its path is the check's secret) and tried again at the next beat.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import structlog

from rollkeeper.config.notify import MonitorSettings, secret
from rollkeeper.fs.monitor_state import MonitorState, write_monitor_state

if TYPE_CHECKING:  # httpx is imported only by a daemon that has a switch: not at every start
    import httpx

log = structlog.get_logger("rollkeeper")

#: Seconds one ping may take (the server only counts arrivals).
PING_TIMEOUT = 10.0


class DeadMansSwitch:
    """Pings `url` from a thread of its own: `start`, then each `every` seconds while `beat`
    was called within the last period (a hung loop stops the pings), `fail` once, `stop`."""

    def __init__(
        self,
        url: str,
        every: float,
        client: httpx.Client,
        on_ping: Callable[[MonitorState], None] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.every = every
        self.client = client
        self.on_ping = on_ping  # told how each ping fared (the daemon keeps it for `status`)
        self.last_success: datetime | None = None
        self.last_error: str | None = None
        self._last_beat = time.monotonic()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Say the daemon started, then ping while it beats."""
        self.ping("/start")
        self._thread = threading.Thread(target=self._run, name="dead-mans-switch", daemon=True)
        self._thread.start()

    def beat(self) -> None:
        """The main loop passed: it is alive (called every pass; costs a clock read)."""
        self._last_beat = time.monotonic()

    def fail(self, reason: str) -> None:
        """A fatal error: say so at once (the reason as the body, as healthchecks keeps it)."""
        self.ping("/fail", body=reason[:1000])

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=PING_TIMEOUT + 1)
        self.client.close()

    def healthy(self) -> bool:
        """Whether the loop beat within the last period (a hung loop is not pinged for)."""
        return time.monotonic() - self._last_beat <= max(self.every, 60.0)

    def ping(self, suffix: str = "", body: str = "") -> bool:
        """One ping; True when the server took it. Failures are remembered and logged."""
        import httpx

        try:
            response = self.client.post(self.url + suffix, content=body.encode("utf-8"))
        except httpx.HTTPError as err:
            took = self._failed(f"{type(err).__name__} ({_without_url(err)})")
        else:
            if response.status_code >= 300:
                took = self._failed(f"the server answered HTTP {response.status_code}")
            else:
                self.last_success, self.last_error, took = datetime.now(UTC), None, True
        self._tell()
        return took

    def _tell(self) -> None:
        """Hand how the last ping fared to `on_ping` (never the URL)."""
        if self.on_ping is None:
            return
        success = self.last_success.isoformat(timespec="seconds") if self.last_success else None
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self.on_ping(MonitorState(success, now, self.last_error))

    def _failed(self, why: str) -> bool:
        if why != self.last_error:  # said once per kind of failure, not at every period
            log.warning("monitor.ping_failed", error=why, fix="check [monitor] ping_url")
        self.last_error = why
        return False

    def _run(self) -> None:
        while not self._stopping.wait(self.every):
            if self.healthy():
                self.ping()


def _without_url(err: httpx.HTTPError) -> str:
    """An httpx error's message with the ping URL left out (httpx names the request's URL)."""
    from rollkeeper.notify.scrub import scrub

    text = str(err)
    try:
        url = str(err.request.url)
    except RuntimeError:  # an error raised before a request existed
        return scrub(text)
    return scrub(text.replace(url, "[ping_url]"))


def build_switch(
    settings: MonitorSettings, on_ping: Callable[[MonitorState], None] | None = None
) -> DeadMansSwitch | None:
    """The switch `[monitor]` describes, or None when no ping URL is set."""
    url = secret(settings.ping_url, settings.ping_url_env, "ping_url", "[monitor]")
    if url is None:
        return None
    from rollkeeper.notify.http import HttpOptions, build_client
    from rollkeeper.notify.scrub import register

    register([url])  # httpx's own log lines name it: scrubbed like a channel's secrets
    options = HttpOptions(PING_TIMEOUT, settings.verify_tls, settings.ca_bundle)
    return DeadMansSwitch(url, settings.ping_every, build_client(options), on_ping)


def kept_in(state_dir: Path) -> Callable[[MonitorState], None]:
    """Each ping's outcome written to the state folder (`monitor.json`) for `status` and the
    dashboard; a state disk that cannot take it costs that record, never the ping."""

    def keep(state: MonitorState) -> None:
        try:
            write_monitor_state(state_dir, state)
        except OSError as err:
            log.warning("monitor.state_not_written", path=str(state_dir), error=str(err))

    return keep
