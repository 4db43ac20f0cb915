"""Events about the archival copy."""

from __future__ import annotations

from collections.abc import Sequence

from rollkeeper.core.events import Event, EventKind, Severity
from rollkeeper.core.happened.making import LISTED, make


def archive_unusable(problem: str, *, provider: str) -> Event:
    """An alarm when an archive is configured; with provider `none` it is how things are, but a
    warning still (the log says it as one): RAIDs are never cleared."""
    severity = Severity.WARNING if provider == "none" else Severity.ALARM
    facts = {"problem": problem, "provider": provider}
    return make(EventKind.ARCHIVE_UNUSABLE, facts, severity=severity)


def archived(roll_id: str, *, provider: str) -> Event:
    return make(EventKind.ARCHIVE_DONE, {"provider": provider}, roll_id=roll_id)


def archive_failed(roll_id: str, *, provider: str, reasons: Sequence[str]) -> Event:
    facts = {"provider": provider, "reasons": list(reasons[:LISTED])}
    return make(EventKind.ARCHIVE_FAILED, facts, roll_id=roll_id)


def archive_overdue(roll_id: str, *, provider: str, reasons: Sequence[str], state: str) -> Event:
    facts = {"provider": provider, "reasons": list(reasons[:LISTED]), "state": state}
    return make(EventKind.ARCHIVE_OVERDUE, facts, roll_id=roll_id)
