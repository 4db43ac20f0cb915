"""The webhook's JSON document, schema `rollkeeper.notice/1` (docs/webhook.md), and its signature.

The body is built once per attempt and sent as these exact bytes: compact JSON, keys sorted,
UTF-8. The signature is HMAC-SHA256 over those bytes with the channel's secret, hex-encoded. The
times are inside the signed body (`composed_at`, `sent_at`), so a receiver can refuse an old
message replayed to it; `notice_id` (also the `Idempotency-Key` header) lets it drop a repeat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from rollkeeper.notify.model import Notice, NoticeItem

SCHEMA = "rollkeeper.notice/1"
SIGNATURE_HEADER = "X-Rollkeeper-Signature"


def iso(at: datetime) -> str:
    """An aware time as ISO 8601 UTC with a `Z`, to the second."""
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _item(item: NoticeItem) -> dict[str, Any]:
    return {
        "event_id": item.event_id,
        "kind": item.kind,
        "severity": str(item.severity),
        "sentence": item.sentence,
        "at": iso(item.at),
        "roll": item.roll,
        "day": item.day,
        "drive": item.drive,
        "files": item.files,
        "bytes": item.bytes,
        "state": item.state,
        "facts": item.facts,
    }


def document(notice: Notice, sent_at: datetime) -> dict[str, Any]:
    """The JSON document for `notice` sent at `sent_at`."""
    return {
        "schema": SCHEMA,
        "notice_id": notice.notice_id,
        "kind": notice.kind,
        "severity": str(notice.severity),
        "cart": notice.cart,
        "subject": notice.subject,
        "summary": notice.summary,
        "composed_at": iso(notice.at),
        "sent_at": iso(sent_at),
        "items": [_item(item) for item in notice.items],
        "sections": [{"title": title, "lines": list(lines)} for title, lines in notice.sections],
        "attachments": [
            {
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": len(attachment.data),
                "data_base64": base64.b64encode(attachment.data).decode("ascii"),
            }
            for attachment in notice.attachments
        ],
    }


def body(notice: Notice, sent_at: datetime) -> bytes:
    """The exact bytes POSTed: compact, keys sorted, UTF-8 (facts that are not JSON as text)."""
    return json.dumps(
        document(notice, sent_at),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    ).encode("utf-8")


def signature(secret: str, content: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of `content` keyed with `secret` (UTF-8)."""
    digest = hmac.new(secret.encode("utf-8"), content, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(secret: str, content: bytes, header: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(signature(secret, content), header.strip())
