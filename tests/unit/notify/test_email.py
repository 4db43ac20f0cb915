"""Specification: the email channel delivers a notice over real SMTP (aiosmtpd on loopback) as a
multipart plain text + HTML message with its attachments, the same Message-ID on every resend,
and every failure as one sentence naming the server and whether a retry can mend it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from rollkeeper.notify.email import EmailChannel, SmtpServer
from rollkeeper.notify.model import DeliveryFailed

from tests.notices import CSV, HOSTILE, alarm, summary
from tests.smtpserver import Behaviour, free_port, self_signed
from tests.smtpserver import SmtpServer as Smtpd

TO = ["dit@show.example", "post@show.example"]


def _channel(port: int, **server: object) -> EmailChannel:
    settings: dict[str, object] = {"host": "127.0.0.1", "port": port, "tls": "none", "timeout": 10}
    settings.update(server)
    return EmailChannel("email-1", SmtpServer(**settings), "rollkeeper@cart-a.example", TO)  # type: ignore[arg-type]


@pytest.fixture
def smtpd() -> Iterator[Smtpd]:
    with Smtpd() as server:
        yield server


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("smtp-tls"))


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_a_notice_arrives_with_its_subject_sender_and_every_recipient(smtpd: Smtpd) -> None:
    _channel(smtpd.port).send(alarm())
    (envelope,) = smtpd.received
    assert envelope.sender == "rollkeeper@cart-a.example"
    assert envelope.recipients == TO
    message = envelope.message()
    assert message["Subject"] == "[CART-A] MISMATCH A004R2CD — do not erase"
    assert message["To"] == ", ".join(TO)
    assert message["Date"] == "Sun, 06 Dec 2026 18:02:00 +0000"


def test_the_message_has_a_plain_text_and_an_html_part_saying_the_same(smtpd: Smtpd) -> None:
    _channel(smtpd.port).send(alarm())
    message = smtpd.messages()[0]
    assert message.get_content_type() == "multipart/alternative"
    plain, html = _parts(message)
    sentence = "MISMATCH A004R2CD: C004.MXF differs from its MHL — do not erase SHUTTLE_03"
    assert sentence in plain
    assert sentence in html
    assert "380.5 GB" in plain and "380.5 GB" in html
    assert "Shoot day 2026-12-06" in plain


def test_the_days_roll_report_csv_is_attached_to_a_summary_with_its_rows(smtpd: Smtpd) -> None:
    _channel(smtpd.port).send(summary())
    message = smtpd.messages()[0]
    assert message.get_content_type() == "multipart/mixed"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "rolls-20261206.csv"
    assert attachment.get_content_type() == "text/csv"
    data = attachment.get_payload(decode=True)
    assert data == CSV
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert [row["roll"] for row in rows] == ["A001R1AB", "A004R2CD"]
    plain, _html = _parts(message)
    assert "Day completeness" in plain and "A003 not seen on any drive" in plain


def test_a_resend_of_the_same_notice_carries_the_same_message_id(smtpd: Smtpd) -> None:
    channel = _channel(smtpd.port)
    channel.send(alarm())
    channel.send(alarm())
    channel.send(alarm(notice_id="event-4712"))
    first, again, other = (m["Message-ID"] for m in smtpd.messages())
    assert first == again == "<event-4711.CART-A@cart-a.example>"
    assert other != first


def test_a_notice_composed_again_for_a_resend_is_dated_as_before(smtpd: Smtpd) -> None:
    channel = _channel(smtpd.port)
    channel.send(alarm())
    channel.send(replace(alarm(), at=datetime(2026, 12, 6, 18, 40, tzinfo=UTC)))  # composed later
    first, again = (m["Date"] for m in smtpd.messages())
    assert first == again == "Sun, 06 Dec 2026 18:02:00 +0000"  # the event's time


def test_a_hostile_roll_name_is_escaped_in_the_html_and_kept_as_is_in_the_text(
    smtpd: Smtpd,
) -> None:
    _channel(smtpd.port).send(alarm(roll=HOSTILE))
    plain, html = _parts(smtpd.messages()[0])
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE in plain


def test_starttls_with_the_servers_ca_bundle_delivers_and_logs_in(
    certificate: tuple[Path, Path],
) -> None:
    behaviour = Behaviour(logins={"cart-a": "s3cret-pass"})
    with Smtpd("starttls", certificate, behaviour) as server:
        channel = _channel(
            server.port,
            tls="starttls",
            ca_bundle=certificate[0],
            username="cart-a",
            password="s3cret-pass",
        )
        channel.send(alarm())
        assert len(server.received) == 1


def test_implicit_tls_with_the_servers_ca_bundle_delivers(certificate: tuple[Path, Path]) -> None:
    with Smtpd("ssl", certificate) as server:
        _channel(server.port, tls="ssl", ca_bundle=certificate[0]).send(alarm())
        assert len(server.received) == 1


def test_a_certificate_no_trusted_ca_signed_is_refused_with_how_to_trust_it(
    certificate: tuple[Path, Path],
) -> None:
    with Smtpd("starttls", certificate) as server:
        with pytest.raises(DeliveryFailed) as failed:
            _channel(server.port, tls="starttls").send(alarm())
        assert server.received == []
    assert failed.value.reason == (
        f"email channel email-1: the SMTP server 127.0.0.1:{server.port}: its TLS certificate "
        "could not be verified (self-signed certificate); set ca_bundle to the PEM file of the "
        "CA that signed it"
    )
    assert not failed.value.permanent


def test_verify_tls_false_accepts_a_self_signed_certificate(
    certificate: tuple[Path, Path],
) -> None:
    with Smtpd("starttls", certificate) as server:
        _channel(server.port, tls="starttls", verify_tls=False).send(alarm())
        assert len(server.received) == 1


def test_an_smtp_server_that_is_down_is_a_failure_to_retry() -> None:
    port = free_port()
    with pytest.raises(DeliveryFailed) as failed:
        _channel(port).send(alarm())
    assert failed.value.reason == (
        f"email channel email-1: the SMTP server 127.0.0.1:{port} cannot be reached "
        "(Connection refused)"
    )
    assert not failed.value.permanent
    assert failed.value.retry_after is None


def test_a_temporary_failure_answer_is_retried() -> None:
    with (
        Smtpd(behaviour=Behaviour(temp_fail_data=True)) as server,
        pytest.raises(DeliveryFailed) as failed,
    ):
        _channel(server.port).send(alarm())
    assert failed.value.reason == (
        f"email channel email-1: the SMTP server 127.0.0.1:{server.port} answered "
        "451 4.3.0 try again later"
    )
    assert not failed.value.permanent


def test_every_recipient_refused_is_permanent_and_named() -> None:
    with Smtpd(behaviour=Behaviour(refuse_recipients=set(TO))) as server:
        with pytest.raises(DeliveryFailed) as failed:
            _channel(server.port).send(alarm())
        assert server.received == []
    assert failed.value.permanent
    assert "refused every recipient (dit@show.example: 550 5.1.1 no such mailbox here;" in (
        failed.value.reason
    )


def test_one_recipient_refused_is_permanent_and_the_other_still_receives_it() -> None:
    with Smtpd(behaviour=Behaviour(refuse_recipients={"post@show.example"})) as server:
        with pytest.raises(DeliveryFailed) as failed:
            _channel(server.port).send(alarm())
        assert [e.recipients for e in server.received] == [["dit@show.example"]]
    assert failed.value.permanent
    assert failed.value.reason == (
        f"email channel email-1: the SMTP server 127.0.0.1:{server.port} refused the "
        "recipient(s) post@show.example (the others received it); check the channel's 'to'"
    )


def test_a_refused_login_is_permanent_and_never_shows_the_password(
    certificate: tuple[Path, Path],
) -> None:
    behaviour = Behaviour(logins={"cart-a": "the-right-one"})
    with Smtpd("starttls", certificate, behaviour) as server:
        channel = _channel(
            server.port,
            tls="starttls",
            ca_bundle=certificate[0],
            username="cart-a",
            password="wr0ng-passw0rd",
        )
        with pytest.raises(DeliveryFailed) as failed:
            channel.send(alarm())
    assert failed.value.permanent
    assert failed.value.reason.startswith(
        f"email channel email-1: the SMTP server 127.0.0.1:{server.port} refused the login "
        "of 'cart-a' (535 5.7.8 Authentication credentials invalid)"
    )
    assert "wr0ng-passw0rd" not in failed.value.reason
    assert "wr0ng-passw0rd" not in repr(channel)


def test_starttls_asked_of_a_server_that_does_not_offer_it_is_permanent(smtpd: Smtpd) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        _channel(smtpd.port, tls="starttls").send(alarm())
    assert smtpd.received == []
    assert failed.value.permanent
    assert failed.value.reason == (
        f"email channel email-1: the SMTP server 127.0.0.1:{smtpd.port} does not offer "
        "STARTTLS; check the channel's 'tls' and 'username'"
    )


def test_implicit_tls_to_a_plain_server_says_the_handshake_failed(smtpd: Smtpd) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        _channel(smtpd.port, tls="ssl").send(alarm())
    assert smtpd.received == []
    assert failed.value.reason.startswith(
        f"email channel email-1: the SMTP server 127.0.0.1:{smtpd.port}: the TLS handshake failed ("
    )
    assert failed.value.reason.endswith(
        "); check 'tls' (ssl is implicit TLS, usually port 465; starttls usually 587)"
    )


def test_a_line_break_in_a_roll_name_never_splits_the_subject_header(smtpd: Smtpd) -> None:
    _channel(smtpd.port).send(alarm(roll="A004\r\nBcc: victim@example.com"))
    message = smtpd.messages()[0]
    assert message["Subject"] == "[CART-A] MISMATCH A004 Bcc: victim@example.com — do not erase"
    assert message["Bcc"] is None
    assert smtpd.received[0].recipients == TO
