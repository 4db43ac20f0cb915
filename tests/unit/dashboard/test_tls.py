"""Specification: with `tls_cert`/`tls_key` the dashboard speaks HTTPS, its token cookie is sent
over HTTPS only, and unusable TLS files are a sentence, not a crash of the daemon."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest
from rollkeeper.config.dashboard import ListenAddress
from rollkeeper.dashboard.app import build_app
from rollkeeper.dashboard.guard import Gate
from rollkeeper.dashboard.server import DashboardServer, Tls
from rollkeeper.dashboard.views import StatusSource

needs_openssl = pytest.mark.skipif(
    shutil.which("openssl") is None, reason="openssl is not installed: no certificate to serve"
)
TOKEN = "cart-token"


def _certificate(folder: Path) -> Tls:
    """A self-signed certificate for 127.0.0.1, made by openssl."""
    cert, key = folder / "cart.pem", folder / "cart-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return Tls(cert, key)


@needs_openssl
def test_the_dashboard_speaks_https_and_its_cookie_is_secure(shot: Path, tmp_path: Path) -> None:
    tls = _certificate(tmp_path)
    app = build_app(StatusSource(shot), Gate.of("127.0.0.1", [], TOKEN, secure=True))
    server = DashboardServer(app, ListenAddress("127.0.0.1", 0), tls)
    assert server.start() is None and server.wait_started(10)
    try:
        assert server.url.startswith("https://127.0.0.1:")
        with httpx.Client(verify=ssl.create_default_context(cafile=tls.cert)) as browser:
            first = browser.get(f"{server.url}api/status?token={TOKEN}")
            status = browser.get(f"{server.url}api/status")
    finally:
        server.stop()
    assert first.status_code == 303
    assert "Secure" in first.headers["set-cookie"]
    assert status.status_code == 200


def test_unusable_tls_files_are_a_sentence(tmp_path: Path) -> None:
    missing = Tls(tmp_path / "none.pem", tmp_path / "none-key.pem")
    app = build_app(StatusSource(tmp_path), Gate.of("127.0.0.1", [], None))
    problem = DashboardServer(app, ListenAddress("127.0.0.1", 0), missing).start()
    assert problem is not None
    assert problem.startswith("the dashboard cannot use its TLS certificate or key (")
    assert problem.endswith("); fix [dashboard] tls_cert and tls_key")
