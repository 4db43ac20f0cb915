"""A page measured in headless Chromium through the DevTools protocol (a few lines of stdlib
WebSocket, no client library): what a layout is as drawn, e.g. `scrollWidth` at a phone's width.

The expression is evaluated by DevTools, not by the page, so it needs no script on the page and
the page's Content-Security-Policy stays as served.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import socket
import struct
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.browser import FLAGS, MISSING, chromium

_LISTENING = re.compile(rb"DevTools listening on (ws://\S+)")


class _Socket:
    """One WebSocket connection, text frames only (enough for DevTools)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += self.sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 101"), answer[:200]
        self.ids = itertools.count(1)

    def _send(self, text: str) -> None:
        data, mask = text.encode(), os.urandom(4)
        size = len(data)
        head = struct.pack("!B", 0x81)
        if size < 126:
            head += struct.pack("!B", 0x80 | size)
        elif size < 2**16:
            head += struct.pack("!BH", 0x80 | 126, size)
        else:
            head += struct.pack("!BQ", 0x80 | 127, size)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            assert chunk, "DevTools closed the connection"
            data += chunk
        return data

    def _receive(self) -> str:
        _first, second = self._exactly(2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", self._exactly(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", self._exactly(8))[0]
        return self._exactly(size).decode()

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events in between are skipped)."""
        ident = next(self.ids)
        self._send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self._receive())
            if message.get("id") == ident:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result


@contextmanager
def page_at(url: str, scratch: Path, width: int, height: int) -> Iterator[_Socket]:
    """`url` loaded in headless Chromium at `width` x `height` CSS pixels (a phone: mobile)."""
    browser = chromium()
    assert browser is not None, MISSING
    process = subprocess.Popen(
        [browser, *FLAGS, f"--user-data-dir={scratch / 'cdp-profile'}",
         "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        seen = b""
        while not (found := _LISTENING.search(seen)):
            line = process.stderr.readline()
            assert line, seen.decode(errors="replace")[-2000:]
            seen += line
        port = urlsplit(found.group(1).decode()).port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as listing:
            targets = json.loads(listing.read())
        tab = next(t for t in targets if t["type"] == "page")
        page = _Socket(tab["webSocketDebuggerUrl"])
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)  # fmt: skip
        page.call("Page.navigate", url=url)
        _until_loaded(page)
        yield page
    finally:
        process.kill()
        process.wait()


def _until_loaded(page: _Socket) -> None:
    give_up = time.monotonic() + 60
    while evaluate(page, "document.readyState") != "complete":
        assert time.monotonic() < give_up, "the page never finished loading"
        time.sleep(0.05)


def evaluate(page: _Socket, expression: str) -> Any:
    """The value of a JavaScript expression in the page, as DevTools evaluates it."""
    return page.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get(
        "value"
    )
