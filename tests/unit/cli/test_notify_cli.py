"""Specification: `rollkeeper notify summary [--day DAY]` records a summary asked for at wrap,
routed to every channel that takes it, and says on how many it goes out; `rollkeeper notify
outbox [--json]` lists what waits to be sent and what was given up. Run as a person runs them."""

from __future__ import annotations

import json
from pathlib import Path

from rollkeeper.core import happened
from rollkeeper.ledger.routing import Route
from rollkeeper.ledger.store import Ledger

from tests.httpreceiver import Answer, HttpReceiver
from tests.smtpserver import SmtpServer
from tests.unit.cli.test_cli import rollkeeper

CHANNELS = """
[[notify.slack]]
webhook_url_env = "RK_TEST_SLACK_URL"

[[notify.webhook]]
url = "https://ops.example/rollkeeper"
min_severity = "alarm"

[[notify.email]]
host = "localhost"
sender = "rk@cart.example"
to = ["dit@show.example"]
events = ["day_summary"]
"""


def cart(tmp_path: Path, channels: str = CHANNELS) -> Path:
    """A configuration with its state folder (the ledger exists); its path."""
    state = tmp_path / "state"
    Ledger.in_state_dir(state).close()
    config = tmp_path / "rollkeeper.toml"
    config.write_text(f'[cart]\nname = "CART-A"\n[state]\ndir = "{state}"\n{channels}')
    return config


def served(slack: HttpReceiver, smtp: SmtpServer, webhook: HttpReceiver | None = None) -> str:
    """Channels on real loopback servers: Slack and email take summaries; the webhook only
    alarms (unless given a receiver, when it takes everything)."""
    hook = webhook.url("/hook") if webhook else "https://ops.example/rollkeeper"
    only_alarms = "" if webhook else 'min_severity = "alarm"'
    return f"""
[[notify.slack]]
webhook_url = "{slack.url("/services/T0/B0/secret-token")}"

[[notify.webhook]]
url = "{hook}"
{only_alarms}

[[notify.email]]
host = "127.0.0.1"
port = {smtp.port}
tls = "none"
sender = "rk@cart.example"
to = ["dit@show.example"]
events = ["day_summary"]
"""


def pending(tmp_path: Path) -> list[tuple[str, str]]:
    """(sentence, channel) of every delivery of a summary still waiting."""
    ledger = Ledger.in_state_dir(tmp_path / "state", readonly=True)
    try:
        sentences = {e.id: e.message for e in ledger.events() if e.kind == "day_summary"}
        return [
            (sentences[d.event_id], d.channel)
            for d in ledger.deliveries(("pending",))
            if d.event_id in sentences
        ]
    finally:
        ledger.close()


def test_a_summary_asked_at_wrap_is_sent_now_to_each_channel_that_takes_it(
    tmp_path: Path,
) -> None:
    with HttpReceiver() as slack, SmtpServer() as smtp:
        config = cart(tmp_path, served(slack, smtp))
        done = rollkeeper("notify", "summary", "--day", "20261121", "--config", config)
    assert (done.returncode, done.stdout) == (
        0, "The summary of shoot day 20261121 goes to 2 channels:\nemail-1: sent\nslack-1: sent\n"
    )  # fmt: skip
    assert len(slack.requests) == 1
    [email] = smtp.messages()
    assert email["Subject"].startswith("[CART-A] ")
    [attached] = list(email.iter_attachments())
    assert attached.get_content_type() == "text/csv"
    assert pending(tmp_path) == []


def test_a_channel_that_does_not_take_the_summary_leaves_it_to_the_daemon_and_exits_3(
    tmp_path: Path,
) -> None:
    with (
        HttpReceiver() as slack,
        SmtpServer() as smtp,
        HttpReceiver([Answer(500, body=b"down for maintenance")]) as webhook,
    ):
        config = cart(tmp_path, served(slack, smtp, webhook))
        done = rollkeeper("notify", "summary", "--config", config)
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    assert lines[:3] == [
        "The summary of the whole show goes to 3 channels:",
        "email-1: sent",
        "slack-1: sent",
    ]
    assert lines[3].startswith("webhook-1: NOT sent: ")
    assert lines[3].endswith("; the daemon tries again")
    assert pending(tmp_path) == [("SUMMARY: a summary of the whole show", "webhook-1")]
    assert "secret-token" not in done.stdout + done.stderr


def test_a_summary_whose_channel_secret_is_missing_records_nothing_and_says_which(
    tmp_path: Path,
) -> None:
    done = rollkeeper("notify", "summary", "--config", cart(tmp_path))
    assert done.returncode == 2
    assert "webhook_url_env names the environment variable RK_TEST_SLACK_URL" in done.stderr
    assert pending(tmp_path) == []


def test_a_day_not_written_yyyymmdd_exits_2_and_records_nothing(tmp_path: Path) -> None:
    done = rollkeeper("notify", "summary", "--day", "2026-11-21", "--config", cart(tmp_path))
    assert (done.returncode, done.stderr) == (
        2, "rollkeeper: --day 2026-11-21: give a shoot day as YYYYMMDD, e.g. 20261121\n"
    )  # fmt: skip
    assert pending(tmp_path) == []


def test_a_summary_no_channel_takes_says_how_to_add_one(tmp_path: Path) -> None:
    done = rollkeeper("notify", "summary", "--config", cart(tmp_path, channels=""))
    assert done.returncode == 0
    assert done.stdout == (
        "The summary of the whole show recorded, but no channel takes it: add a [[notify.*]] "
        "channel (its events and min_severity must allow day_summary)\n"
    )


def test_the_outbox_lists_what_waits_with_its_last_error(tmp_path: Path) -> None:
    config = cart(tmp_path)
    ledger = Ledger.in_state_dir(tmp_path / "state", routes=(Route("slack-1"),))
    ledger.record(happened.target_unusable("TARGET full"))
    ledger.close()
    done = rollkeeper("notify", "outbox", "--config", config)
    assert (done.returncode, done.stdout) == (
        0, "slack-1: waiting (0 attempts so far): TARGET full\n"
    )  # fmt: skip
    document = json.loads(rollkeeper("notify", "outbox", "--json", "--config", config).stdout)
    assert document["schema"] == "rollkeeper.outbox/1"
    assert [(d["channel"], d["state"], d["kind"]) for d in document["deliveries"]] == [
        ("slack-1", "pending", "target_unusable")
    ]


def test_an_empty_outbox_says_every_notification_was_delivered(tmp_path: Path) -> None:
    done = rollkeeper("notify", "outbox", "--config", cart(tmp_path))
    assert done.stdout == "Nothing waits to be sent: every notification was delivered.\n"
