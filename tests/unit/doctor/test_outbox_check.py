"""Specification: doctor shows, per notification channel, what waits to be sent (with the last
error) or was given up, in the words `status` uses."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.config.schema import Config, parse_config
from rollkeeper.core import happened
from rollkeeper.doctor.model import Outcome
from rollkeeper.doctor.outbox import outbox_findings
from rollkeeper.ledger.outbox import FailedAttempt
from rollkeeper.ledger.routing import Route
from rollkeeper.ledger.store import Ledger


def cart(tmp_path: Path) -> Config:
    return parse_config(f'[state]\ndir = "{tmp_path / "state"}"\n', tmp_path / "rk.toml")


def test_no_ledger_yet_means_nothing_to_say(tmp_path: Path) -> None:
    assert outbox_findings(cart(tmp_path)) == []


def test_a_channel_whose_notifications_wait_on_an_error_is_a_warning_naming_it(
    tmp_path: Path,
) -> None:
    ledger = Ledger.in_state_dir(tmp_path / "state", routes=(Route("email-1"), Route("slack-1")))
    ledger.record(happened.target_unusable("TARGET full"))
    claims = {claim.channel: claim for claim in ledger.claim_due(["email-1", "slack-1"])}
    ledger.delivery_sent(claims["slack-1"])
    reason = "email channel email-1 (smtp.example:587): cannot be reached"
    ledger.delivery_failed(claims["email-1"], FailedAttempt(reason, give_up_after=86400.0))
    ledger.close()

    email, slack = outbox_findings(cart(tmp_path))

    assert email.outcome is Outcome.WARN
    assert email.sentence.startswith("Notify email-1: 1 waiting to be sent (oldest since ")
    assert email.sentence.endswith(f"; last error: {reason}")
    assert (slack.outcome, slack.sentence) == (Outcome.OK, "Notify slack-1: all delivered")
