"""Specification: `status` shows each notification channel: all delivered, how many wait (since
when, and the last error), and deliveries given up, said plainly (text and `--json`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rollkeeper.core import happened
from rollkeeper.ledger.outbox import FailedAttempt
from rollkeeper.ledger.routing import Route
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.status import load_status
from rollkeeper.reports.status_text import notify_lines

DAY = 86400.0


def outbox(tmp_path: Path) -> Path:
    """Three channels: `ok` delivered its alarm, `down` keeps failing, `gone` gave up."""
    ledger = Ledger.in_state_dir(tmp_path, routes=(Route("ok"), Route("down"), Route("gone")))
    ledger.record(happened.target_unusable("TARGET full"))
    now = datetime.now(UTC) + timedelta(seconds=1)
    for claimed in ledger.claim_due(["ok", "down", "gone"], now=now):
        if claimed.channel == "ok":
            ledger.delivery_sent(claimed)
        elif claimed.channel == "down":
            ledger.delivery_failed(claimed, FailedAttempt("SMTP: connection refused", DAY))
        else:
            ledger.delivery_failed(claimed, FailedAttempt("HTTP 404", DAY, permanent=True))
    ledger.close()
    return tmp_path


def test_each_channel_is_in_the_status_document(tmp_path: Path) -> None:
    channels = {c["channel"]: c for c in load_status(outbox(tmp_path))["notify"]}
    assert (channels["ok"]["sent"], channels["ok"]["pending"]) == (1, 0)
    assert (channels["down"]["pending"], channels["down"]["last_error"]) == (
        1, "SMTP: connection refused"
    )  # fmt: skip
    assert (channels["gone"]["failed"], channels["gone"]["last_error"]) == (1, "HTTP 404")


def test_each_channels_line_says_delivered_waiting_or_given_up(tmp_path: Path) -> None:
    document = load_status(outbox(tmp_path))
    shown = notify_lines(document["notify"])
    lines = {line.split(":")[0]: (style, line) for style, line in shown}
    assert lines["Notify ok"] == ("green", "Notify ok: all delivered")
    style, down = lines["Notify down"]
    assert style == "yellow"
    assert down.startswith("Notify down: 1 waiting to be sent (oldest since ")
    assert down.endswith(" UTC); last error: SMTP: connection refused")
    assert lines["Notify gone"] == (
        "bold red", "Notify gone: 1 FAILED, given up: never delivered; last error: HTTP 404"
    )  # fmt: skip


def test_a_cart_without_channels_shows_no_notify_line(tmp_path: Path) -> None:
    Ledger.in_state_dir(tmp_path).close()
    assert load_status(tmp_path)["notify"] == []


def test_a_delivery_given_up_is_listed_with_its_attempts_and_last_error() -> None:
    from rollkeeper.core.words.deliveries import delivery_line

    line = delivery_line(
        channel="email-1", state="failed", attempts=9, sentence="A001R1AB archived",
        last_error="SMTP: 550 mailbox unavailable",
    )  # fmt: skip
    assert (
        line
        == "email-1: FAILED after 9 attempts: A001R1AB archived — SMTP: 550 mailbox unavailable"
    )
