"""Specification: the dashboard is read-only and answers only its own names, with its token when
one is set; every answer carries a Content-Security-Policy without inline script."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from rollkeeper.config.dashboard import ListenAddress
from rollkeeper.dashboard.guard import (
    CONTENT_SECURITY_POLICY,
    COOKIE,
    Gate,
    GuardMiddleware,
    host_name,
)
from rollkeeper.dashboard.server import DashboardServer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.unit.dashboard.conftest import LOOPBACK_GATE, Serve

TOKEN = "s3cret-cart-token"
TOKEN_GATE = Gate.of("127.0.0.1", [], TOKEN)


def test_a_foreign_host_name_is_403(serve: Serve, shot: Path) -> None:
    """DNS rebinding: a page on evil.example that resolves its name to the cart's address."""
    url = serve(shot, LOOPBACK_GATE)
    answer = httpx.get(f"{url}/api/status", headers={"Host": "evil.example"})
    assert answer.status_code == 403
    assert "rolls" not in answer.text


def test_localhost_and_the_allowed_names_are_answered(serve: Serve, shot: Path) -> None:
    url = serve(shot, Gate.of("127.0.0.1", ["cart-a.local"], None))
    for host in ("localhost:8642", "cart-a.local", "CART-A.LOCAL:80", "127.0.0.1"):
        assert httpx.get(f"{url}/api/status", headers={"Host": host}).status_code == 200


def test_an_address_typed_as_such_is_answered(serve: Serve, shot: Path) -> None:
    """The cart's own address on the set network (an IP, not a name: nothing to rebind)."""
    url = serve(shot, LOOPBACK_GATE)
    for host in ("192.168.1.20:8642", "[fe80::1]:8642", "127.0.0.1"):
        assert httpx.get(f"{url}/api/status", headers={"Host": host}).status_code == 200
    assert (
        httpx.get(f"{url}/api/status", headers={"Host": "192.168.1.20.evil.example"}).status_code
        == 403
    )


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_only_reading_is_allowed(serve: Serve, shot: Path, method: str) -> None:
    url = serve(shot, LOOPBACK_GATE)
    answer = httpx.request(method, f"{url}/api/status")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD"


def test_every_answer_has_a_policy_without_inline_script(serve: Serve, shot: Path) -> None:
    url = serve(shot, LOOPBACK_GATE)
    for path in ("/", "/api/status", "/api/rolls/nothing"):
        policy = httpx.get(f"{url}{path}").headers["content-security-policy"]
        assert policy == CONTENT_SECURITY_POLICY
        assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    refused = httpx.get(f"{url}/api/status", headers={"Host": "evil.example"})
    assert refused.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_without_the_token_the_answer_is_401(serve: Serve, shot: Path) -> None:
    url = serve(shot, TOKEN_GATE)
    assert httpx.get(f"{url}/api/status").status_code == 401
    wrong = httpx.get(f"{url}/api/status", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    assert TOKEN not in wrong.text


def test_a_bearer_token_is_let_in(serve: Serve, shot: Path) -> None:
    url = serve(shot, TOKEN_GATE)
    answer = httpx.get(f"{url}/api/status", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200


def test_the_token_shown_once_becomes_an_httponly_cookie(serve: Serve, shot: Path) -> None:
    url = serve(shot, TOKEN_GATE)
    with httpx.Client() as browser:
        first = browser.get(f"{url}/api/status?token={TOKEN}")
        assert first.status_code == 303
        assert first.headers["location"] == "/api/status"  # the token leaves the address bar
        cookie = first.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert browser.get(f"{url}/api/status").status_code == 200  # the cookie alone


def test_a_wrong_token_in_the_address_sets_no_cookie(serve: Serve, shot: Path) -> None:
    url = serve(shot, TOKEN_GATE)
    answer = httpx.get(f"{url}/api/status?token=guess")
    assert answer.status_code == 401
    assert "set-cookie" not in answer.headers


def test_host_names_are_read_without_their_port() -> None:
    assert host_name("Cart-A.local:8642") == "cart-a.local"
    assert host_name("[::1]:8642") == "::1"
    assert host_name("127.0.0.1") == "127.0.0.1"


def test_the_token_never_reaches_the_log(
    serve: Serve, shot: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = serve(shot, TOKEN_GATE)
    with caplog.at_level(logging.DEBUG):
        httpx.get(f"{url}/api/status?token={TOKEN}")
        httpx.get(f"{url}/api/status?token=guess")
    server_side = [  # the client's own logs (httpx, httpcore) are the browser's, not the daemon's
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith(("httpx", "httpcore"))
    ]
    assert not [line for line in server_side if TOKEN in line or "guess" in line]


def test_an_error_inside_the_app_still_carries_the_policy() -> None:
    """A fault injected at a route (it raises): the 500 Starlette answers passes the gate too."""

    def broken(_request: Request) -> Response:
        raise RuntimeError("a bug in a page")

    app = GuardMiddleware(Starlette(routes=[Route("/", broken)]), LOOPBACK_GATE)
    server = DashboardServer(app, ListenAddress("127.0.0.1", 0))
    assert server.start() is None and server.wait_started(10)
    try:
        answer = httpx.get(server.url)
    finally:
        server.stop()
    assert answer.status_code == 500
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "a bug in a page" not in answer.text
