"""Specification: the Slack channel POSTs a Block Kit message to a real HTTP receiver on loopback:
a header, fields per roll grouped by shoot day, a context line; alarms unmistakable; Slack's limits
kept; 429 waited out per Retry-After, 5xx retried, other 4xx permanent; the URL never shown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from rollkeeper.notify.http import HttpOptions
from rollkeeper.notify.model import DeliveryFailed
from rollkeeper.notify.slack import SlackChannel
from rollkeeper.notify.slack_blocks import MAX_BLOCKS, slack_message

from tests.httpreceiver import Answer, HttpReceiver
from tests.notices import HOSTILE, alarm, good_news

HOOK = "/services/T0ROLLKEEP/B0CARTAAA/x7Yq2ZsecretTokenVALUE"


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with HttpReceiver() as server:
        yield server


def _channel(receiver: HttpReceiver, timeout: float = 10) -> SlackChannel:
    return SlackChannel("slack-1", receiver.url(HOOK), HttpOptions(timeout=timeout))


def _sent(receiver: HttpReceiver) -> dict[str, Any]:
    (request,) = receiver.requests
    payload: dict[str, Any] = json.loads(request.body)
    return payload


def _types(payload: dict[str, Any]) -> list[str]:
    return [block["type"] for block in payload["blocks"]]


def _field_labels(block: dict[str, Any]) -> list[str]:
    return [field["text"].split("\n")[0] for field in block["fields"]]


def test_an_alarm_has_a_siren_header_dividers_the_rolls_fields_and_a_context_line(
    receiver: HttpReceiver,
) -> None:
    _channel(receiver).send(alarm())
    payload = _sent(receiver)
    assert receiver.requests[0].path == HOOK
    assert receiver.requests[0].headers["content-type"].startswith("application/json")
    assert _types(payload) == ["header", "divider", "section", "section", "divider", "context"]
    assert payload["blocks"][0]["text"]["text"] == (
        "🚨 ALARM: [CART-A] MISMATCH A004R2CD — do not erase"
    )
    item = payload["blocks"][3]
    assert _field_labels(item) == ["*Roll*", "*Day*", "*Files*", "*Size*", "*State*", "*Drive*"]
    assert [f["text"].split("\n")[1] for f in item["fields"]] == [
        "A004R2CD", "2026-12-06", "198", "380.5 GB", "mismatch", "SHUTTLE_03",
    ]  # fmt: skip
    context = payload["blocks"][-1]["elements"][0]["text"]
    assert context.startswith("CART-A · 2026-12-06 ")
    assert payload["text"].startswith(":rotating_light: [CART-A] MISMATCH A004R2CD")


def test_good_news_has_a_check_mark_no_divider_and_its_rolls_grouped_by_shoot_day(
    receiver: HttpReceiver,
) -> None:
    _channel(receiver).send(good_news(rolls=3))
    payload = _sent(receiver)
    assert payload["blocks"][0]["text"]["text"] == "✅ [CART-A] 3 rolls uploaded and verified"
    assert "divider" not in _types(payload)
    texts = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    assert texts[1:] == [
        "*Shoot day 2026-12-05*",
        "A002R1AB uploaded and verified: its cards may be erased",
        "*Shoot day 2026-12-06*",
        "A001R1AB uploaded and verified: its cards may be erased",
        "A003R1AB uploaded and verified: its cards may be erased",
    ]


def test_a_batch_too_big_for_one_message_is_cut_and_counted_within_slacks_limits() -> None:
    payload = slack_message(good_news(rolls=120))
    blocks = payload["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    shown = sum(1 for b in blocks if b["type"] == "section" and "fields" in b)
    more = [b["text"]["text"] for b in blocks if "more (see" in b.get("text", {}).get("text", "")]
    assert more == [f"…and {120 - shown} more (see the daily summary or `rollkeeper status`)"]
    assert all(len(b.get("fields", [])) <= 10 for b in blocks)
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if "text" in b)


def test_a_hostile_roll_name_is_escaped_for_mrkdwn_and_pings_no_one() -> None:
    payload = slack_message(alarm(roll=f"{HOSTILE}<!channel>"))
    header, *rest = payload["blocks"]
    assert header["text"]["type"] == "plain_text"  # shown as written, never interpreted
    text = json.dumps([payload["text"], *rest], ensure_ascii=False)
    assert "<script>" not in text
    assert "<!channel>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;!channel&gt;" in text


def test_429_is_waited_out_as_retry_after_asks(receiver: HttpReceiver) -> None:
    receiver.answers = [Answer(429, {"Retry-After": "7"}, b"rate_limited")]
    with pytest.raises(DeliveryFailed) as failed:
        _channel(receiver).send(alarm())
    assert failed.value.retry_after == 7.0
    assert not failed.value.permanent
    assert failed.value.reason == (
        f"Slack channel slack-1 (127.0.0.1:{receiver.port}): answered 429 Too Many Requests: "
        "rate_limited; asked to wait 7 s"
    )


def test_a_server_error_is_retried(receiver: HttpReceiver) -> None:
    receiver.answers = [Answer(500, body=b"")]
    with pytest.raises(DeliveryFailed) as failed:
        _channel(receiver).send(alarm())
    assert not failed.value.permanent
    assert failed.value.retry_after is None
    assert failed.value.reason == (
        f"Slack channel slack-1 (127.0.0.1:{receiver.port}): answered 500 Internal Server Error"
    )


def test_a_revoked_webhook_is_permanent_and_says_what_slack_said(receiver: HttpReceiver) -> None:
    receiver.answers = [Answer(404, body=b"no_service")]
    with pytest.raises(DeliveryFailed) as failed:
        _channel(receiver).send(alarm())
    assert failed.value.permanent
    assert failed.value.reason == (
        f"Slack channel slack-1 (127.0.0.1:{receiver.port}): answered 404 Not Found: no_service"
    )


def test_no_answer_within_the_timeout_is_retried(receiver: HttpReceiver) -> None:
    receiver.answers = [Answer(200, delay=1.5)]
    with pytest.raises(DeliveryFailed) as failed:
        _channel(receiver, timeout=0.3).send(alarm())
    assert not failed.value.permanent
    assert failed.value.reason == (
        f"Slack channel slack-1 (127.0.0.1:{receiver.port}): no answer within 0.3 s"
    )


def test_the_webhook_url_is_never_in_a_reason_or_the_channels_repr(
    receiver: HttpReceiver,
) -> None:
    channel = _channel(receiver)
    for answer in (Answer(500, body=HOOK.encode()), Answer(400, body=receiver.url(HOOK).encode())):
        receiver.answers = [answer]
        with pytest.raises(DeliveryFailed) as failed:
            channel.send(alarm())
        assert "x7Yq2ZsecretTokenVALUE" not in failed.value.reason
        assert "[secret]" in failed.value.reason
    assert "x7Yq2Zsecret" not in repr(channel)
