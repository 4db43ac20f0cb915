"""The `listener` fixture's port (tests/unit/mhl/conftest.py): its URLs, and proof that nothing
was fetched from it."""

from __future__ import annotations

import socket

import pytest


def url_of(server: socket.socket, name: str) -> str:
    host, port = server.getsockname()
    return f"http://{host}:{port}/{name}"


def assert_never_contacted(server: socket.socket) -> None:
    server.setblocking(False)
    with pytest.raises(BlockingIOError):
        connection, _peer = server.accept()
        connection.close()
