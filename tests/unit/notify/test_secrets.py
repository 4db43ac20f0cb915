"""Specification: no secret — SMTP password, Slack webhook URL, webhook signing secret, apprise
URL token — appears in a delivery's failure reason, its traceback, a channel's or a setting's
repr, or any log line the libraries write while failing (captured at DEBUG). The channels are all
built before any is used, as `build_channels` builds them at start: each one's secrets are then
scrubbed from every other's words too (a careless server here echoes all of them)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from rollkeeper.config.schema import parse_config
from rollkeeper.notify.apprise_channel import AppriseChannel
from rollkeeper.notify.email import EmailChannel, SmtpServer
from rollkeeper.notify.http import HttpOptions
from rollkeeper.notify.model import Channel, DeliveryFailed
from rollkeeper.notify.scrub import scrub
from rollkeeper.notify.slack import SlackChannel
from rollkeeper.notify.webhook import WebhookChannel

from tests.httpreceiver import Answer, HttpReceiver
from tests.notices import alarm
from tests.smtpserver import Behaviour, free_port
from tests.smtpserver import SmtpServer as Smtpd

PASSWORD = "Smtp-Pa55word-7Q"
SLACK_TOKEN = "xoxbSlackHookToken42"
WEBHOOK_SECRET = "whsec-Hmac-Secret-99"
APPRISE_TOKEN = "AppriseTok3nZ8"
SECRETS = (PASSWORD, SLACK_TOKEN, WEBHOOK_SECRET, APPRISE_TOKEN)


def _echo_everything(receiver: HttpReceiver) -> None:
    """The receiver answers with every secret in its body, as a careless server might."""
    echoed = f"bad request to {receiver.url()} {' '.join(SECRETS)}".encode()
    receiver.answers = [Answer(400, body=echoed)]


def _failures(receiver: HttpReceiver, smtp_port: int) -> list[Callable[[], Channel]]:
    http = HttpOptions(timeout=5)
    dead = free_port()
    return [
        lambda: EmailChannel(
            "email-1",
            SmtpServer("127.0.0.1", smtp_port, "none", 5, "cart-a", PASSWORD),
            "rollkeeper@cart-a.example",
            ["dit@show.example"],
        ),
        lambda: EmailChannel(
            "email-2",
            SmtpServer("127.0.0.1", dead, "none", 5, "cart-a", PASSWORD),
            "rollkeeper@cart-a.example",
            ["dit@show.example"],
        ),
        lambda: SlackChannel("slack-1", receiver.url(f"/services/T0/B0/{SLACK_TOKEN}"), http),
        lambda: SlackChannel("slack-2", f"http://127.0.0.1:{dead}/services/{SLACK_TOKEN}", http),
        lambda: WebhookChannel("webhook-1", receiver.url("/hook"), WEBHOOK_SECRET, http),
        lambda: AppriseChannel(
            "apprise-1", f"json://bot:{APPRISE_TOKEN}@127.0.0.1:{receiver.port}/n/x", 5
        ),
        lambda: AppriseChannel("apprise-2", f"json://127.0.0.1:{dead}/n/{APPRISE_TOKEN}", 5),
    ]


def test_no_secret_in_any_failure_its_traceback_repr_or_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    shown: list[str] = []
    behaviour = Behaviour(logins={"cart-a": "another-password"})
    with Smtpd(behaviour=behaviour) as smtpd, HttpReceiver() as receiver:
        _echo_everything(receiver)
        channels = [make() for make in _failures(receiver, smtpd.port)]  # as build_channels does
        for channel in channels:
            shown.append(repr(channel))
            with pytest.raises(DeliveryFailed) as failed:
                channel.send(alarm())
            shown += [failed.value.reason, str(failed.value), repr(failed.value)]
            shown += traceback.format_exception(failed.value)
    logged = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    assert any("HTTP Request" in line for line in logged)  # httpx did log, scrubbed
    assert any("JSON" in line for line in logged)  # and apprise did
    leaks = [(secret, text) for text in shown + logged for secret in SECRETS if secret in text]
    assert leaks == []


def test_no_secret_in_the_repr_of_the_settings(tmp_path: Path) -> None:
    text = f"""
[[notify.email]]
host = "smtp.example.com"
username = "cart-a"
password = "{PASSWORD}"
sender = "rollkeeper@cart-a.example"
to = ["dit@show.example"]

[[notify.slack]]
webhook_url = "https://hooks.slack.com/services/T0/B0/{SLACK_TOKEN}"

[[notify.webhook]]
url = "https://ops.example/hook"
secret = "{WEBHOOK_SECRET}"

[[notify.apprise]]
url = "tgram://{APPRISE_TOKEN}/12345"
"""
    config = parse_config(text, tmp_path / "rollkeeper.toml")
    shown = repr(config) + str(config.notify) + str(config.model_dump())
    assert [secret for secret in SECRETS if secret in shown] == []


def test_a_library_logging_a_traceback_with_a_secret_is_scrubbed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    AppriseChannel("apprise-9", f"pover://{APPRISE_TOKEN}@userkey123456", 5)  # registers it
    caplog.set_level(logging.DEBUG)
    try:
        raise ConnectionError(f"cannot reach pover://{APPRISE_TOKEN}@userkey123456")
    except ConnectionError:
        logging.getLogger("apprise").exception("sending to %s failed", APPRISE_TOKEN)
    assert "ConnectionError: cannot reach [secret]" in caplog.text
    assert APPRISE_TOKEN not in caplog.text
    assert "userkey123456" not in caplog.text


def test_the_credentials_of_any_url_are_hidden_even_unregistered() -> None:
    text = "proxy http://cart-a:Pr0xyPassw0rd@proxy.example:3128 refused"
    assert scrub(text) == "proxy http://[secret]@proxy.example:3128 refused"


def test_plain_words_in_a_secret_url_stay_readable_while_its_tokens_are_hidden() -> None:
    url = "https://hooks.slack.com/services/T0AB12CD/B0XY34ZZ/q8Hw2kLmN0pR"
    assert scrub("see services/T0AB12CD and q8Hw2kLmN0pR", [url]) == (
        "see services/[secret] and [secret]"
    )
