"""Specification: the webhook channel POSTs the `rollkeeper.notice/1` document to a real receiver
on loopback as exact bytes a receiver can verify with the shared secret, with the notice id as
Idempotency-Key and the times inside the signed body; redirects are not followed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from rollkeeper.notify.http import HttpOptions
from rollkeeper.notify.model import DeliveryFailed
from rollkeeper.notify.webhook import WebhookChannel
from rollkeeper.notify.webhook_body import SCHEMA, verify_signature

from tests.httpreceiver import Answer, HttpReceiver, redirect
from tests.notices import CSV, alarm, summary

SECRET = "whsec-5f1d2c9a7b-cart-a"
SENT_AT = datetime(2026, 12, 6, 18, 3, 30, tzinfo=UTC)


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with HttpReceiver() as server:
        yield server


def _channel(url: str, secret: str | None = SECRET) -> WebhookChannel:
    return WebhookChannel("ops", url, secret, HttpOptions(timeout=10), clock=lambda: SENT_AT)


def test_the_signature_verifies_over_the_exact_bytes_received(receiver: HttpReceiver) -> None:
    _channel(receiver.url("/rollkeeper")).send(alarm())
    (request,) = receiver.requests
    header = request.headers["x-rollkeeper-signature"]
    assert header.startswith("sha256=")
    assert verify_signature(SECRET, request.body, header)
    assert not verify_signature("another-secret", request.body, header)
    assert not verify_signature(SECRET, request.body + b" ", header)


def test_the_idempotency_key_is_the_notice_id_on_every_attempt(receiver: HttpReceiver) -> None:
    channel = _channel(receiver.url("/rollkeeper"))
    channel.send(alarm())
    channel.send(alarm())
    keys = [request.headers["idempotency-key"] for request in receiver.requests]
    assert keys == ["event-4711", "event-4711"]
    assert receiver.requests[0].headers["x-rollkeeper-schema"] == SCHEMA


def test_the_signed_body_holds_the_schema_the_notice_and_its_times(
    receiver: HttpReceiver,
) -> None:
    _channel(receiver.url("/rollkeeper")).send(alarm())
    document = json.loads(receiver.requests[0].body)
    assert document["schema"] == "rollkeeper.notice/1"
    assert document["notice_id"] == "event-4711"
    assert document["severity"] == "alarm"
    assert document["composed_at"] == "2026-12-06T18:02:00Z"
    assert document["sent_at"] == "2026-12-06T18:03:30Z"
    (item,) = document["items"]
    assert item == {
        "event_id": 4711, "kind": "copy_differs", "severity": "alarm",
        "sentence": "MISMATCH A004R2CD: C004.MXF differs from its MHL — do not erase SHUTTLE_03",
        "at": "2026-12-06T18:02:00Z", "roll": "A004R2CD", "day": "20261206",
        "drive": "SHUTTLE_03", "files": 198, "bytes": 380_500_000_000, "state": "mismatch",
        "facts": {"file": "C004.MXF"},
    }  # fmt: skip


def test_a_summarys_csv_travels_base64_in_the_body(receiver: HttpReceiver) -> None:
    _channel(receiver.url("/rollkeeper")).send(summary())
    document = json.loads(receiver.requests[0].body)
    (attachment,) = document["attachments"]
    assert attachment["filename"] == "rolls-20261206.csv"
    assert attachment["size"] == len(CSV)
    assert document["sections"][2] == {
        "title": "Day completeness",
        "lines": ["A003 not seen on any drive"],
    }


def test_without_a_secret_nothing_is_signed(receiver: HttpReceiver) -> None:
    _channel(receiver.url("/rollkeeper"), secret=None).send(alarm())
    assert "x-rollkeeper-signature" not in receiver.requests[0].headers


def test_a_redirect_to_another_host_is_not_followed(receiver: HttpReceiver) -> None:
    with HttpReceiver() as elsewhere:
        receiver.answers = [redirect(f"http://localhost:{elsewhere.port}/steal")]
        with pytest.raises(DeliveryFailed) as failed:
            _channel(receiver.url("/rollkeeper")).send(alarm())
        assert elsewhere.requests == []
    assert failed.value.permanent
    assert failed.value.reason == (
        f"webhook channel ops (127.0.0.1:{receiver.port}): answered 307 redirecting to another "
        "host (localhost), which is not followed; set the channel's URL to the final address"
    )


def test_a_redirect_on_the_same_host_is_not_followed_either(receiver: HttpReceiver) -> None:
    receiver.answers = [redirect("/moved"), Answer()]
    with pytest.raises(DeliveryFailed) as failed:
        _channel(receiver.url("/rollkeeper")).send(alarm())
    assert [request.path for request in receiver.requests] == ["/rollkeeper"]
    assert "redirecting to another address on the same host" in failed.value.reason


def test_429_and_5xx_are_retried_and_4xx_is_permanent(receiver: HttpReceiver) -> None:
    channel = _channel(receiver.url("/rollkeeper"))
    outcomes = []
    for answer in (Answer(429, {"Retry-After": "30"}), Answer(503), Answer(422, body=b"bad")):
        receiver.answers = [answer]
        with pytest.raises(DeliveryFailed) as failed:
            channel.send(alarm())
        outcomes.append((failed.value.permanent, failed.value.retry_after))
    assert outcomes == [(False, 30.0), (False, None), (True, None)]


def test_the_secret_is_in_no_reason_and_no_repr(receiver: HttpReceiver) -> None:
    receiver.answers = [Answer(400, body=f"bad signature for {SECRET}".encode())]
    channel = _channel(receiver.url("/rollkeeper"))
    with pytest.raises(DeliveryFailed) as failed:
        channel.send(alarm())
    assert SECRET not in failed.value.reason
    assert SECRET not in repr(channel)


def test_a_secret_cut_by_the_quoted_answers_length_shows_no_part_of_it(
    receiver: HttpReceiver,
) -> None:
    padding = "x" * 190  # the secret straddles the 200th character the reason quotes
    receiver.answers = [Answer(500, body=f"{padding}{SECRET} and more".encode())]
    with pytest.raises(DeliveryFailed) as failed:
        _channel(receiver.url("/rollkeeper")).send(alarm())
    assert SECRET[:10] not in failed.value.reason
    assert failed.value.reason.endswith(f"{padding}[secret] a")  # scrubbed, then cut
