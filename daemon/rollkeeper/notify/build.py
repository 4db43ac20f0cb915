"""The channels of a configuration, built once at start, and the warnings the daemon logs then.

`build_channels` resolves every secret (`config.notify.secret`: a variable named by an `_env` key
but not set is a `ConfigError` naming the key and the variable) and returns one `Channel` per
`[[notify.*]]` table, named as `NotifySettings.channels` names them. `startup_warnings` says what
is allowed but unwise: a channel that does not verify TLS, and an inline secret in a file that
group or others can read. `register_secrets` hides every secret of the configuration from this
process's words, whichever channels it builds (`notify test --channel NAME` builds one).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pydantic import SecretStr

from rollkeeper.config import notify as settings
from rollkeeper.config.errors import ConfigError
from rollkeeper.config.schema import Config
from rollkeeper.notify.apprise_channel import AppriseChannel
from rollkeeper.notify.console import ConsoleChannel
from rollkeeper.notify.email import EmailChannel, SmtpServer
from rollkeeper.notify.http import HttpOptions, is_http_url
from rollkeeper.notify.model import Channel
from rollkeeper.notify.scrub import register
from rollkeeper.notify.slack import SlackChannel
from rollkeeper.notify.webhook import WebhookChannel


def _where(kind: str, name: str) -> str:
    return f"[[notify.{kind}]] {name}"


def _http_options(channel: settings.HttpChannelSettings) -> HttpOptions:
    return HttpOptions(
        timeout=channel.timeout, verify_tls=channel.verify_tls, ca_bundle=channel.ca_bundle
    )


def _email(name: str, channel: settings.EmailChannel) -> EmailChannel:
    password = settings.secret(
        channel.password, channel.password_env, "password", _where("email", name)
    )
    server = SmtpServer(
        host=channel.host,
        port=channel.port,
        tls=channel.tls,
        timeout=channel.timeout,
        username=channel.username,
        password=password,
        verify_tls=channel.verify_tls,
        ca_bundle=channel.ca_bundle,
    )
    return EmailChannel(name, server, channel.sender, channel.to)


def _required(value: str | None, key: str, where: str) -> str:
    if value is None:  # the settings' validator already asks for one of the two
        raise ConfigError(f"{where}: set {key}_env or {key}")
    return value


def build_channel(name: str, channel: settings.ChannelSettings) -> Channel:
    """The channel named `name` configured by `channel`."""
    if isinstance(channel, settings.EmailChannel):
        return _email(name, channel)
    if isinstance(channel, settings.SlackChannel):
        where = _where("slack", name)
        url = settings.secret(channel.webhook_url, channel.webhook_url_env, "webhook_url", where)
        url = _required(url, "webhook_url", where)
        if not is_http_url(url):  # the value is a secret: named by its key, never shown
            raise ConfigError(
                f"{where}: webhook_url is not an https:// URL; copy the incoming webhook's URL "
                "from Slack's app settings"
            )
        return SlackChannel(name, url, _http_options(channel))
    if isinstance(channel, settings.WebhookChannel):
        where = _where("webhook", name)
        secret = settings.secret(channel.secret, channel.secret_env, "secret", where)
        return WebhookChannel(name, channel.url, secret, _http_options(channel))
    if isinstance(channel, settings.AppriseChannel):
        where = _where("apprise", name)
        url = settings.secret(channel.url, channel.url_env, "url", where)
        return AppriseChannel(name, _required(url, "url", where), channel.timeout)
    if isinstance(channel, settings.ConsoleChannel):
        return ConsoleChannel(name)
    raise TypeError(f"not a channel's settings: {type(channel).__name__}")


def build_channels(config: Config) -> list[Channel]:
    """Every configured channel, in the order `NotifySettings.channels` gives. Every secret of
    the configuration is registered for scrubbing first, so that no output of this process shows
    one (a server may echo another channel's secret, or the ping URL)."""
    register_secrets(config)
    return [build_channel(name, channel) for name, channel in config.notify.channels()]


#: The key of each kind's secret (its `_env` form is the key and `_env`).
_SECRET_KEY = {"email": "password", "slack": "webhook_url", "webhook": "secret", "apprise": "url"}


def register_secrets(config: Config) -> None:
    """Register every secret the configuration holds or names — every channel's and the
    `[monitor]` ping URL — with `notify.scrub`, so that no output of this process shows one,
    even of a channel not built here. A variable named but not set holds nothing to hide."""
    named: list[tuple[SecretStr | None, str | None, str, str]] = []
    for name, channel in config.notify.channels():
        key = _SECRET_KEY.get(settings.channel_kind(channel))
        if key is None:  # a channel holding no secret (the console)
            continue
        named.append((getattr(channel, key), getattr(channel, f"{key}_env"), key, name))
    monitor = config.monitor
    named.append((monitor.ping_url, monitor.ping_url_env, "ping_url", "[monitor]"))
    values: list[str | None] = []
    for inline, env, key, where in named:
        try:
            values.append(settings.secret(inline, env, key, where))
        except ConfigError:
            continue
    register(values)


def _inline_secrets(config: Config) -> list[str]:
    """The inline secrets of the file, as `[[notify.slack]] set-channel: webhook_url`."""
    found: list[str] = []
    for name, channel in config.notify.channels():
        kind = settings.channel_kind(channel)
        for key in ("password", "webhook_url", "secret", "url"):
            value = getattr(channel, key, None)
            if key == "url" and kind != "apprise":
                continue  # a webhook's url is an address, not a secret
            if value is not None:
                found.append(f"{_where(kind, name)}: {key}")
    if config.monitor.ping_url is not None:
        found.append("[monitor]: ping_url")
    return found


def startup_warnings(config: Config, config_file: Path) -> list[str]:
    """One sentence per unwise setting, for the daemon to log at start."""
    warnings = [
        f"{_where(settings.channel_kind(channel), name)}: verify_tls = false: the server's "
        "certificate is not checked, so anyone on the network path could read or change what "
        "is sent; set ca_bundle to trust a private CA instead"
        for name, channel in config.notify.channels()
        if getattr(channel, "verify_tls", True) is False
    ]
    warnings += [
        f'{_where("email", name)}: logs in as {channel.username!r} with tls = "none": the '
        'password crosses the network unencrypted; set tls = "starttls" or "ssl"'
        for name, channel in config.notify.channels()
        if isinstance(channel, settings.EmailChannel) and channel.tls == "none" and channel.username
    ]
    if not config.monitor.verify_tls:
        warnings.append(
            "[monitor]: verify_tls = false: the ping server's certificate is not checked"
        )
    inline = _inline_secrets(config)
    try:
        mode = os.stat(config_file).st_mode
    except OSError:
        return warnings
    if inline and mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append(
            f"{config_file} holds inline secrets ({'; '.join(inline)}) and is readable by "
            f"group or others (mode {stat.S_IMODE(mode):o}): run chmod 600 {config_file}, or "
            "move each secret into the environment variable named by its _env key"
        )
    return warnings
