"""A cart that tells people, for the notification specifications run on the real daemon.

The channels' tables (`[[notify.*]]`) are written for real servers on loopback (`SmtpServer`,
`HttpReceiver`), and what the daemon recorded about its deliveries is read as a person would:
`rollkeeper notify outbox --json`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from tests.integration.daemon_harness import LEDGER_NOT_READY, run_cli, write_config

#: The cart's name as `[cart] name` sets it (subjects begin with it).
CART = "TEST-CART"


def email_channel(port: int, *, extra: str = "", name: str = "email-1") -> str:
    """An SMTP channel to 127.0.0.1:`port`, plain text on the wire (no TLS)."""
    return (
        f'[[notify.email]]\nname = "{name}"\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
        'sender = "rollkeeper@cart.example"\nto = ["dit@show.example"]\ntimeout = "5s"\n'
        f"{extra}"
    )


def http_channel(
    kind: str, url_line: str, *, extra: str = "", name: str = "", timeout: str = "5s"
) -> str:
    """A Slack, webhook or apprise channel whose URL (or `_env`) line is `url_line`."""
    named = f'name = "{name}"\n' if name else ""
    return f'[[notify.{kind}]]\n{named}{url_line}\ntimeout = "{timeout}"\n{extra}'


def notify_config(
    tmp_path: Path,
    volumes: list[tuple[str, str]],
    channels: str,
    *,
    target: bool | str = True,
    dashboard: str = "",
) -> Path:
    """The configuration of a cart with `volumes` (path, role), the `channels` tables and a
    target: a folder `nas` (True), none (False) or the `[target]` table given; with
    `dashboard`, its listen address (else no dashboard)."""
    extra = target if isinstance(target, str) else ""
    if target is True:
        (tmp_path / "nas").mkdir(exist_ok=True)
        extra = f'[target]\npath = "{tmp_path / "nas"}"\n'
    return write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        volumes,
        settle=0.2,
        extra=extra + channels,
        dashboard=dashboard,
    )


def outbox(config: Path) -> list[dict[str, Any]]:
    """The deliveries `rollkeeper notify outbox --json` lists (pending and failed); none while
    the starting daemon has not yet created its ledger."""
    done = run_cli("notify", "outbox", "--json", "--config", str(config))
    if done.returncode != 0 and any(text in done.stderr for text in LEDGER_NOT_READY):
        return []
    assert done.returncode == 0, done.stderr
    deliveries: list[dict[str, Any]] = json.loads(done.stdout)["deliveries"]
    return deliveries


def signature_verifies(secret: str, body: bytes, header: str) -> bool:
    """Whether `X-Rollkeeper-Signature` verifies as docs/webhook.md tells a receiver to check it."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def posted(requests: list[Any]) -> list[dict[str, Any]]:
    """The JSON documents a receiver was sent (its `requests`' bodies)."""
    return [json.loads(request.body) for request in requests if request.method == "POST"]


def s3_target(endpoint: str, bucket: str) -> str:
    """A `[target]` table for `bucket` on the SeaweedFS at `endpoint`; its keys are read from
    RK_TEST_KEY_ID and RK_TEST_SECRET (the test sets them)."""
    return (
        f'[target]\nkind = "s3"\nbucket = "{bucket}"\nendpoint_url = "{endpoint}"\n'
        'region = "us-east-1"\naccess_key_id_env = "RK_TEST_KEY_ID"\n'
        'secret_access_key_env = "RK_TEST_SECRET"\n'
    )
