"""The email channel: a notice sent over SMTP (stdlib `smtplib`), one connection per message.

TLS is `none`, `starttls` or `ssl` (implicit TLS), with a context that verifies the server's
certificate against the system's CAs or the channel's `ca_bundle` unless `verify_tls = false`; the
channel logs in when a username is set. Every failure is a `DeliveryFailed` naming the server,
never the password: a refused login, sender or recipient is permanent (retrying cannot mend it),
a 4xx answer, a dropped connection or a server that cannot be reached is retried.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from rollkeeper.notify.email_message import compose_email
from rollkeeper.notify.model import DeliveryFailed, Notice
from rollkeeper.notify.scrub import register, scrub


@dataclass(frozen=True, slots=True)
class SmtpServer:
    """Where and how to connect. `password` is held out of repr."""

    host: str
    port: int
    tls: str  # "none" | "starttls" | "ssl"
    timeout: float
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    verify_tls: bool = True
    ca_bundle: Path | None = None

    @property
    def where(self) -> str:
        return f"the SMTP server {self.host}:{self.port}"


def tls_context(server: SmtpServer) -> ssl.SSLContext:
    """The SSL context for STARTTLS or implicit TLS: verifying unless `verify_tls` is off."""
    cafile = str(server.ca_bundle) if server.ca_bundle is not None else None
    context = ssl.create_default_context(cafile=cafile)
    if not server.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class EmailChannel:
    """`[[notify.email]]`: see the module's docstring."""

    kind = "email"

    def __init__(self, name: str, server: SmtpServer, sender: str, to: list[str]) -> None:
        register([server.password])
        self._name = name
        self.server = server
        self.sender = sender
        self.to = list(to)

    def __repr__(self) -> str:
        return f"EmailChannel({self._name!r}, {self.server!r})"

    @property
    def name(self) -> str:
        return self._name

    def compose(self, notice: Notice) -> EmailMessage:
        """The email this channel sends for `notice`."""
        return compose_email(notice, self.sender, self.to)

    def send(self, notice: Notice) -> None:
        """Send `notice` to every recipient, or raise `DeliveryFailed`."""
        message = self.compose(notice)
        where = f"email channel {self._name}: {self.server.where}"
        try:
            refused = self._deliver(message)
        except (smtplib.SMTPException, OSError) as err:
            raise smtp_failure(err, where, self.server) from None
        if refused:
            addresses = ", ".join(sorted(refused))
            raise DeliveryFailed(
                f"{where} refused the recipient(s) {addresses} (the others received it); "
                "check the channel's 'to'",
                permanent=True,
            )

    def _deliver(self, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        server = self.server
        client: smtplib.SMTP
        if server.tls == "ssl":
            client = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=tls_context(server)
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        with client:
            if server.tls == "starttls":
                client.starttls(context=tls_context(server))
            if server.username:
                client.login(server.username, server.password or "")
            return client.send_message(message, from_addr=self.sender, to_addrs=self.to)

    def close(self) -> None:
        """Nothing is kept open between messages."""


def smtp_failure(err: Exception, where: str, server: SmtpServer) -> DeliveryFailed:
    """The sentence for an SMTP failure, and whether retrying can mend it."""
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return DeliveryFailed(
            f"{where} refused the login of {server.username!r} ({_said(err, server)}); "
            "check username and the password's environment variable",
            permanent=True,
        )
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {_said(answer, server)}" for address, answer in err.recipients.items()
        )
        return DeliveryFailed(
            f"{where} refused every recipient ({refused}); check the channel's 'to'",
            permanent=True,
        )
    if isinstance(err, smtplib.SMTPSenderRefused):
        return DeliveryFailed(
            f"{where} refused the sender {err.sender} ({_said(err, server)}); "
            "check the channel's 'sender'",
            permanent=True,
        )
    if isinstance(err, smtplib.SMTPNotSupportedError):
        missing = "STARTTLS" if "STARTTLS" in str(err) else "the login (AUTH) it was asked for"
        return DeliveryFailed(
            f"{where} does not offer {missing}; check the channel's 'tls' and 'username'",
            permanent=True,
        )
    if isinstance(err, smtplib.SMTPResponseException):
        permanent = 500 <= err.smtp_code < 600
        return DeliveryFailed(f"{where} answered {_said(err, server)}", permanent=permanent)
    return _connection_failure(err, where, server)


def _connection_failure(err: Exception, where: str, server: SmtpServer) -> DeliveryFailed:
    if isinstance(err, ssl.SSLCertVerificationError):
        return DeliveryFailed(
            f"{where}: its TLS certificate could not be verified "
            f"({scrub(err.verify_message or str(err), [server.password])}); set ca_bundle "
            "to the PEM file of the CA that signed it"
        )
    if isinstance(err, ssl.SSLError):
        return DeliveryFailed(
            f"{where}: the TLS handshake failed ({scrub(err.reason or str(err))}); check "
            "'tls' (ssl is implicit TLS, usually port 465; starttls usually 587)"
        )
    if isinstance(err, TimeoutError):
        return DeliveryFailed(f"{where} did not answer within {server.timeout:g} s")
    if isinstance(err, smtplib.SMTPServerDisconnected):
        return DeliveryFailed(f"{where} closed the connection ({_said(err, server)})")
    return DeliveryFailed(f"{where} cannot be reached ({_said(err, server)})")


def _said(err: object, server: SmtpServer) -> str:
    """What the server said (`550 5.1.1 no such user`), without the password."""
    if isinstance(err, smtplib.SMTPResponseException):
        code, text = err.smtp_code, err.smtp_error
    elif isinstance(err, tuple) and len(err) == 2:
        code, text = err
    else:
        exc = err if isinstance(err, BaseException) else None
        plain = getattr(exc, "strerror", None) or str(err) or type(err).__name__
        return scrub(plain, [server.password])
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return scrub(f"{code} {' '.join(words.split())}", [server.password])
