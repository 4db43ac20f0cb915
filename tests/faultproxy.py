"""An HTTP proxy on loopback between the daemon and the S3 server that misbehaves on demand.

It forwards each request to the real server and its answer back, except those a rule picks:
those it answers itself as a failing S3 server would (500 InternalError, 503 SlowDown, with the
XML error body), after reading the request whole so the client sees a clean answer, not a reset.
It can also hold every answer back (`latency`): a slow server; or hold one request (`hold`),
before the server sees it or after the server did its work, until the test has done something
(killed the client, say): a crash at that exact moment. Each request it saw is noted.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: Headers that concern one hop only, never forwarded.
_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "proxy-connection", "te"}
_ERRORS = {500: "InternalError", 503: "SlowDown"}


def is_part(method: str, path: str) -> bool:
    """An UploadPart request."""
    return method == "PUT" and "partNumber=" in path


def is_complete(method: str, path: str) -> bool:
    """A CompleteMultipartUpload request."""
    return method == "POST" and "uploadId=" in path


@dataclass
class Fault:
    """Answer the next `count` requests that `matches` picks with `status`."""

    matches: Callable[[str, str], bool]
    status: int
    count: int


@dataclass
class Hold:
    """The next request `matches` picks waits: before it reaches the server, or after the
    server answered it (`after_upstream`), until `release`; then it is dropped unanswered."""

    matches: Callable[[str, str], bool]
    after_upstream: bool
    taken: bool = False  # a request was picked
    reached: threading.Event = field(default_factory=threading.Event)  # and is held now
    released: threading.Event = field(default_factory=threading.Event)

    def wait_reached(self, timeout: float = 60.0) -> None:
        if not self.reached.wait(timeout):
            raise AssertionError("the held request never came")

    def release(self) -> None:
        self.released.set()


@dataclass
class FaultProxy:
    """The proxy in front of `upstream_port`; `endpoint` is where clients point."""

    upstream_port: int
    latency: float = 0.0  # seconds every answer is held back
    faults: list[Fault] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    seen: list[tuple[str, str, int]] = field(default_factory=list)  # method, path, status sent
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_next(self, count: int, matches: Callable[[str, str], bool], status: int) -> None:
        with self._lock:
            self.faults.append(Fault(matches, status, count))

    def hold(self, matches: Callable[[str, str], bool], *, after_upstream: bool) -> Hold:
        """Hold the next request `matches` picks (see `Hold`)."""
        hold = Hold(matches, after_upstream)
        with self._lock:
            self.holds.append(hold)
        return hold

    def hold_for(self, method: str, path: str) -> Hold | None:
        """The hold waiting for this request, if any (each holds one request)."""
        with self._lock:
            for hold in self.holds:
                if not hold.taken and hold.matches(method, path):
                    hold.taken = True
                    return hold
        return None

    def served(self, status: int) -> int:
        """How many answers with `status` the proxy sent itself or passed on."""
        with self._lock:
            return sum(1 for _m, _p, s in self.seen if s == status)

    def fault_for(self, method: str, path: str) -> int | None:
        """The status to fail this request with, if a rule picks it (and counts it)."""
        with self._lock:
            for fault in self.faults:
                if fault.count > 0 and fault.matches(method, path):
                    fault.count -= 1
                    return fault.status
        return None

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(_Forwarding):
            owner = proxy

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for hold in self.holds:
            hold.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class _Forwarding(BaseHTTPRequestHandler):
    """One client connection: each request forwarded, or failed as a rule says."""

    owner: FaultProxy
    protocol_version = "HTTP/1.1"  # keep-alive, and `Expect: 100-continue` answered

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads `seen`."""

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers: none that S3 needs from a plain proxy
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        if self.owner.latency:
            time.sleep(self.owner.latency)
        self.send_response(status)
        head = self.command == "HEAD"  # its Content-Length is the object's, not a body's
        for name, value in headers:
            if name.lower() not in _HOP and (head or name.lower() != "content-length"):
                self.send_header(name, value)
        if not head:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        with self.owner._lock:
            self.owner.seen.append((self.command, self.path, status))

    def _handle(self) -> None:
        body = self._body()
        status = self.owner.fault_for(self.command, self.path)
        if status is not None:
            code = _ERRORS.get(status, "InternalError")
            error = f"<Error><Code>{code}</Code><Message>injected by the test</Message></Error>"
            self._answer(status, [("Content-Type", "application/xml")], error.encode())
            return
        hold = self.owner.hold_for(self.command, self.path)
        if hold is not None and not hold.after_upstream:
            self._drop(hold)
            return
        upstream = http.client.HTTPConnection("127.0.0.1", self.owner.upstream_port, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            headers["Content-Length"] = str(len(body))
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            answer = (response.status, response.getheaders(), response.read())
        finally:
            upstream.close()
        if hold is not None:
            self._drop(hold)
            return
        self._answer(*answer)

    def _drop(self, hold: Hold) -> None:
        """Tell the test the request is held; wait for it, then close without an answer."""
        hold.reached.set()
        hold.released.wait()
        self.close_connection = True

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle  # noqa: N815 - http.server's names
