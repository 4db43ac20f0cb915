"""Specification: `rollkeeper notify test [--channel NAME]` sends a test message to each channel
(real servers on loopback) and prints one line per channel; exit 0 when all were delivered, 3 when
any failed, 2 when there is no channel or no channel of that name. The command is invoked as the
click command object `notify_test_command()` (the `notify` group that holds it is wired
elsewhere)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rollkeeper.cli.notify_test import notify_test_command
from rollkeeper.config.errors import ConfigError

from tests.httpreceiver import Answer, HttpReceiver
from tests.smtpserver import SmtpServer


@pytest.fixture
def servers() -> Iterator[tuple[SmtpServer, HttpReceiver, HttpReceiver]]:
    with SmtpServer() as smtp, HttpReceiver() as slack, HttpReceiver() as hook:
        yield smtp, slack, hook


def _config(tmp_path: Path, smtp: SmtpServer, slack: HttpReceiver, hook: HttpReceiver) -> Path:
    file = tmp_path / "rollkeeper.toml"
    file.write_text(
        f"""
[cart]
name = "CART-A"

[[notify.email]]
host = "127.0.0.1"
port = {smtp.port}
tls = "none"
sender = "rollkeeper@cart-a.example"
to = ["dit@show.example"]

[[notify.slack]]
name = "set-channel"
webhook_url_env = "RK_TEST_SLACK"

[[notify.webhook]]
url = "{hook.url("/rollkeeper")}"
""",
        encoding="utf-8",
    )
    return file


def _run(file: Path, *args: str, slack: HttpReceiver | None = None) -> Result:
    env = {"RK_TEST_SLACK": slack.url("/services/T0/B0/testtoken123")} if slack else {}
    runner = CliRunner(mix_stderr=False)
    return runner.invoke(notify_test_command(), ["--config", str(file), *args], env=env)


def test_every_channel_gets_a_test_message_and_a_line_saying_ok(
    servers: tuple[SmtpServer, HttpReceiver, HttpReceiver], tmp_path: Path
) -> None:
    smtp, slack, hook = servers
    result = _run(_config(tmp_path, *servers), slack=slack)
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.splitlines() == [
        "email-1 (email): ok",
        "set-channel (slack): ok",
        "webhook-1 (webhook): ok",
    ]
    (message,) = smtp.messages()
    assert message["Subject"] == "[CART-A] test message — channel email-1 works"
    assert json.loads(slack.requests[0].body)["blocks"][0]["text"]["text"].startswith("✅ [CART-A]")
    assert json.loads(hook.requests[0].body)["kind"] == "test"


def test_a_channel_that_fails_is_named_with_its_reason_and_the_exit_is_3(
    servers: tuple[SmtpServer, HttpReceiver, HttpReceiver], tmp_path: Path
) -> None:
    _smtp, slack, hook = servers
    hook.answers = [Answer(500, body=b"")]
    result = _run(_config(tmp_path, *servers), slack=slack)
    assert result.exit_code == 3
    assert result.output.splitlines()[2] == (
        f"webhook-1 (webhook): failed: webhook channel webhook-1 (127.0.0.1:{hook.port}): "
        "answered 500 Internal Server Error"
    )
    assert result.output.splitlines()[:2] == ["email-1 (email): ok", "set-channel (slack): ok"]


def test_channel_name_tests_only_that_channel(
    servers: tuple[SmtpServer, HttpReceiver, HttpReceiver], tmp_path: Path
) -> None:
    smtp, slack, hook = servers
    result = _run(_config(tmp_path, *servers), "--channel", "webhook-1")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.splitlines() == ["webhook-1 (webhook): ok"]
    assert (smtp.received, slack.requests, len(hook.requests)) == ([], [], 1)


def test_an_unknown_channel_name_exits_2_listing_the_channels(
    servers: tuple[SmtpServer, HttpReceiver, HttpReceiver], tmp_path: Path
) -> None:
    file = _config(tmp_path, *servers)
    result = _run(file, "--channel", "phones")
    assert result.exit_code == 2
    assert result.stderr == (
        f"rollkeeper: {file} has no channel named 'phones'; its channels are: email-1, "
        "set-channel, webhook-1\n"
    )


def test_no_channel_configured_exits_2_saying_how_to_add_one(tmp_path: Path) -> None:
    file = tmp_path / "rollkeeper.toml"
    file.write_text('[cart]\nname = "CART-A"\n', encoding="utf-8")
    result = _run(file)
    assert result.exit_code == 2
    assert result.stderr == (
        f"rollkeeper: {file} configures no channel to tell people: add a [[notify.email]], "
        "[[notify.slack]], [[notify.webhook]] or [[notify.apprise]] table (see "
        "config/rollkeeper.example.toml and the README's 'Notifications')\n"
    )


def test_a_secrets_variable_not_set_stops_with_the_configuration_error(
    servers: tuple[SmtpServer, HttpReceiver, HttpReceiver], tmp_path: Path
) -> None:
    _smtp, slack, _hook = servers
    result = _run(_config(tmp_path, *servers))  # RK_TEST_SLACK not set
    assert isinstance(result.exception, ConfigError)  # `rollkeeper` prints it and exits 2
    assert str(result.exception).startswith(
        "[[notify.slack]] set-channel: webhook_url_env names the environment variable "
        "RK_TEST_SLACK, which is not set"
    )
    assert (result.output, slack.requests) == ("", [])


def test_one_channel_tested_alone_shows_no_secret_of_the_others_nor_the_ping_url(
    servers: tuple[SmtpServer, HttpReceiver, HttpReceiver], tmp_path: Path
) -> None:
    _smtp, slack, hook = servers
    token, check = "alOneT0kenOfSlack", "ping-4d2a9c7e-alone"
    hook.answers = [Answer(500, body=f"seen {token} and {check}".encode())]
    file = _config(tmp_path, *servers)
    with file.open("a", encoding="utf-8") as config:
        config.write(f'[monitor]\nping_url = "{slack.url("/ping/" + check)}"\n')
    runner = CliRunner(mix_stderr=False)
    env = {"RK_TEST_SLACK": slack.url(f"/services/T0/B0/{token}")}
    result = runner.invoke(
        notify_test_command(), ["--config", str(file), "--channel", "webhook-1"], env=env
    )
    assert result.exit_code == 3
    assert result.output == (
        f"webhook-1 (webhook): failed: webhook channel webhook-1 (127.0.0.1:{hook.port}): "
        "answered 500 Internal Server Error: seen [secret] and [secret]\n"
    )
