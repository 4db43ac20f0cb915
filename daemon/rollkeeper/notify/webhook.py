"""The webhook channel: the `rollkeeper.notice/1` JSON document POSTed and signed.

Headers: `Content-Type: application/json`, `Idempotency-Key: <notice_id>` (the same on every
retry), `X-Rollkeeper-Signature: sha256=<hex>` when a secret is set, `X-Rollkeeper-Schema`.
Redirects are never followed, to the same host or another: the signed body and its key go only
where the configuration says (the reason names where the redirect pointed). A 429 is waited out
per `Retry-After`; 408, 5xx and timeouts are retried; other answers are permanent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from rollkeeper.notify.http import Destination, HttpOptions, build_client, host_of, post
from rollkeeper.notify.model import Notice
from rollkeeper.notify.scrub import register
from rollkeeper.notify.webhook_body import SCHEMA, SIGNATURE_HEADER, body, signature


def _now() -> datetime:
    return datetime.now(UTC)


class WebhookChannel:
    """`[[notify.webhook]]`: see the module's docstring."""

    kind = "webhook"

    def __init__(
        self,
        name: str,
        url: str,
        secret: str | None,
        options: HttpOptions,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        register([secret])
        self._name = name
        self._secret = secret
        self._clock = clock
        self._destination = Destination(
            url=url,
            where=f"webhook channel {name} ({host_of(url)})",
            secrets=(secret,) if secret else (),
        )
        self._client: httpx.Client = build_client(options)

    def __repr__(self) -> str:
        return f"WebhookChannel({self._name!r}, {self._destination.url!r})"

    @property
    def name(self) -> str:
        return self._name

    def request(self, notice: Notice) -> tuple[bytes, dict[str, str]]:
        """The exact body and the headers of one attempt to deliver `notice`."""
        content = body(notice, self._clock())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": notice.notice_id,
            "X-Rollkeeper-Schema": SCHEMA,
        }
        if self._secret:
            headers[SIGNATURE_HEADER] = signature(self._secret, content)
        return content, headers

    def send(self, notice: Notice) -> None:
        """POST the signed document, or raise `DeliveryFailed`."""
        content, headers = self.request(notice)
        post(self._client, self._destination, content, headers)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
