"""Specification: no secret reaches anything a person sees. Every kind of channel is configured
with distinctive secrets — an SMTP password (`password_env`), Slack webhook URLs with tokens in
their path (inline, so the start-up warning about them is scanned too), webhook signing secrets,
apprise `json://` URLs with a password and a token, and the `[monitor] ping_url` — and most of
them fail: servers down, 500s answered with every secret echoed back, a refused login, a server
that offers no STARTTLS, a certificate that does not verify. The real daemon runs until every
channel has been tried and pinged; then everything a person sees is scanned for every secret and
its distinctive pieces: the daemon's output and its log file, `status` and `status --json`,
`notify outbox` and `--json`, `notify test`, `report` as CSV, JSON and HTML, `notify summary`,
`run --once` (which delivers the summary asked for, failing again), its log lines, the
dashboard's pages and API, and the messages the servers received."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.httpreceiver import Answer, HttpReceiver
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    run_cli,
    sample_files,
    wait_until,
)
from tests.integration.notify_cart import email_channel, http_channel, notify_config, outbox
from tests.integration.test_daemon_log import flip_a_byte
from tests.smtpserver import Behaviour, SmtpServer, free_port, self_signed

A002 = "20261121_Day01/Camera_Media/A002R1AB"
SMTP_PASSWORD = "Sm7p-E2E-Passw0rd"
SMTP_REFUSED = "Sm7p-E2E-Refused-Pw"
SLACK_PIECES = ("TE2ESLK01", "BE2ESLK02", "xoxE2ESlackT0ken")
SLACK_TLS_PIECES = ("TE2ETLS01", "BE2ETLS02", "xoxE2ETlsT0ken")
SIGNING_FAILING = "whsec-E2E-Signing-S3cret"
SIGNING_GOOD = "whsec-E2E-Good-S3cret"
APPRISE_PASSWORD = "AppE2EPassT0ken"
APPRISE_TOKEN = "AppE2EPathT0ken"
APPRISE_GOOD_TOKEN = "AppE2EGoodT0ken"
PING_CHECK = "e2e-5f1e2d3c-9c8d-7e6f5a4b3c2d"
SECRETS = (
    SMTP_PASSWORD, SMTP_REFUSED, *SLACK_PIECES, *SLACK_TLS_PIECES, SIGNING_FAILING, SIGNING_GOOD,
    APPRISE_PASSWORD, APPRISE_TOKEN, APPRISE_GOOD_TOKEN, PING_CHECK,
)  # fmt: skip
FAILING = {"email-2", "email-3", "slack-1", "slack-2", "webhook-1", "apprise-1"}


@dataclass
class Servers:
    """The real servers on loopback: those that take messages, and those that refuse them."""

    smtp_ok: SmtpServer
    smtp_refusing: SmtpServer
    smtp_plain: SmtpServer
    slack_500: HttpReceiver
    slack_tls: HttpReceiver
    hook_500: HttpReceiver
    hook_ok: HttpReceiver
    apprise_ok: HttpReceiver
    ping: HttpReceiver

    def http(self) -> list[HttpReceiver]:
        return [self.slack_500, self.slack_tls, self.hook_500, self.hook_ok, self.apprise_ok]


def smtp(*, login: str | None = None) -> SmtpServer:
    """An SMTP server on loopback, asking for the login `cart` / `login` if given."""
    return SmtpServer(behaviour=Behaviour(logins={"cart": login} if login else {}))


@pytest.fixture
def servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Servers]:
    echo = Answer(500, body=f"rejected: {' '.join(SECRETS)}".encode())
    with ExitStack() as stack:
        found = Servers(
            smtp_ok=stack.enter_context(smtp(login=SMTP_PASSWORD)),
            smtp_refusing=stack.enter_context(smtp(login="another-password")),
            smtp_plain=stack.enter_context(smtp()),
            slack_500=stack.enter_context(HttpReceiver([echo])),
            slack_tls=stack.enter_context(HttpReceiver(tls=self_signed(tmp_path))),
            hook_500=stack.enter_context(HttpReceiver([echo])),
            hook_ok=stack.enter_context(HttpReceiver()),
            apprise_ok=stack.enter_context(HttpReceiver()),
            ping=stack.enter_context(HttpReceiver([echo])),
        )
        monkeypatch.setenv("RK_E2E_SMTP_PASSWORD", SMTP_PASSWORD)
        monkeypatch.setenv("RK_E2E_SMTP_REFUSED", SMTP_REFUSED)
        monkeypatch.setenv("RK_E2E_SIGNING", SIGNING_GOOD)
        yield found


def emails(servers: Servers) -> str:
    """email-1 logs in and delivers; email-2's login is refused; email-3 asks for STARTTLS of
    a server that does not offer it. Good news is told at once on each."""
    login = 'username = "cart"\npassword_env = "{}"\nbatch_every = "0s"\n'
    ok = login.format("RK_E2E_SMTP_PASSWORD")
    return (
        email_channel(servers.smtp_ok.port, extra=ok)
        + email_channel(
            servers.smtp_refusing.port, name="email-2", extra=login.format("RK_E2E_SMTP_REFUSED")
        )
        + email_channel(servers.smtp_plain.port, name="email-3", extra=ok).replace(
            'tls = "none"', 'tls = "starttls"'
        )
    )


def channels(servers: Servers) -> str:
    """Nine channels, six of them failing, and the dead-man's switch."""
    slack = "/services/{}/{}/{}"
    slack_500 = servers.slack_500.url(slack.format(*SLACK_PIECES))
    slack_tls = servers.slack_tls.url(slack.format(*SLACK_TLS_PIECES))
    apprise_down = f"json://rkuser:{APPRISE_PASSWORD}@127.0.0.1:{free_port()}/n/{APPRISE_TOKEN}"
    apprise_ok = f"json://127.0.0.1:{servers.apprise_ok.port}/n/{APPRISE_GOOD_TOKEN}"
    ping = servers.ping.url(f"/ping/{PING_CHECK}")
    tables = [
        emails(servers),
        http_channel("slack", f'webhook_url = "{slack_500}"'),
        http_channel("slack", f'webhook_url = "{slack_tls}"'),
        http_channel("webhook", f'url = "{servers.hook_500.url()}"\nsecret = "{SIGNING_FAILING}"'),
        http_channel("webhook", f'url = "{servers.hook_ok.url()}"\nsecret_env = "RK_E2E_SIGNING"'),
        http_channel("apprise", f'url = "{apprise_down}"'),
        http_channel("apprise", f'url = "{apprise_ok}"'),
        f'[monitor]\nping_url = "{ping}"\nping_every = "0.3s"\n',
    ]
    return "".join(tables)


