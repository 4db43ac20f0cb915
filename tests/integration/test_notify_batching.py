"""Specification: good news is batched per channel, alarms and clearances are told at once — on
the real daemon, with a real SMTP server and real HTTP receivers for Slack and a signed webhook.

Two rolls of two shoot days are offloaded to a RAID and a shuttle and uploaded to a folder
target. Slack and the webhook (`batch_every` 0) hear the good news while the daemon runs; the
email channel (`batch_every` an hour) hears at once only that the shuttle may be erased, and its
good news waits in the outbox. An hour's window is not waited out in a test: `run --once`, which
delivers what is pending whatever its window, sends it as one email grouped by shoot day. A
window of a second is: the running daemon wakes for it with nothing else happening.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from tests.httpreceiver import HttpReceiver
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_states,
    run_cli,
    sample_files,
    wait_until,
)
from tests.integration.notify_cart import (
    CART,
    email_channel,
    http_channel,
    notify_config,
    outbox,
    posted,
    signature_verifies,
)
from tests.smtpserver import SmtpServer

A002 = "20261122_Day02/Camera_Media/A002R1AB"
SIGNING = "batch-spec-signing-secret"
MAY_BE_ERASED = f"[{CART}] SHUTTLE_01 may be erased — 2 rolls, 16.4 kB, all verified"


def cart(tmp_path: Path, smtp: SmtpServer, slack: HttpReceiver, hook: HttpReceiver) -> Path:
    raid, shuttle = tmp_path / "RAID_A", tmp_path / "SHUTTLE_01"
    for drive in (raid, shuttle):
        make_roll(drive, A001, sample_files(1))
        make_roll(drive, A002, sample_files(2))
    channels = email_channel(smtp.port, extra='batch_every = "1h"\n')
    channels += http_channel("slack", f'webhook_url = "{slack.url("/services/T1/B1/tok")}"')
    channels += http_channel("webhook", f'url = "{hook.url("/rk")}"\nsecret = "{SIGNING}"')
    return notify_config(tmp_path, [(str(raid), "raid"), (str(shuttle), "rotation")], channels)


def rolls_told(documents: list[dict[str, Any]]) -> set[str]:
    """The rolls whose upload a channel was told of (Slack's and the webhook's documents)."""
    return {
        str(item["roll"])
        for document in documents
        for item in document.get("items", [])
        if item.get("kind") == "upload_done"
    }


def slack_rolls(slack: HttpReceiver) -> set[str]:
    """The rolls named in the Block Kit fields Slack was sent (`*Roll*\\nA001R1AB`)."""
    return {
        field["text"].removeprefix("*Roll*\n")
        for document in posted(slack.requests)
        for block in document["blocks"]
        for field in block.get("fields", [])
        if field["text"].startswith("*Roll*\n")
    }


def plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_good_news_is_batched_per_channel_and_a_drive_that_may_be_erased_is_told_at_once(
    tmp_path: Path,
) -> None:
    with SmtpServer() as smtp, HttpReceiver() as slack, HttpReceiver() as hook:
        config = cart(tmp_path, smtp, slack, hook)
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: len(smtp.received) == 1, what="the shuttle told by email at once")
            wait_until(
                lambda: {"A001R1AB", "A002R1AB"} <= slack_rolls(slack),
                what="Slack told of both uploads",
            )
            wait_until(
                lambda: {"A001R1AB", "A002R1AB"} <= rolls_told(posted(hook.requests)),
                what="the webhook told of both uploads",
            )
            wait_until(
                lambda: (
                    sorted((d["channel"], d["roll_id"]) for d in outbox(config))
                    == [("email-1", A001), ("email-1", A002)]
                ),
                what="only the email's good news left waiting in the outbox",
            )
            states, waiting = roll_states(config), outbox(config)
        finally:
            daemon.stop()
        (erasable,) = smtp.messages()
        once = run_cli("run", "--once", "--config", str(config))
        batch = smtp.messages()[1:]

    assert states == {A001: "uploaded", A002: "uploaded"}
    assert erasable["Subject"] == MAY_BE_ERASED
    assert sorted((d["channel"], d["kind"], d["roll_id"]) for d in waiting) == [
        ("email-1", "upload_done", A001),
        ("email-1", "upload_done", A002),
    ]
    assert once.returncode == 0, once.stdout + once.stderr
    (told,) = batch
    assert told["Subject"] == (
        f"[{CART}] 2 rolls uploaded and verified — days 20261121_Day01, 20261122_Day02"
    )
    text = plain_text(told)
    day1, day2 = text.index("Shoot day 20261121_Day01"), text.index("Shoot day 20261122_Day02")
    assert day1 < text.index("A001R1AB") < day2 < text.index("A002R1AB")
    told_once = [text.count(f"UPLOADED: roll {roll}") for roll in (A001, A002)]
    assert (text.count("Shoot day "), told_once) == (2, [1, 1])  # nothing said twice
    assert outbox(config) == []


def test_the_webhook_is_signed_keyed_by_the_notice_id_and_slack_gets_block_kit(
    tmp_path: Path,
) -> None:
    with SmtpServer() as smtp, HttpReceiver() as slack, HttpReceiver() as hook:
        config = cart(tmp_path, smtp, slack, hook)
        daemon = Daemon(config).start()
        try:
            wait_until(
                lambda: any(d["kind"] == "clearance_granted" for d in posted(hook.requests)),
                what="the webhook told that the shuttle may be erased",
            )
            wait_until(lambda: len(slack.requests) >= 2, what="Slack told twice or more")
        finally:
            daemon.stop()

    for request in hook.requests:
        document = posted([request])[0]
        assert signature_verifies(SIGNING, request.body, request.headers["x-rollkeeper-signature"])
        assert request.headers["idempotency-key"] == document["notice_id"]
        assert document["schema"] == "rollkeeper.notice/1"
    subjects = {d["subject"] for d in posted(hook.requests)}
    assert MAY_BE_ERASED in subjects
    for document in posted(slack.requests):
        kinds = [block["type"] for block in document["blocks"]]
        assert kinds[0] == "header" and kinds[-1] == "context", kinds
        assert "ALARM" not in document["blocks"][0]["text"]["text"]  # good news, not an alarm
        said = "\n".join(block["text"]["text"] for block in document["blocks"] if "text" in block)
        uploads = re.findall(r"UPLOADED: roll (\S+)", said)
        assert len(uploads) == len(set(uploads)), said  # no roll said twice
    headers = [d["blocks"][0]["text"]["text"] for d in posted(slack.requests)]
    assert any(MAY_BE_ERASED in header for header in headers), headers


def test_a_running_daemon_sends_a_batch_when_its_window_ends_with_nothing_else_happening(
    tmp_path: Path,
) -> None:
    raid = tmp_path / "RAID_A"
    make_roll(raid, A001, sample_files(1))
    with SmtpServer() as smtp:
        channel = email_channel(smtp.port, extra='batch_every = "1s"\n')
        config = notify_config(tmp_path, [(str(raid), "raid")], channel)
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: len(smtp.received) == 1, what="the batch, once its window ended")
            wait_until(lambda: outbox(config) == [], what="the batch recorded as sent")
        finally:
            daemon.stop()
        (told,) = smtp.messages()
    assert told["Subject"] == f"[{CART}] 1 roll uploaded and verified — day 20261121_Day01"
