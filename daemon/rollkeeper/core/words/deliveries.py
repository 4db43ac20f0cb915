"""How the outbox is said: each channel's line in `status`, `notify outbox` and `notify summary`."""

from __future__ import annotations

#: Why a delivery to a channel removed from the configuration was given up (at start).
NO_LONGER_CONFIGURED = "channel no longer configured"

#: Why a delivery never tried was given up after `[notify] give_up_after`.
NOT_SENT_IN_TIME = "never sent within give_up_after (no channel could take it)"


def channel_line(
    channel: str,
    *,
    pending: int,
    failed: int,
    oldest_pending: str | None,
    last_error: str | None,
) -> str:
    """A channel's line in `status`: delivered, waiting (since when, why), or given up.
    `oldest_pending` is a clock time already said ("10:02 UTC")."""
    if not pending and not failed:
        return f"Notify {channel}: all delivered"
    parts = []
    if pending:
        since = f" (oldest since {oldest_pending})" if oldest_pending else ""
        parts.append(f"{pending} waiting to be sent{since}")
    if failed:
        parts.append(f"{failed} FAILED, given up: never delivered")
    error = f"; last error: {last_error}" if last_error else ""
    return f"Notify {channel}: {', '.join(parts)}{error}"


def delivery_line(
    *, channel: str, state: str, attempts: int, sentence: str, last_error: str | None
) -> str:
    """One delivery in `notify outbox`: where, how it stands, what it tells, why it waits."""
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    why = f" — {last_error}" if last_error else ""
    shown = f"FAILED after {tries}" if state == "failed" else f"waiting ({tries} so far)"
    return f"{channel}: {shown}: {sentence}{why}"


def nothing_waiting() -> str:
    """`notify outbox` when every delivery went out."""
    return "Nothing waits to be sent: every notification was delivered."


def summary_queued(what: str, channels: int) -> str:
    """`notify summary`: the summary is recorded and goes out on `channels` channels now."""
    if channels == 0:
        return (
            f"{what} recorded, but no channel takes it: add a [[notify.*]] channel "
            "(its events and min_severity must allow day_summary)"
        )
    plural = "s" if channels != 1 else ""
    return f"{what} goes to {channels} channel{plural}:"


def sent_now(channel: str) -> str:
    """`notify summary`: one channel took the summary."""
    return f"{channel}: sent"


def not_sent_now(channel: str, reason: str, *, given_up: bool) -> str:
    """`notify summary`: one channel did not take the summary, and what becomes of it."""
    then = "given up (see rollkeeper notify outbox)" if given_up else "the daemon tries again"
    return f"{channel}: NOT sent: {reason}; {then}"