def tried_everywhere(config: Path, servers: Servers) -> bool:
    """Every failing channel has an error recorded, every good one got a message, and the
    switch was pinged (and refused) more than once."""
    failed = {d["channel"] for d in outbox(config) if d["last_error"]}
    received = [servers.smtp_ok.received, servers.hook_ok.requests, servers.apprise_ok.requests]
    return failed >= FAILING and all(received) and len(servers.ping.requests) >= 2


def shown(config: Path, *command: str) -> str:
    """What `rollkeeper COMMAND --config FILE` prints, both streams."""
    done = run_cli(*command, "--config", str(config))
    assert "Traceback" not in done.stderr, done.stderr
    return f"$ rollkeeper {' '.join(command)}\n{done.stdout}\n{done.stderr}"


def received(servers: Servers) -> list[str]:
    """Every message the servers received as its reader sees it (the request's path is where
    it was sent, the secret URL itself, so it is left out)."""
    mail = [envelope.data.decode() for envelope in servers.smtp_ok.received]
    http = [
        f"{request.headers}\n{request.body.decode()}"
        for receiver in servers.http()
        for request in receiver.requests
    ]
    return mail + http


def test_no_secret_appears_in_anything_a_person_sees(tmp_path: Path, servers: Servers) -> None:
    raid = tmp_path / "RAID_A"
    make_roll(raid, A001, sample_files(1))
    flip_a_byte(make_roll(raid, A002, sample_files(2)))
    page = f"http://127.0.0.1:{free_port()}"
    config = notify_config(
        tmp_path, [(str(raid), "raid")], channels(servers), dashboard=page.removeprefix("http://")
    )
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: tried_everywhere(config, servers), what="every channel tried")
        pages = [
            httpx.get(page + path, timeout=10).text
            for path in ("/", "/api/status", "/api/drives", f"/api/rolls/{A001}", f"/rolls/{A001}")
        ]
    finally:
        output = daemon.stop()
    seen = [output, (tmp_path / "state" / "rollkeeper.log").read_text(encoding="utf-8")]
    for command in (
        ("status",), ("status", "--json"), ("notify", "outbox"), ("notify", "outbox", "--json"),
        ("notify", "test"), ("report",), ("report", "--format", "json"),
        ("report", "--format", "html"), ("notify", "summary"), ("run", "--once"),
    ):  # fmt: skip
        seen.append(shown(config, *command))
    seen.append((tmp_path / "state" / "rollkeeper.log").read_text(encoding="utf-8"))  # run --once's
    seen += received(servers) + pages

    everything = "\n".join(seen)
    assert "holds inline secrets" in output  # the start-up warning names the keys, not values
    assert "monitor.ping_failed" in output
    assert "Dead-man&#39;s switch: ping FAILED" in pages[0]  # the page says so, without the URL
    assert all(f"{name} (" in seen[6] and "failed: " in seen[6] for name in FAILING)  # test
    assert "[secret]" in everything  # the echoed secrets were there to leak, and were hidden
    leaks = sorted({secret for secret in SECRETS if secret in everything})
    assert leaks == [], [line for line in everything.splitlines() if any(s in line for s in leaks)]
