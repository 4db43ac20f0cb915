"""Specification: `rollkeeper notify test`, run as a person runs it (a subprocess), against real
servers on loopback — an SMTP server asking for a login, Slack's and a webhook's receivers, and
apprise's `json://` service — says one line per channel: exit 0 when every one was delivered,
3 when one failed, its line naming the channel and the reason, and no secret anywhere; 2 for a
channel it does not know. (The exit codes through the real entry point were once lost: click,
run outside its standalone mode, returns the code of an `Exit` instead of exiting with it.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.httpreceiver import Answer, HttpReceiver
from tests.integration.daemon_harness import run_cli
from tests.integration.notify_cart import CART, email_channel, http_channel, notify_config
from tests.smtpserver import Behaviour, SmtpServer

PASSWORD = "Pr0be-Smtp-Passw0rd"
SLACK_TOKEN = "xoxPr0beSlackT0ken"
SIGNING = "Pr0be-Signing-Secret"
APPRISE_TOKEN = "Pr0beAppriseT0ken"
SECRETS = (PASSWORD, SLACK_TOKEN, SIGNING, APPRISE_TOKEN)

Servers = tuple[SmtpServer, HttpReceiver, HttpReceiver, HttpReceiver]


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Servers]:
    smtp = SmtpServer(behaviour=Behaviour(logins={"cart": PASSWORD}))
    with smtp, HttpReceiver() as slack, HttpReceiver() as hook, HttpReceiver() as phones:
        monkeypatch.setenv("RK_E2E_SMTP_PASSWORD", PASSWORD)
        monkeypatch.setenv("RK_E2E_SLACK", slack.url(f"/services/T0P/B0P/{SLACK_TOKEN}"))
        monkeypatch.setenv("RK_E2E_SIGNING", SIGNING)
        monkeypatch.setenv(
            "RK_E2E_APPRISE", f"json://cart:{APPRISE_TOKEN}@127.0.0.1:{phones.port}/n"
        )
        yield smtp, slack, hook, phones


def configured(tmp_path: Path, servers: Servers) -> Path:
    smtp, _slack, hook, _phones = servers
    channels = email_channel(
        smtp.port, extra='username = "cart"\npassword_env = "RK_E2E_SMTP_PASSWORD"\n'
    )
    channels += http_channel("slack", 'webhook_url_env = "RK_E2E_SLACK"')
    channels += http_channel("webhook", f'url = "{hook.url("/rk")}"\nsecret_env = "RK_E2E_SIGNING"')
    channels += http_channel("apprise", 'url_env = "RK_E2E_APPRISE"', name="phones")
    return notify_config(tmp_path, [], channels, target=False)


def leaked(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_notify_test_says_ok_for_every_channel_that_got_its_message_and_exits_0(
    tmp_path: Path, servers: Servers
) -> None:
    smtp, slack, hook, phones = servers
    done = run_cli("notify", "test", "--config", str(configured(tmp_path, servers)))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "email-1 (email): ok",
        "slack-1 (slack): ok",
        "webhook-1 (webhook): ok",
        "phones (apprise): ok",
    ]
    (message,) = smtp.messages()
    assert message["Subject"] == f"[{CART}] test message — channel email-1 works"
    assert [len(receiver.requests) for receiver in (slack, hook, phones)] == [1, 1, 1]
    assert json.loads(phones.requests[0].body)["title"] == (
        f"[{CART}] test message — channel phones works"
    )
    assert leaked(done.stdout + done.stderr) == []


def test_notify_test_names_the_channel_that_failed_and_why_and_exits_3(
    tmp_path: Path, servers: Servers
) -> None:
    _smtp, _slack, hook, _phones = servers
    echoed = " ".join(SECRETS).encode()  # a careless server echoing what it knows
    hook.answers = [Answer(500, body=echoed)]
    done = run_cli("notify", "test", "--config", str(configured(tmp_path, servers)))
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "email-1 (email): ok",
        "slack-1 (slack): ok",
        f"webhook-1 (webhook): failed: webhook channel webhook-1 (127.0.0.1:{hook.port}): "
        "answered 500 Internal Server Error: [secret] [secret] [secret] [secret]",
        "phones (apprise): ok",
    ]
    assert leaked(done.stdout + done.stderr) == []


def test_notify_test_of_a_channel_not_configured_exits_2_through_the_real_entry_point(
    tmp_path: Path, servers: Servers
) -> None:
    config = configured(tmp_path, servers)
    done = run_cli("notify", "test", "--channel", "pager", "--config", str(config))
    assert done.returncode == 2
    assert done.stderr == (
        f"rollkeeper: {config} has no channel named 'pager'; its channels are: email-1, "
        "slack-1, webhook-1, phones\n"
    )
    assert all(not receiver.requests for receiver in servers[1:])
