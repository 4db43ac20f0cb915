"""Specification: `rollkeeper notify summary [--day DAY]` records a summary asked for at wrap,
routed to every channel that takes it, and says on how many it goes out; `rollkeeper notify
outbox [--json]` lists what waits to be sent and what was given up. Run as a person runs them."""

from __future__ import annotations

import json
from pathlib import Path

from rollkeeper.core import happened
from rollkeeper.ledger.routing import Route
from rollkeeper.ledger.store import Ledger

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


def summaries(tmp_path: Path) -> list[tuple[str, str]]:
    ledger = Ledger.in_state_dir(tmp_path / "state", readonly=True)
    try:
        events = [e for e in ledger.events() if e.kind == "day_summary"]
        return [(e.message, d.channel) for e in events for d in ledger.deliveries(("pending",))]
    finally:
        ledger.close()


def test_a_summary_asked_at_wrap_is_queued_for_each_channel_that_takes_it(
    tmp_path: Path,
) -> None:
    done = rollkeeper("notify", "summary", "--day", "20261121", "--config", cart(tmp_path))
    assert (done.returncode, done.stdout) == (
        0, "The summary of shoot day 20261121 queued for 2 channels; the daemon sends it\n"
    )  # fmt: skip
    assert sorted(summaries(tmp_path)) == [
        ("SUMMARY: a summary of shoot day 20261121", "email-1"),
        ("SUMMARY: a summary of shoot day 20261121", "slack-1"),
    ]


def test_a_summary_of_the_whole_show_without_a_day(tmp_path: Path) -> None:
    done = rollkeeper("notify", "summary", "--config", cart(tmp_path))
    assert done.stdout.startswith("The summary of the whole show queued for 2 channels")


def test_a_day_not_written_yyyymmdd_exits_2_and_records_nothing(tmp_path: Path) -> None:
    done = rollkeeper("notify", "summary", "--day", "2026-11-21", "--config", cart(tmp_path))
    assert (done.returncode, done.stderr) == (
        2, "rollkeeper: --day 2026-11-21: give a shoot day as YYYYMMDD, e.g. 20261121\n"
    )  # fmt: skip
    assert summaries(tmp_path) == []


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
