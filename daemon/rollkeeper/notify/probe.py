"""The test message `rollkeeper notify test` sends: a notice that exercises a channel's layout
(one item, its fields) without being mistaken for news about a real roll."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from rollkeeper.core.events import Severity
from rollkeeper.notify.model import Notice, NoticeItem


def probe_notice(cart: str, channel: str, at: datetime | None = None) -> Notice:
    """A test notice for `channel` of `cart`: a fresh id each time, so receivers never drop it."""
    now = at or datetime.now(UTC)
    sentence = f"Test message from rollkeeper on {cart}: channel {channel} reaches you."
    return Notice(
        notice_id=f"test-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}",
        kind="test",
        severity=Severity.INFO,
        subject=f"[{cart}] test message — channel {channel} works",
        summary=f"{sentence} Nothing needs doing.",
        cart=cart,
        at=now,
        items=(
            NoticeItem(
                event_id=0,
                kind="test",
                severity=Severity.INFO,
                sentence=sentence,
                at=now,
                roll="TEST",
                day=f"{now:%Y%m%d}",
                files=0,
                bytes=0,
                state="test",
            ),
        ),
    )
