"""A TCP proxy on loopback between the daemon and the S3 server, watching what is sent.

It forwards bytes untouched and notes each request it sees going to the server (its request
line and headers), so a test can tell exactly which requests and parts a run sent. It can also be
cut (every open connection closed, new ones refused) and restored: an outage of the store.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from dataclasses import dataclass, field

_PART = re.compile(rb"PUT [^ ]*[?&]partNumber=(\d+)")
_REQUEST = re.compile(rb"(GET|PUT|POST|HEAD|DELETE) (/[^ \r\n]*) HTTP/1\.1\r\n(.*?)\r\n\r\n", re.S)


@dataclass(frozen=True)
class Request:
    """One request as it went to the server: method, path with query, lower-cased headers."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass
class CountingProxy:
    upstream_port: int
    port: int = 0
    parts_sent: list[int] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    down: bool = False  # cut: connections refused until `restore`
    _server: socket.socket | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _open: list[socket.socket] = field(default_factory=list)

    def start(self) -> CountingProxy:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    def _accept(self) -> None:
        assert self._server is not None
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def cut(self) -> None:
        """The store goes away: every open connection closed, new ones refused."""
        self.down = True
        with self._lock:
            ends, self._open = self._open, []
        for end in ends:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                end.close()

    def restore(self) -> None:
        """The store answers again."""
        self.down = False

    def _note(self, match: re.Match[bytes]) -> None:
        headers = {}
        for line in match.group(3).split(b"\r\n"):
            name, _, value = line.partition(b":")
            headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
        request = Request(match.group(1).decode(), match.group(2).decode("latin-1"), headers)
        with self._lock:
            self.requests.append(request)

    def _pump(self, source: socket.socket, sink: socket.socket, outgoing: bool) -> None:
        tail = b""
        try:
            while chunk := source.recv(256 * 1024):
                if outgoing:
                    window = tail + chunk
                    for match in _PART.finditer(window):
                        if match.end() > len(tail):
                            with self._lock:
                                self.parts_sent.append(int(match.group(1)))
                    for match in _REQUEST.finditer(window):
                        if match.end() > len(tail):
                            self._note(match)
                    tail = window[-8192:]
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
