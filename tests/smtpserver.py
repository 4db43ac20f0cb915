"""A real SMTP server on loopback for tests: aiosmtpd in a thread, keeping what it receives.

`SmtpServer` listens on 127.0.0.1 on a free port, optionally offering STARTTLS or speaking
implicit TLS with a self-signed certificate (`self_signed`), optionally asking for a login. It
keeps every envelope (`received`, parsed with the stdlib `email` package by `messages()`), and can
be told to refuse recipients, refuse the login, answer a temporary failure to DATA, or keep a
message it received without answering until told (`answer_when`: a sender killed meanwhile
never learns it was delivered).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Envelope:
    """What one SMTP transaction delivered."""

    sender: str
    recipients: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Behaviour:
    """How the server answers: everything accepted unless told otherwise."""

    refuse_recipients: set[str] = field(default_factory=set)
    temp_fail_data: bool = False
    logins: dict[str, str] = field(default_factory=dict)  # username -> password
    #: Given, a message is kept (in `received`) but answered only once this is set.
    answer_when: threading.Event | None = None


class _Handler:
    def __init__(self, behaviour: Behaviour, received: list[Envelope]) -> None:
        self.behaviour = behaviour
        self.received = received

    async def handle_RCPT(  # noqa: N802 — aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.behaviour.refuse_recipients:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.behaviour.temp_fail_data:
            return "451 4.3.0 try again later"
        self.received.append(
            Envelope(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        if self.behaviour.answer_when is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.behaviour.answer_when.wait)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def self_signed(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A self-signed certificate for `host` (IP and DNS names) and its key, made by openssl:
    the certificate is also the CA bundle a client trusts it with."""
    certificate, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    if not certificate.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", f"/CN={host}", "-addext", f"subjectAltName=IP:{host},DNS:localhost",
             "-keyout", str(key), "-out", str(certificate)],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return certificate, key


class SmtpServer:
    """An aiosmtpd server in a thread: start(), then `port`, `received`; stop() at the end.
    `tls`: "none", "starttls" (offered, not required) or "ssl" (implicit TLS)."""

    def __init__(
        self,
        tls: str = "none",
        certificate: tuple[Path, Path] | None = None,
        behaviour: Behaviour | None = None,
    ) -> None:
        self.tls = tls
        self.behaviour = behaviour or Behaviour()
        self.received: list[Envelope] = []
        self.port = free_port()
        self._certificate = certificate
        self._controller: Controller | None = None

    def _server_context(self) -> ssl.SSLContext:
        assert self._certificate is not None, "TLS needs a certificate (see self_signed)"
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*map(str, self._certificate))
        return context

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            user, password = data.login.decode(), data.password.decode()
            if self.behaviour.logins.get(user) == password:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def start(self) -> SmtpServer:
        options: dict[str, Any] = {}
        if self.behaviour.logins:
            options.update(authenticator=self._authenticate, auth_require_tls=self.tls != "none")
        if self.tls == "starttls":
            options["tls_context"] = self._server_context()
        elif self.tls == "ssl":
            options["ssl_context"] = self._server_context()
        self._controller = Controller(
            _Handler(self.behaviour, self.received),
            hostname="127.0.0.1",
            port=self.port,
            **options,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[EmailMessage]:
        return [envelope.message() for envelope in self.received]

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
