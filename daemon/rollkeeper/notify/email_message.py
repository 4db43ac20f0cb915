"""A notice as an email: multipart/alternative plain text + HTML, attachments, and headers that
stay the same when the same notice is sent again.

The Message-ID is derived from the notice id and the cart (never random), and the Date is the
time of the newest event the notice tells (not when it was composed: a notice is composed again
for each attempt), so a resend after a crash is recognisably the same message: mail clients and
list servers drop the repeat.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from rollkeeper.notify.model import Notice
from rollkeeper.notify.rendering import render_html, render_text


def message_id(notice: Notice, sender: str) -> str:
    """`<notice-id.cart@sender-domain>`: stable for a notice, distinct between carts."""
    domain = sender.rpartition("@")[2].strip("<> ") or "rollkeeper.invalid"
    local = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{notice.notice_id}.{notice.cart}").strip(".-")
    return f"<{local or 'notice'}@{domain}>"


def dated(notice: Notice) -> datetime:
    """When the message is dated: its newest event's time, the same on every attempt to send
    the notice (a notice telling no event: when it was composed)."""
    return max((item.at for item in notice.items), default=notice.at)


def one_line(text: str) -> str:
    """`text` fit for a header: line breaks and other control characters become spaces (a roll
    name could carry them, and a header must never be split into two)."""
    return " ".join("".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text).split())


def compose_email(notice: Notice, sender: str, to: list[str]) -> EmailMessage:
    """The message for `notice`, from `sender` to every address of `to`."""
    message = EmailMessage()
    message["Subject"] = one_line(notice.subject)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = format_datetime(dated(notice))
    message["Message-ID"] = message_id(notice, sender)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message["X-Rollkeeper-Notice"] = one_line(notice.notice_id)
    message["X-Rollkeeper-Severity"] = str(notice.severity)
    if notice.severity == "alarm":
        message["Importance"] = "high"
        message["X-Priority"] = "1"
    message.set_content(render_text(notice), subtype="plain", charset="utf-8")
    message.add_alternative(render_html(notice), subtype="html", charset="utf-8")
    for attachment in notice.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=one_line(attachment.filename),
        )
    return message
