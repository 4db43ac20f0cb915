"""The status document's health members: how the archive tier answers and how the dead-man's
switch fares — the "is the world behind this cart reachable?" half of `status`.

`archive` sums the archive provider's last answer per roll (counts by state, when it was last
asked, and the latest reason a roll is not archived yet, e.g. "archive portal unreachable");
`monitor` is what the switch's thread last kept (`fs.monitor_state`). Both are None when not
configured.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rollkeeper.fs.monitor_state import read_monitor_state
from rollkeeper.ledger.rows import ArchiveCheck


def roll_archive_json(check: ArchiveCheck | None) -> dict[str, Any] | None:
    """A roll's last archive answer: its state, when asked, when archived, and why not yet."""
    if check is None:
        return None
    return {
        "state": check.state,
        "provider": check.provider,
        "checked_at": check.checked_at,
        "archived_at": check.archived_at,
        "reasons": _reasons(check),
    }


def _reasons(check: ArchiveCheck) -> list[str]:
    try:
        reasons = json.loads(check.reasons or "[]")
    except ValueError:
        return []
    return [r for r in reasons if isinstance(r, str)] if isinstance(reasons, list) else []


def archive_json(provider: str, checks: Iterable[ArchiveCheck | None]) -> dict[str, Any] | None:
    """The archive tier at a glance; None without one (`[archive] provider = "none"`)."""
    if provider == "none":
        return None
    answered = [c for c in checks if c is not None]
    counts = Counter(c.state for c in answered)
    waiting = sorted((c for c in answered if c.state != "archived"), key=lambda c: c.checked_at)
    # each check's reasons are parsed once: the latest that has any says why
    latest_reasons = next((r for r in map(_reasons, reversed(waiting)) if r), [])
    return {
        "provider": provider,
        "archived": counts.get("archived", 0),
        "pending": counts.get("pending", 0),
        "failed": counts.get("failed", 0),
        "last_checked_at": max((c.checked_at for c in answered), default=None),
        "problem": latest_reasons[0] if latest_reasons else None,
    }


def monitor_json(state_dir: Path) -> dict[str, Any] | None:
    """The dead-man's switch's last ping; None when none was ever tried (or none is set)."""
    state = read_monitor_state(state_dir)
    if state is None:
        return None
    return {
        "last_success": state.last_success,
        "last_attempt": state.last_attempt,
        "last_error": state.last_error,
    }
