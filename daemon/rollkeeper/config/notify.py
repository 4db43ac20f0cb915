"""The `[notify]` channels and the `[monitor]` dead-man's switch: who is told what, and how.

Several channels of each kind may be configured (`[[notify.email]]`, `[[notify.slack]]`,
`[[notify.webhook]]`, `[[notify.apprise]]`, `[[notify.console]]`). Every secret has an `_env`
form naming the environment variable that holds it; an inline secret is accepted (a warning at
start when the file is readable by others) and is held as a `SecretStr`, so no repr, log line
or error ever shows it. `secret()` is the one place a secret's value is read.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from rollkeeper.config.errors import ConfigError
from rollkeeper.config.fields import AbsolutePath, Seconds, Section
from rollkeeper.core.events import EventKind

#: How long good news waits to be told together, by channel kind (email: one message a batch).
DEFAULT_BATCH_EVERY = {
    "email": 600.0,
    "slack": 0.0,
    "webhook": 0.0,
    "apprise": 0.0,
    "console": 0.0,
}


class ChannelSettings(Section):
    """What every channel takes: its name, which events reach it, and how good news is batched."""

    name: str | None = Field(
        None, min_length=1, description="Name of the channel (default: email-1, slack-1, …)."
    )
    events: list[str] | None = Field(
        None, description="Event kinds told on this channel (default: every announced kind)."
    )
    min_severity: Literal["info", "warning", "alarm"] = Field(
        "info", description="The least severity told on this channel: info | warning | alarm."
    )
    batch_every: Seconds | None = Field(
        None,
        description="Good news waits this long to be told together, grouped by shoot day "
        "(default 10m for email, 0 for the others: at once). Alarms never wait.",
    )
    timeout: Seconds = Field(20.0, gt=0, description="Seconds one delivery attempt may take.")

    @field_validator("events", mode="after")
    @classmethod
    def _known_kinds(cls, kinds: list[str] | None) -> list[str] | None:
        known = {kind.value for kind in EventKind}
        for kind in kinds or ():
            if kind not in known:
                raise ValueError(
                    f"{kind!r} is not an event kind (known: {', '.join(sorted(known))})"
                )
        return kinds


class HttpChannelSettings(ChannelSettings):
    """A channel that speaks HTTP(S): TLS verification and the CA bundle (`HTTPS_PROXY` is
    honoured from the environment)."""

    verify_tls: bool = Field(True, description="Verify the server's TLS certificate.")
    ca_bundle: AbsolutePath | None = Field(
        None, description="A PEM file of CA certificates to trust instead of the system's."
    )


class EmailChannel(ChannelSettings):
    """`[[notify.email]]`: SMTP, a multipart plain text + HTML message per notice."""

    host: str = Field(min_length=1, description="SMTP server name or address.")
    port: int = Field(587, ge=1, le=65535, description="SMTP port.")
    tls: Literal["none", "starttls", "ssl"] = Field(
        "starttls", description="none | starttls | ssl (implicit TLS, usually port 465)."
    )
    username: str | None = Field(None, description="SMTP login (optional).")
    password: SecretStr | None = Field(None, description="Inline password: prefer password_env.")
    password_env: str | None = Field(None, description="Environment variable with the password.")
    sender: str = Field(min_length=3, description="The From address.")
    to: list[str] = Field(min_length=1, description="Recipients.")
    verify_tls: bool = Field(True, description="Verify the server's TLS certificate.")
    ca_bundle: AbsolutePath | None = Field(None, description="A PEM file of CA certificates.")

    @model_validator(mode="after")
    def _one_password(self) -> EmailChannel:
        _at_most_one(self.password, self.password_env, "password")
        return self


class SlackChannel(HttpChannelSettings):
    """`[[notify.slack]]`: a Slack incoming webhook, Block Kit messages."""

    webhook_url: SecretStr | None = Field(None, description="Inline webhook URL (a secret).")
    webhook_url_env: str | None = Field(None, description="Environment variable with the URL.")

    @model_validator(mode="after")
    def _one_url(self) -> SlackChannel:
        _exactly_one(self.webhook_url, self.webhook_url_env, "webhook_url")
        return self


class WebhookChannel(HttpChannelSettings):
    """`[[notify.webhook]]`: a versioned JSON document POSTed, signed with HMAC-SHA256."""

    url: str = Field(min_length=8, description="Where the JSON is POSTed (http:// or https://).")
    secret: SecretStr | None = Field(None, description="Inline signing secret: prefer secret_env.")
    secret_env: str | None = Field(None, description="Environment variable with the secret.")

    @field_validator("url", mode="after")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return url

    @model_validator(mode="after")
    def _one_secret(self) -> WebhookChannel:
        _at_most_one(self.secret, self.secret_env, "secret")
        return self


class AppriseChannel(ChannelSettings):
    """`[[notify.apprise]]`: one apprise URL (Teams, ntfy, Telegram, Pushover, …) per channel."""

    url: SecretStr | None = Field(None, description="Inline apprise URL (often holds a token).")
    url_env: str | None = Field(None, description="Environment variable with the URL.")

    @model_validator(mode="after")
    def _one_url(self) -> AppriseChannel:
        _exactly_one(self.url, self.url_env, "url")
        return self


class ConsoleChannel(ChannelSettings):
    """`[[notify.console]]`: each notice printed on the daemon's standard output (the demo)."""


