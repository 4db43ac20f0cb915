"""Real servers for the integration tests, started once per session on 127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """SeaweedFS serving S3 over HTTP and, with a self-signed certificate, over HTTPS."""
    server = S3Server(tmp_path_factory.mktemp("seaweedfs") / "data", https=True).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    """A fresh, empty bucket for one test."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(Bucket=name)
    return name


@pytest.fixture
def tmp_root(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def s3_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's keys in the variables the test configurations name (`target_table`)."""
    monkeypatch.setenv("RK_TEST_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("RK_TEST_SECRET", SECRET_KEY)
