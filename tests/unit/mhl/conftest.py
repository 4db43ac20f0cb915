"""Fixtures shared by the MHL specifications."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP port on loopback that nobody should connect to; a connection attempt would wait in
    its backlog to be seen (`loopback.assert_never_contacted`)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        yield server
    finally:
        server.close()
