"""The apprise channel: one apprise URL (Teams, ntfy, Telegram, Pushover, …) per channel, so each
delivery has its own result.

The title is the notice's subject, the body its plain text (`notify.rendering`) under it, the type
`failure` for alarms, `warning` for warnings, `success` for good news. apprise says why a service
failed only in its log: the entries of the call are read back from its result, scrubbed of the
URL's tokens (a Telegram bot token is the URL's host, a Pushover key its user part), and the last
warning or error becomes the reason. The URL is registered with `notify.scrub`, so apprise's own
log lines reach no handler with a token in them either.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import apprise

from rollkeeper.core.events import Severity
from rollkeeper.notify.model import DeliveryFailed, Notice
from rollkeeper.notify.rendering import render_text
from rollkeeper.notify.scrub import register, scrub

_TYPES = {
    Severity.ALARM: apprise.NotifyType.FAILURE,
    Severity.WARNING: apprise.NotifyType.WARNING,
    Severity.INFO: apprise.NotifyType.SUCCESS,
}
_SAYS_WHY = {"WARNING", "ERROR", "CRITICAL"}


class AppriseChannel:
    """`[[notify.apprise]]`: see the module's docstring."""

    kind = "apprise"

    def __init__(self, name: str, url: str, timeout: float) -> None:
        register([url])
        self._name = name
        self._url = url
        self._timeout = timeout
        self.service = urlsplit(url).scheme or "?"
        self._where = f"apprise channel {name} ({self.service}://…)"

    def __repr__(self) -> str:
        return f"AppriseChannel({self._name!r}, {self.service!r})"

    @property
    def name(self) -> str:
        return self._name

    def send(self, notice: Notice) -> None:
        """Notify the one service, or raise `DeliveryFailed` with apprise's reason, scrubbed."""
        service = apprise.Apprise()
        if not service.add(self._url):
            raise DeliveryFailed(
                f"{self._where}: apprise does not understand the URL (service "
                f"{self.service!r}); check it against apprise's list of services",
                permanent=True,
            )
        try:
            result = service.notify(
                body=render_text(notice, heading=False),
                title=notice.subject,
                notify_type=_TYPES[notice.severity],
                timeout=self._timeout,
            )
        except Exception as err:  # apprise's plugins may raise anything; the reason is scrubbed
            detail = scrub(str(err) or type(err).__name__, [self._url])
            raise DeliveryFailed(f"{self._where}: apprise failed ({detail})") from None
        if not result:
            raise DeliveryFailed(f"{self._where}: {self._why(result)}")

    def _why(self, result: object) -> str:
        """The last warning or error apprise logged during the call, without the URL's tokens."""
        entries = getattr(result, "logs", None)
        said = [
            entry.message
            for entry in (entries() if callable(entries) else ())
            if getattr(entry, "level", "") in _SAYS_WHY
        ]
        if not said:
            return "the service did not accept the message"
        text = " ".join(str(said[-1]).split())
        return f"the service did not accept the message ({scrub(text, [self._url])})"

    def close(self) -> None:
        """Nothing is kept open between messages."""
