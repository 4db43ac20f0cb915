"""The outbox as people see it (`rollkeeper notify outbox`), and a summary asked for at wrap
(`rollkeeper notify summary`).

The listing is read-only, like `status`: every delivery still pending or given up, with the
event's sentence. A summary asked for is a DAY_SUMMARY event recorded in its own short
transaction, routed to the configured channels like any event, and sent at once by the command
(`notify.sending`); what fails is left to the daemon.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rollkeeper import __version__
from rollkeeper.core import happened
from rollkeeper.core.errors import BadInputError
from rollkeeper.core.words.deliveries import delivery_line, nothing_waiting, summary_queued
from rollkeeper.ledger.routing import Route
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.ledger_file import require_ledger

OUTBOX_SCHEMA = "rollkeeper.outbox/1"
NO_LEDGER_HINT = "nothing has been recorded on this cart yet"


def load_outbox(state_dir: Path) -> dict[str, Any]:
    """Every delivery pending or failed, oldest first, with its event's kind and sentence."""
    require_ledger(state_dir, NO_LEDGER_HINT)
    ledger = Ledger.in_state_dir(state_dir, readonly=True)
    try:
        deliveries = ledger.deliveries(("pending", "failed"))
        events = {e.id: e for e in ledger.events_by_id({d.event_id for d in deliveries})}
        listed = []
        for delivery in deliveries:
            event = events.get(delivery.event_id)
            listed.append(
                {
                    "channel": delivery.channel,
                    "state": delivery.state,
                    "event_id": delivery.event_id,
                    "kind": event.kind if event else None,
                    "roll_id": event.roll_id if event else None,
                    "sentence": event.message if event else "",
                    "attempts": delivery.attempts,
                    "next_attempt_at": delivery.next_attempt_at,
                    "last_error": delivery.last_error,
                    "created_at": delivery.created_at,
                    "notice_id": delivery.notice_id,
                }
            )
    finally:
        ledger.close()
    return {
        "schema": OUTBOX_SCHEMA,
        "tool": {"name": "rollkeeper", "version": __version__},
        "deliveries": listed,
    }


def outbox_text(document: dict[str, Any]) -> str:
    """One line a delivery, or that nothing waits."""
    lines = [
        delivery_line(
            channel=d["channel"],
            state=d["state"],
            attempts=d["attempts"],
            sentence=d["sentence"],
            last_error=d["last_error"],
        )
        for d in document["deliveries"]
    ]
    return "\n".join(lines) or nothing_waiting()


def outbox_json(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def check_day(day: str | None) -> str | None:
    """A shoot day as `--day` takes it: YYYYMMDD (None: the whole show)."""
    if day is not None and not (len(day) == 8 and day.isdigit()):
        raise BadInputError(f"--day {day}: give a shoot day as YYYYMMDD, e.g. 20261121")
    return day


def ask_summary(ledger: Ledger, routes: Sequence[Route], day: str | None) -> tuple[int, str]:
    """Record, in the open `ledger` (opened with `routes`), that a summary of `day` (None: the
    whole show) is asked for at wrap; its event id, and the sentence saying on how many channels
    it goes out."""
    event = happened.summary_asked(check_day(day), occasion="wrap")
    ledger.record(event)
    channels = sum(route.matches(event) for route in routes)
    what = f"The summary of shoot day {day}" if day else "The summary of the whole show"
    return ledger.last_recorded_id, summary_queued(what, channels)
