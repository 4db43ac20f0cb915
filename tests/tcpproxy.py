"""A TCP proxy on loopback between the daemon and the S3 server, counting multipart uploads.

It forwards bytes untouched and notes each `PUT …partNumber=N` request line it sees going to
the server, so a test can tell exactly which parts a run sent.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from dataclasses import dataclass, field

_PART = re.compile(rb"PUT [^ ]*[?&]partNumber=(\d+)")


@dataclass
class CountingProxy:
    upstream_port: int
    port: int = 0
    parts_sent: list[int] = field(default_factory=list)
    _server: socket.socket | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

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
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

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
                    tail = window[-200:]
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
