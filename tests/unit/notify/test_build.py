"""Specification: the channels are built from the configuration with their secrets resolved from
the environment, and the daemon is told at start what is allowed but unwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from rollkeeper.config.errors import ConfigError
from rollkeeper.config.schema import Config, parse_config
from rollkeeper.notify.build import build_channels, startup_warnings

CHANNELS = """
[[notify.email]]
host = "127.0.0.1"
password_env = "RK_TEST_SMTP_PASSWORD"
username = "cart-a"
sender = "rollkeeper@cart-a.example"
to = ["dit@show.example"]

[[notify.slack]]
name = "set-channel"
webhook_url_env = "RK_TEST_SLACK_URL"

[[notify.webhook]]
url = "https://ops.example/rollkeeper"
secret_env = "RK_TEST_WEBHOOK_SECRET"
verify_tls = false

[[notify.apprise]]
url_env = "RK_TEST_APPRISE_URL"
"""
INLINE = """
[[notify.slack]]
webhook_url = "https://hooks.slack.com/services/T0/B0/inlineSecretValue"
"""


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RK_TEST_SMTP_PASSWORD", "smtp-pass-9f2")
    monkeypatch.setenv("RK_TEST_SLACK_URL", "https://hooks.slack.com/services/T0/B0/abcdef123456")
    monkeypatch.setenv("RK_TEST_WEBHOOK_SECRET", "whsec-abc123")
    monkeypatch.setenv("RK_TEST_APPRISE_URL", "ntfy://ntfy.example/our-show-topic")


def _config(text: str, tmp_path: Path, mode: int = 0o600) -> tuple[Config, Path]:
    file = tmp_path / "rollkeeper.toml"
    file.write_text(text, encoding="utf-8")
    file.chmod(mode)
    return parse_config(text, file), file


@pytest.mark.usefixtures("environment")
def test_every_table_becomes_a_channel_named_as_the_configuration_names_it(
    tmp_path: Path,
) -> None:
    config, _file = _config(CHANNELS, tmp_path)
    channels = build_channels(config)
    assert [(channel.name, channel.kind) for channel in channels] == [
        ("email-1", "email"),
        ("set-channel", "slack"),
        ("webhook-1", "webhook"),
        ("apprise-1", "apprise"),
    ]
    for channel in channels:
        channel.close()


def test_a_secrets_variable_that_is_not_set_is_a_configuration_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RK_TEST_SMTP_PASSWORD", raising=False)
    config, _file = _config(CHANNELS, tmp_path)
    with pytest.raises(ConfigError) as error:
        build_channels(config)
    assert str(error.value) == (
        "[[notify.email]] email-1: password_env names the environment variable "
        "RK_TEST_SMTP_PASSWORD, which is not set; set it in the service's environment "
        "(or remove password_env)"
    )


def test_no_channel_configured_builds_none() -> None:
    assert build_channels(Config()) == []


@pytest.mark.usefixtures("environment")
def test_a_channel_that_does_not_verify_tls_is_warned_about(tmp_path: Path) -> None:
    config, file = _config(CHANNELS, tmp_path)
    assert startup_warnings(config, file) == [
        "[[notify.webhook]] webhook-1: verify_tls = false: the server's certificate is not "
        "checked, so anyone on the network path could read or change what is sent; set "
        "ca_bundle to trust a private CA instead"
    ]


def test_an_inline_secret_in_a_file_others_can_read_is_warned_about(tmp_path: Path) -> None:
    config, file = _config(INLINE, tmp_path, mode=0o644)
    (warning,) = startup_warnings(config, file)
    assert warning == (
        f"{file} holds inline secrets ([[notify.slack]] slack-1: webhook_url) and is readable "
        f"by group or others (mode 644): run chmod 600 {file}, or move each secret into the "
        "environment variable named by its _env key"
    )
    assert "inlineSecretValue" not in warning


def test_an_inline_secret_in_a_file_only_its_owner_reads_is_not_warned_about(
    tmp_path: Path,
) -> None:
    config, file = _config(INLINE, tmp_path, mode=0o600)
    assert startup_warnings(config, file) == []


@pytest.mark.usefixtures("environment")
def test_secrets_from_the_environment_in_a_readable_file_are_not_warned_about(
    tmp_path: Path,
) -> None:
    config, file = _config(CHANNELS.replace("verify_tls = false", ""), tmp_path, mode=0o644)
    assert startup_warnings(config, file) == []


def test_a_slack_url_that_is_not_a_url_is_a_configuration_error_not_showing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RK_TEST_SLACK_URL", "hooks.slack.com/services/T0/B0/notAUrlSecret")
    config, _file = _config('[[notify.slack]]\nwebhook_url_env = "RK_TEST_SLACK_URL"\n', tmp_path)
    with pytest.raises(ConfigError) as error:
        build_channels(config)
    assert str(error.value) == (
        "[[notify.slack]] slack-1: webhook_url is not an https:// URL; copy the incoming "
        "webhook's URL from Slack's app settings"
    )


@pytest.mark.usefixtures("environment")
def test_a_login_without_tls_is_warned_about(tmp_path: Path) -> None:
    text = CHANNELS.replace("verify_tls = false", "").replace(
        'host = "127.0.0.1"', 'host = "127.0.0.1"\ntls = "none"'
    )
    config, file = _config(text, tmp_path)
    assert startup_warnings(config, file) == [
        "[[notify.email]] email-1: logs in as 'cart-a' with tls = \"none\": the password "
        'crosses the network unencrypted; set tls = "starttls" or "ssl"'
    ]


def test_the_example_configurations_channels_build(monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).resolve().parents[3] / "config" / "rollkeeper.example.toml"
    for variable, value in {
        "RK_SMTP_PASSWORD": "example-password",
        "RK_SLACK_WEBHOOK": "https://hooks.slack.com/services/T0/B0/example",
        "RK_WEBHOOK_SECRET": "example-secret",
        "RK_NTFY_URL": "ntfy://ntfy.sh/our-show",
    }.items():
        monkeypatch.setenv(variable, value)
    config = parse_config(example.read_text(encoding="utf-8"), example)
    channels = build_channels(config)
    assert [(channel.name, channel.kind) for channel in channels] == [
        ("production-office", "email"),
        ("slack-1", "slack"),
        ("webhook-1", "webhook"),
        ("apprise-1", "apprise"),
        ("console-1", "console"),
    ]
    for channel in channels:
        channel.close()
