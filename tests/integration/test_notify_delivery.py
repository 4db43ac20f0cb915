"""Specification: the outbox loses nothing and repeats little, on the real daemon (`rollkeeper run`
and `run --once` as subprocesses) against real servers on loopback.

An alarm raised while the SMTP server is down waits in the outbox through a SIGKILL; once the
server is back it arrives, and a crash between sending and recording sends it at most once more,
under the same Message-ID. A channel that fails (500s, or a receiver that never answers) delays
neither the other channels nor the uploads. `run --once` delivers what is pending before it exits,
batch windows ignored.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tests.httpreceiver import Answer, HttpReceiver
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
    s3_target,
    signature_verifies,
)
from tests.integration.test_daemon_log import flip_a_byte
from tests.s3server import WRITER_KEY, WRITER_SECRET, S3Server
from tests.smtpserver import Behaviour, SmtpServer

MISMATCH_SUBJECT = f"[{CART}] MISMATCH A001R1AB — do not erase"
SIGNING = "delivery-spec-signing-secret"


def test_an_alarm_raised_while_smtp_is_down_survives_a_kill_and_arrives_at_most_twice_as_one(
    tmp_path: Path,
) -> None:
    raid = tmp_path / "RAID_A"
    flip_a_byte(make_roll(raid, A001, sample_files(1)))
    release = threading.Event()
    smtp = SmtpServer(behaviour=Behaviour(answer_when=release))  # its port chosen, not listening
    config = notify_config(tmp_path, [(str(raid), "raid")], email_channel(smtp.port), target=False)

    daemon = Daemon(config).start()
    try:
        wait_until(
            lambda: any(d["attempts"] and d["last_error"] for d in outbox(config)),
            what="the alarm's first attempt failing on the SMTP server being down",
        )
    finally:
        daemon.kill()
    (waiting,) = outbox(config)
    assert (waiting["kind"], waiting["state"]) == ("copy_failed", "pending")
    assert f"127.0.0.1:{smtp.port}" in waiting["last_error"]

    with smtp:  # back, but it answers a message only once released: the sender is killed first
        resend = Daemon(config, "--once").start()
        try:
            wait_until(lambda: len(smtp.received) == 1, what="the alarm reaching the server")
        finally:
            resend.kill()
            release.set()
        done = run_cli("run", "--once", "--config", str(config))
        again = run_cli("run", "--once", "--config", str(config))

    assert (done.returncode, again.returncode) == (1, 1), done.stdout + again.stdout
    messages = smtp.messages()
    assert len(messages) == 2  # sent, not recorded (killed), sent again: at most twice
    assert {m["Subject"] for m in messages} == {MISMATCH_SUBJECT}
    assert len({m["Message-ID"] for m in messages}) == 1
    assert len({m["Date"] for m in messages}) == 1, [m["Date"] for m in messages]
    assert outbox(config) == []


def test_a_webhook_notice_sent_again_after_a_kill_carries_the_same_idempotency_key_signed(
    tmp_path: Path,
) -> None:
    raid = tmp_path / "RAID_A"
    flip_a_byte(make_roll(raid, A001, sample_files(1)))
    answered = threading.Event()
    with HttpReceiver([Answer(held_until=answered), Answer()]) as hook:
        channel = http_channel("webhook", f'url = "{hook.url("/rk")}"\nsecret = "{SIGNING}"')
        config = notify_config(tmp_path, [(str(raid), "raid")], channel, target=False)
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: len(hook.requests) == 1, what="the alarm posted, its answer held")
        finally:
            daemon.kill()  # sent, never recorded
            answered.set()
        done = run_cli("run", "--once", "--config", str(config))
    assert done.returncode == 1, done.stdout + done.stderr  # the mismatch
    first, again = hook.requests
    keys = {request.headers["idempotency-key"] for request in hook.requests}
    assert keys == {json.loads(first.body)["notice_id"]}
    assert json.loads(first.body)["subject"] == MISMATCH_SUBJECT
    for request in (first, again):
        assert signature_verifies(SIGNING, request.body, request.headers["x-rollkeeper-signature"])
    assert outbox(config) == []


A002 = "20261121_Day01/Camera_Media/A002R1AB"


def told(receiver: HttpReceiver, roll: str) -> bool:
    """Whether a notice naming `roll` reached `receiver`."""
    return any(roll in json.dumps(document) for document in posted(receiver.requests))


def test_a_webhook_that_never_answers_delays_neither_slack_nor_the_next_upload(
    tmp_path: Path, s3_server: S3Server, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RK_TEST_KEY_ID", WRITER_KEY)
    monkeypatch.setenv("RK_TEST_SECRET", WRITER_SECRET)
    raid = tmp_path / "RAID_A"
    make_roll(raid, A001, sample_files(1))
    hung = threading.Event()
    with HttpReceiver() as slack, HttpReceiver([Answer(held_until=hung)]) as hook:
        channels = http_channel("slack", f'webhook_url = "{slack.url("/services/T/B/x")}"')
        channels += http_channel("webhook", f'url = "{hook.url("/rk")}"', timeout="10m")
        config = notify_config(
            tmp_path,
            [(str(raid), "raid")],
            channels,
            target=s3_target(s3_server.endpoint, bucket),
        )
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: told(slack, "A001R1AB"), what="Slack told of A001's upload")
            wait_until(lambda: len(hook.requests) == 1, what="the webhook's request, held")
            make_roll(raid, A002, sample_files(2))  # the next card, while the webhook hangs
            wait_until(lambda: told(slack, "A002R1AB"), what="Slack told of A002's upload")
            states = roll_states(config)
            waiting = [d["roll_id"] for d in outbox(config) if d["channel"] == "webhook-1"]
            held = len(hook.requests)
        finally:
            hung.set()
            daemon.stop()
    assert states == {A001: "uploaded", A002: "uploaded"}
    assert held == 1  # still the first request, unanswered all along
    assert sorted(waiting) == [A001, A002]


def test_a_webhook_answering_500_keeps_its_deliveries_while_slack_hears_of_every_upload(
    tmp_path: Path,
) -> None:
    raid = tmp_path / "RAID_A"
    make_roll(raid, A001, sample_files(1))
    with HttpReceiver() as slack, HttpReceiver([Answer(500, body=b"")]) as hook:
        channels = http_channel("slack", f'webhook_url = "{slack.url("/services/T/B/x")}"')
        channels += http_channel("webhook", f'url = "{hook.url("/rk")}"')
        config = notify_config(tmp_path, [(str(raid), "raid")], channels)
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: told(slack, "A001R1AB"), what="Slack told of A001's upload")
            make_roll(raid, A002, sample_files(2))
            wait_until(lambda: told(slack, "A002R1AB"), what="Slack told of A002's upload")
            wait_until(
                lambda: (
                    {(d["channel"], d["roll_id"]) for d in outbox(config) if d["last_error"]}
                    == {("webhook-1", A001), ("webhook-1", A002)}
                ),
                what="both of the webhook's deliveries tried and failed",
            )
            wait_until(
                lambda: {d["channel"] for d in outbox(config)} == {"webhook-1"},
                what="Slack's deliveries recorded as sent",
            )
            states, waiting = roll_states(config), outbox(config)
        finally:
            daemon.stop()
    assert states == {A001: "uploaded", A002: "uploaded"}
    assert {(d["channel"], d["state"]) for d in waiting} == {("webhook-1", "pending")}
    assert {d["last_error"] for d in waiting} == {
        f"webhook channel webhook-1 (127.0.0.1:{hook.port}): answered 500 Internal Server Error"
    }


def test_a_webhook_that_answers_too_late_is_retried_later_saying_so_while_slack_hears_at_once(
    tmp_path: Path,
) -> None:
    raid = tmp_path / "RAID_A"
    make_roll(raid, A001, sample_files(1))
    late = threading.Event()
    with HttpReceiver() as slack, HttpReceiver([Answer(held_until=late)]) as hook:
        channels = http_channel("slack", f'webhook_url = "{slack.url("/services/T/B/x")}"')
        channels += http_channel("webhook", f'url = "{hook.url("/rk")}"', timeout="1s")
        config = notify_config(tmp_path, [(str(raid), "raid")], channels)
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: told(slack, "A001R1AB"), what="Slack told of A001's upload")
            wait_until(
                lambda: (
                    [(d["channel"], bool(d["last_error"])) for d in outbox(config)]
                    == [("webhook-1", True)]
                ),
                what="the webhook's attempt timing out, Slack's recorded as sent",
            )
            (waiting,) = outbox(config)
        finally:
            late.set()
            daemon.stop()
    assert (waiting["channel"], waiting["state"], waiting["roll_id"]) == (
        "webhook-1",
        "pending",
        A001,
    )
    assert (
        waiting["last_error"]
        == f"webhook channel webhook-1 (127.0.0.1:{hook.port}): no answer within 1 s"
    )


def test_run_once_delivers_what_is_pending_before_it_exits_batch_window_or_not(
    tmp_path: Path,
) -> None:
    raid, shuttle = tmp_path / "RAID_A", tmp_path / "SHUTTLE_01"
    for drive in (raid, shuttle):
        make_roll(drive, A001, sample_files(1))
        make_roll(drive, A002, sample_files(2))
    with SmtpServer() as smtp:
        config = notify_config(
            tmp_path,
            [(str(raid), "raid"), (str(shuttle), "rotation")],
            email_channel(smtp.port, extra='batch_every = "1h"\n'),
        )
        done = run_cli("run", "--once", "--config", str(config))
        subjects = sorted(m["Subject"] for m in smtp.messages())  # as the command exits
    assert done.returncode == 0, done.stdout + done.stderr
    assert subjects == [
        f"[{CART}] 2 rolls uploaded and verified — day 20261121_Day01",
        f"[{CART}] SHUTTLE_01 may be erased — 2 rolls, 16.4 kB, all verified",
    ]
    assert outbox(config) == []
