"""Specification: the apprise channel sends through apprise's own plugin for one URL (here
`json://` to a real receiver on loopback): title = subject, body = the plain text; a refusal is a
DeliveryFailed carrying apprise's reason without the URL's tokens."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from rollkeeper.notify.apprise_channel import AppriseChannel
from rollkeeper.notify.model import DeliveryFailed
from rollkeeper.notify.rendering import render_text

from tests.httpreceiver import Answer, HttpReceiver
from tests.notices import alarm, good_news

TOKEN = "tgTok3n9xQ7ma"


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with HttpReceiver() as server:
        yield server


def _url(receiver: HttpReceiver) -> str:
    return f"json://bot:{TOKEN}@127.0.0.1:{receiver.port}/notify/{TOKEN}"


def test_the_subject_is_the_title_and_the_plain_text_the_body(receiver: HttpReceiver) -> None:
    AppriseChannel("phones", _url(receiver), timeout=10).send(alarm())
    (request,) = receiver.requests
    assert request.path == f"/notify/{TOKEN}"
    document = json.loads(request.body)
    assert document["title"] == "[CART-A] MISMATCH A004R2CD — do not erase"
    assert document["message"].strip() == render_text(alarm(), heading=False).strip()
    assert not document["message"].startswith("ALARM")
    assert document["type"] == "failure"


def test_good_news_is_sent_as_success(receiver: HttpReceiver) -> None:
    AppriseChannel("phones", _url(receiver), timeout=10).send(good_news())
    assert json.loads(receiver.requests[0].body)["type"] == "success"


def test_a_refusal_is_retried_with_apprises_reason_and_no_token(receiver: HttpReceiver) -> None:
    receiver.answers = [Answer(500, body=b"")]
    channel = AppriseChannel("phones", _url(receiver), timeout=10)
    with pytest.raises(DeliveryFailed) as failed:
        channel.send(alarm())
    assert not failed.value.permanent
    assert failed.value.reason.startswith(
        "apprise channel phones (json://…): the service did not accept the message ("
    )
    assert "500" in failed.value.reason
    assert TOKEN not in failed.value.reason
    assert TOKEN not in repr(channel)


def test_a_url_apprise_does_not_understand_is_permanent() -> None:
    with pytest.raises(DeliveryFailed) as failed:
        AppriseChannel("phones", f"nosuchservice://{TOKEN}/x", timeout=10).send(alarm())
    assert failed.value.permanent
    assert failed.value.reason == (
        "apprise channel phones (nosuchservice://…): apprise does not understand the URL "
        "(service 'nosuchservice'); check it against apprise's list of services"
    )
