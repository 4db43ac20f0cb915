"""Who hears of an event: the configured channels as routes, matched when the event is recorded.

A `Route` is a channel's name and what it is told (`[[notify.*]]`: `events`, `min_severity`,
`batch_every`). The ledger is opened with the routes of its configuration, and every event it
records gets one delivery row per matching route in the same transaction (`ledger.outbox`), so
no announced event is ever without its deliveries, nor a delivery without its event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rollkeeper.core.events import SEVERITY_ORDER, Event

if TYPE_CHECKING:  # the settings (pydantic, 0.17 s to import) only where routes are made
    from rollkeeper.config.notify import NotifySettings


@dataclass(frozen=True, slots=True)
class Route:
    """One channel's share of the events: `kinds` None means every announced kind."""

    channel: str
    kinds: frozenset[str] | None = None
    min_severity: str = "info"
    batch_every: float = 0.0

    def matches(self, event: Event) -> bool:
        """Whether this channel is told of `event`: its kind is one the channel takes (every
        announced kind by default), and it is at least as loud as the channel's least."""
        wanted = event.announced if self.kinds is None else event.kind.value in self.kinds
        return wanted and _loudness(event.severity.value) >= _loudness(self.min_severity)


def routes_for(notify: NotifySettings) -> tuple[Route, ...]:
    """The routes of every configured channel, in the order `NotifySettings.channels` names
    them."""
    from rollkeeper.config.notify import batch_every

    return tuple(
        Route(
            channel=name,
            kinds=None if channel.events is None else frozenset(channel.events),
            min_severity=channel.min_severity,
            batch_every=batch_every(channel),
        )
        for name, channel in notify.channels()
    )


def _loudness(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
