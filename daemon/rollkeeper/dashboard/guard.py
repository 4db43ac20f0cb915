"""The dashboard's gate, in front of every route: read-only methods, known Host names, the token,
and a Content-Security-Policy on every answer.

- Only GET and HEAD: anything else is 405, whatever the path (nothing here changes anything).
- A `Host` that is not the listen address, `localhost`, an `allowed_hosts` name or an IP
  address is 403: a page elsewhere cannot rebind its own name to the cart's address and read
  the dashboard (DNS rebinding).
- With a token: `Authorization: Bearer <token>`, or the cookie set after `?token=<token>` was
  shown once (then the browser is sent to the same address without it, so the token does not
  stay in its history); otherwise 401. The token is never written to any log.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Scripts and styles only from the dashboard itself: no inline script ever runs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
COOKIE = "rollkeeper_dashboard"
READ_METHODS = frozenset({"GET", "HEAD"})


def host_name(host_header: str) -> str:
    """The name in a `Host` header, without its port (`[::1]:8642` → `::1`), lower-cased."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rpartition(":")[0] if host.count(":") == 1 else host


@dataclass(frozen=True, slots=True)
class Gate:
    """Who may read: the Host names accepted, and the token (None: none asked for)."""

    hosts: frozenset[str]
    token: str | None = None
    secure: bool = False  # served over TLS: the cookie is sent over HTTPS only

    @classmethod
    def of(
        cls, listen_host: str, allowed: Iterable[str], token: str | None, *, secure: bool = False
    ) -> Gate:
        names = {listen_host.lower(), "localhost", *(name.lower() for name in allowed)}
        return cls(frozenset(names), token, secure)

    def admits(self, host: str) -> bool:
        """A Host the page answers: one of its names, or an IP address as such (DNS rebinding
        needs a name: a page can only send an address as Host from that address's own origin)."""
        if host in self.hosts:
            return True
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
        return True

    def shown(self, candidate: str | None) -> bool:
        """The token was shown (compared in constant time); always true without a token."""
        if self.token is None:
            return True
        return candidate is not None and hmac.compare_digest(candidate, self.token)


def _cookie(headers: Headers) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    jar.load(headers.get("cookie", ""))
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


def _bearer(headers: Headers) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


class GuardMiddleware:
    """The gate as ASGI middleware, and the security headers on every response."""

    def __init__(self, app: ASGIApp, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                ]
                message["headers"] = headers
            await send(message)

        refusal = self.refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)

    def refusal(self, scope: Scope) -> Response | None:
        """The answer instead of the page, or None when the request may go on."""
        if scope["method"] not in READ_METHODS:
            return PlainTextResponse(
                "the dashboard is read-only", status_code=405, headers={"Allow": "GET, HEAD"}
            )
        headers = Headers(scope=scope)
        if not self.gate.admits(host_name(headers.get("host", ""))):
            return PlainTextResponse(
                "this host name is not the dashboard's; add it to [dashboard] allowed_hosts",
                status_code=403,
            )
        return self._token_refusal(scope, headers)

    def _token_refusal(self, scope: Scope, headers: Headers) -> Response | None:
        gate = self.gate
        if gate.shown(_bearer(headers)) or gate.shown(_cookie(headers)):
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        offered = [value for key, value in query if key == "token"]
        if offered and gate.shown(offered[0]):
            rest = urlencode([(key, value) for key, value in query if key != "token"])
            redirect = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), 303)
            redirect.set_cookie(
                COOKIE, offered[0], httponly=True, samesite="strict", secure=gate.secure
            )
            return redirect
        return PlainTextResponse(
            "the dashboard needs its token: open it once with ?token=…", status_code=401
        )
