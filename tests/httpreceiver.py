"""A real HTTP receiver on loopback for tests (Slack, webhooks, apprise's json://).

`HttpReceiver` is a `ThreadingHTTPServer` in a thread on 127.0.0.1 and a free port. It records
every request's method, path, headers and exact body bytes (`requests`), and answers from a
script of `Answer`s (status, headers, body; the last one repeats): 200 by default, or 429 with
`Retry-After`, 500, a redirect, a slow answer, one held until the test releases it. Given a
certificate and key it speaks HTTPS; it also answers CONNECT (recorded with the tunnel's target
as `path`), so it can stand in for a proxy that refuses.
"""

from __future__ import annotations

import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass(frozen=True)
class Received:
    """One request as it arrived."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


@dataclass(frozen=True)
class Answer:
    """How to answer one request."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay: float = 0.0
    #: Given, the answer waits until this is set (a receiver that hangs, then answers).
    held_until: threading.Event | None = None


def redirect(location: str, status: int = 307) -> Answer:
    return Answer(status, {"Location": location}, b"")


class HttpReceiver:
    """start(), then `url(path)`; `answers` is the script; `requests` what arrived; stop()."""

    def __init__(
        self, answers: list[Answer] | None = None, tls: tuple[Path, Path] | None = None
    ) -> None:
        self.answers: list[Answer] = list(answers or [Answer()])
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                answer = receiver._record(
                    Received(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.held_until is not None:
                    answer.held_until.wait()
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (a timeout test)

            do_POST = do_GET = do_PUT = do_CONNECT = _serve  # noqa: N815 — http.server's hook names

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: tests read `requests`."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, tls))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _record(self, request: Received) -> Answer:
        with self._lock:
            self.requests.append(request)
            index = min(len(self.requests), len(self.answers)) - 1
            return self.answers[index]

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def start(self) -> HttpReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> HttpReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