class NotifySettings(Section):
    """`[notify]`: the channels, the daily summary and how long a delivery is retried."""

    email: list[EmailChannel] = Field(default_factory=list)
    slack: list[SlackChannel] = Field(default_factory=list)
    webhook: list[WebhookChannel] = Field(default_factory=list)
    apprise: list[AppriseChannel] = Field(default_factory=list)
    console: list[ConsoleChannel] = Field(default_factory=list)
    daily_at: str | None = Field(
        None, description="Local time of the daily summary, e.g. '19:00' (default: none)."
    )
    give_up_after: Seconds = Field(
        86400.0, gt=0, description="A delivery still failing this long after its event is failed."
    )

    @field_validator("daily_at", mode="after")
    @classmethod
    def _clock_time(cls, value: str | None) -> str | None:
        if value is None:
            return None
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
            raise ValueError("must be a local time as HH:MM, e.g. '19:00'")
        if int(hours) > 23 or int(minutes) > 59:
            raise ValueError("must be a time of day between 00:00 and 23:59")
        return f"{int(hours):02d}:{minutes}"

    @model_validator(mode="after")
    def _unique_names(self) -> NotifySettings:
        seen: set[str] = set()
        for name, _channel in self.channels():
            if name in seen:
                raise ValueError(f"two channels are named {name!r}; give one another 'name'")
            seen.add(name)
        return self

    def channels(self) -> list[tuple[str, ChannelSettings]]:
        """Every channel with its name (`email-1`, `slack-1`, … in file order unless named)."""
        named: list[tuple[str, ChannelSettings]] = []
        kinds: tuple[tuple[str, list[ChannelSettings]], ...] = (
            ("email", list(self.email)),
            ("slack", list(self.slack)),
            ("webhook", list(self.webhook)),
            ("apprise", list(self.apprise)),
            ("console", list(self.console)),
        )
        for kind, channels in kinds:
            for number, channel in enumerate(channels, start=1):
                named.append((channel.name or f"{kind}-{number}", channel))
        return named


class MonitorSettings(Section):
    """`[monitor]`: a dead-man's switch (healthchecks-style) pinged while the daemon is healthy."""

    ping_url: SecretStr | None = Field(
        None, description="Pinged every ping_every; '/start' at start, '/fail' on a fatal error."
    )
    ping_url_env: str | None = Field(None, description="Environment variable with the ping URL.")
    ping_every: Seconds = Field(300.0, gt=0, description="How often the ping is sent.")
    verify_tls: bool = Field(True, description="Verify the ping server's TLS certificate.")
    ca_bundle: AbsolutePath | None = Field(None, description="A PEM file of CA certificates.")

    @model_validator(mode="after")
    def _one_url(self) -> MonitorSettings:
        _at_most_one(self.ping_url, self.ping_url_env, "ping_url")
        return self


def channel_kind(channel: ChannelSettings) -> str:
    """`email`, `slack`, `webhook`, `apprise` or `console`."""
    kinds: dict[type[ChannelSettings], str] = {
        EmailChannel: "email",
        SlackChannel: "slack",
        WebhookChannel: "webhook",
        AppriseChannel: "apprise",
        ConsoleChannel: "console",
    }
    return kinds[type(channel)]


def batch_every(channel: ChannelSettings) -> float:
    """How long good news waits on `channel` (its setting, else its kind's default)."""
    if channel.batch_every is not None:
        return channel.batch_every
    return DEFAULT_BATCH_EVERY[channel_kind(channel)]


def secret(inline: SecretStr | None, env: str | None, key: str, where: str) -> str | None:
    """The value of a secret given inline or by `env` (None when neither is set). A variable
    named but not set is a `ConfigError` naming the key and the variable, never the value."""
    if inline is not None:
        return inline.get_secret_value()
    if env is None:
        return None
    value = os.environ.get(env)
    if not value:
        raise ConfigError(
            f"{where}: {key}_env names the environment variable {env}, which is not set; "
            f"set it in the service's environment (or remove {key}_env)"
        )
    return value


def _at_most_one(inline: object, env: str | None, key: str) -> None:
    if inline is not None and env is not None:
        raise ValueError(f"set {key} or {key}_env, not both")


def _exactly_one(inline: object, env: str | None, key: str) -> None:
    _at_most_one(inline, env, key)
    if inline is None and env is None:
        raise ValueError(f"set {key}_env (the environment variable holding it) or {key}")
