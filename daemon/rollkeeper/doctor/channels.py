"""Telling people: each notification channel built with its secrets resolved (with
`--send-test`, a real test message, as `rollkeeper notify test` sends), and the dead-man's switch
URL resolvable (pinged only with `--send-test`). No secret is ever shown: a URL is named by its
host at most."""

from __future__ import annotations

import socket
import urllib.parse

import httpx

from rollkeeper.config.errors import ConfigError
from rollkeeper.config.notify import ChannelSettings, MonitorSettings, channel_kind, secret
from rollkeeper.config.schema import Config
from rollkeeper.doctor.model import Finding, fail, ok
from rollkeeper.notify.build import build_channel
from rollkeeper.notify.http import HttpOptions, build_client
from rollkeeper.notify.model import DeliveryFailed
from rollkeeper.notify.probe import probe_notice
from rollkeeper.runtime.monitor import PING_TIMEOUT

#: What to check when a test message does not arrive, by channel kind.
_FIXES = {
    "email": "check [[notify.email]] host, port, tls, username and the password's variable, and "
    "that the server accepts the sender and recipients",
    "slack": "check the incoming webhook's URL (Slack app settings → Incoming Webhooks) in the "
    "variable webhook_url_env names, and the cart's network",
    "webhook": "check [[notify.webhook]] url, that the receiver is up, and its signing secret",
    "apprise": "check the apprise URL in the variable url_env names (see apprise's docs for "
    "its service)",
}


def channel_finding(config: Config, name: str, settings: ChannelSettings, send: bool) -> Finding:
    """The channel `name` built (secrets resolved); with `send`, a test message delivered."""
    kind = channel_kind(settings)
    check = f"notify:{name}"
    try:
        channel = build_channel(name, settings)
    except ConfigError as err:
        return fail(check, str(err), "set the variable in the service's environment", config=True)
    try:
        if not send:
            return ok(
                check,
                f"{kind} channel {name} is configured (run with --send-test to send a test "
                "message)",
                facts={"kind": kind},
            )
        try:
            channel.send(probe_notice(config.cart.name, name))
        except DeliveryFailed as err:
            return fail(check, f"{kind} channel {name}: test message NOT sent: {err.reason}",
                        _FIXES[kind], facts={"kind": kind})  # fmt: skip
        return ok(
            check,
            f"{kind} channel {name}: a test message was sent",
            facts={"kind": kind, "sent": True},
        )
    finally:
        channel.close()


def channel_findings(config: Config, send: bool) -> list[Finding]:
    return [
        channel_finding(config, name, settings, send) for name, settings in config.notify.channels()
    ]


def monitor_finding(settings: MonitorSettings, send: bool) -> Finding | None:
    """The dead-man's switch: its URL set and its host resolvable (None: none configured)."""
    name = "monitor"
    try:
        url = secret(settings.ping_url, settings.ping_url_env, "ping_url", "[monitor]")
    except ConfigError as err:
        return fail(name, str(err), "set the variable in the service's environment", config=True)
    if url is None:
        return None
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return fail(name, "[monitor] ping_url is not an http(s) URL", "copy the check's ping URL "
                    "from the monitoring service", config=True)  # fmt: skip
    try:
        socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError as err:
        return fail(
            name,
            f"the dead-man's switch host {host} cannot be resolved ({err.strerror or err})",
            "check the cart's DNS and network, and [monitor] ping_url",
        )
    if not send:
        return ok(
            name, f"the dead-man's switch at {host} resolves (not pinged without --send-test)"
        )
    return _ping(settings, url, host)


def _ping(settings: MonitorSettings, url: str, host: str) -> Finding:
    """One plain ping, as the daemon's beat sends it. The failure is named by its kind and
    status only: the URL (a secret) is in httpx's messages."""
    client = build_client(HttpOptions(PING_TIMEOUT, settings.verify_tls, settings.ca_bundle))
    try:
        response = client.post(url.rstrip("/"), content=b"")
        why = f"the server answered HTTP {response.status_code}" if response.is_error else None
    except httpx.HTTPError as err:
        why = type(err).__name__
    finally:
        client.close()
    if why is not None:
        return fail(
            "monitor",
            f"the dead-man's switch at {host} was NOT pinged: {why}",
            "check [monitor] ping_url and the cart's network",
        )
    return ok("monitor", f"the dead-man's switch at {host} was pinged")
