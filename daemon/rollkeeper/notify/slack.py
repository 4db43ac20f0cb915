"""The Slack channel: an incoming webhook POSTed a Block Kit message (`notify.slack_blocks`).

The webhook URL is the secret: it is registered with `notify.scrub` when the channel is built,
and no reason names more than Slack's host. A 429 is waited out as its `Retry-After` asks;
408, 5xx and timeouts are retried; other 4xx (a revoked or wrong URL, an archived channel) are
permanent.
"""

from __future__ import annotations

import json

import httpx

from rollkeeper.notify.http import Destination, HttpOptions, build_client, host_of, post
from rollkeeper.notify.model import Notice
from rollkeeper.notify.scrub import register
from rollkeeper.notify.slack_blocks import slack_message


class SlackChannel:
    """`[[notify.slack]]`: see the module's docstring."""

    kind = "slack"

    def __init__(self, name: str, webhook_url: str, options: HttpOptions) -> None:
        register([webhook_url])
        self._name = name
        self._destination = Destination(
            url=webhook_url,
            where=f"Slack channel {name} ({host_of(webhook_url)})",
            secrets=(webhook_url,),
        )
        self._client: httpx.Client = build_client(options)

    def __repr__(self) -> str:
        return f"SlackChannel({self._name!r})"

    @property
    def name(self) -> str:
        return self._name

    def payload(self, notice: Notice) -> bytes:
        """The exact JSON body sent for `notice`."""
        return json.dumps(slack_message(notice), ensure_ascii=False).encode("utf-8")

    def send(self, notice: Notice) -> None:
        """POST the message, or raise `DeliveryFailed`."""
        post(
            self._client,
            self._destination,
            self.payload(notice),
            {"Content-Type": "application/json; charset=utf-8"},
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
