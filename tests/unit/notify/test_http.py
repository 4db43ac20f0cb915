"""Specification: a channel's HTTP client verifies TLS against the system's CAs or its
`ca_bundle` (or not at all when `verify_tls = false`), goes through the proxy the environment
names, and reads `Retry-After` in both of its forms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from rollkeeper.notify.http import HttpOptions, retry_after
from rollkeeper.notify.model import DeliveryFailed
from rollkeeper.notify.webhook import WebhookChannel

from tests.httpreceiver import Answer, HttpReceiver
from tests.notices import alarm
from tests.smtpserver import self_signed


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("https"))


@pytest.fixture
def https(certificate: tuple[Path, Path]) -> Iterator[HttpReceiver]:
    with HttpReceiver(tls=certificate) as server:
        yield server


def _send(url: str, options: HttpOptions) -> None:
    WebhookChannel("ops", url, None, options).send(alarm())


def test_https_to_a_server_signed_by_the_ca_bundle_is_delivered(
    https: HttpReceiver, certificate: tuple[Path, Path]
) -> None:
    _send(https.url("/hook"), HttpOptions(timeout=10, ca_bundle=certificate[0]))
    assert [request.path for request in https.requests] == ["/hook"]


def test_a_certificate_no_trusted_ca_signed_is_refused_with_how_to_trust_it(
    https: HttpReceiver,
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        _send(https.url("/hook"), HttpOptions(timeout=10))
    assert https.requests == []
    assert not failed.value.permanent
    assert failed.value.reason == (
        f"webhook channel ops (127.0.0.1:{https.port}): its TLS certificate could not be "
        "verified (self-signed certificate); set ca_bundle to the PEM file of the CA that "
        "signed it"
    )


def test_verify_tls_false_accepts_any_certificate(https: HttpReceiver) -> None:
    _send(https.url("/hook"), HttpOptions(timeout=10, verify_tls=False))
    assert len(https.requests) == 1


def test_http_proxy_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with HttpReceiver() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url())
        monkeypatch.setenv("NO_PROXY", "")
        _send("http://ops.rollkeeper.invalid/hook", HttpOptions(timeout=10))
        assert [request.path for request in proxy.requests] == [
            "http://ops.rollkeeper.invalid/hook"
        ]


def test_https_proxy_from_the_environment_is_asked_for_a_tunnel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with HttpReceiver([Answer(403, body=b"")]) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url())
        monkeypatch.setenv("NO_PROXY", "")
        with pytest.raises(DeliveryFailed) as failed:
            _send("https://ops.rollkeeper.invalid/hook", HttpOptions(timeout=10))
        assert [(r.method, r.path) for r in proxy.requests] == [
            ("CONNECT", "ops.rollkeeper.invalid:443")
        ]
    assert failed.value.reason.startswith(
        "webhook channel ops (ops.rollkeeper.invalid): the proxy (HTTPS_PROXY/HTTP_PROXY) "
        "refused or failed"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [("120", 120.0), ("0", 0.0), (None, None), ("soon", None), ("", None)],
)
def test_retry_after_in_seconds(header: str | None, expected: float | None) -> None:
    assert retry_after(header) == expected


def test_retry_after_as_an_http_date_is_the_wait_until_then() -> None:
    later = datetime.now(UTC) + timedelta(minutes=10)
    wait = retry_after(format_datetime(later, usegmt=True))
    assert wait is not None
    assert 540 < wait <= 600
    assert retry_after(format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)) == 0.0
