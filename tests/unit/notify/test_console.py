"""Specification: the console channel prints each notice as its plain text (the demo's channel)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rollkeeper.config.schema import parse_config
from rollkeeper.core.events import Severity
from rollkeeper.notify.build import build_channels
from rollkeeper.notify.console import ConsoleChannel
from rollkeeper.notify.model import DeliveryFailed, Notice
from rollkeeper.notify.rendering import render_text

NOTICE = Notice(
    notice_id="event-7",
    kind="clearance_granted",
    severity=Severity.INFO,
    subject="SHUTTLE_01 may be erased — 3 rolls, 6.5 MB, all verified",
    summary="SHUTTLE_01 may be erased.",
    cart="DEMO-CART",
    at=datetime(2026, 12, 6, 10, 0, tzinfo=UTC),
)


def test_a_console_table_becomes_a_console_channel_named_console_1(tmp_path: Path) -> None:
    file = tmp_path / "rollkeeper.toml"
    file.write_text("[[notify.console]]\n", encoding="utf-8")
    channels = build_channels(parse_config(file.read_text(encoding="utf-8"), file))
    assert [(channel.name, channel.kind) for channel in channels] == [("console-1", "console")]


def test_a_notice_is_printed_as_its_plain_text_between_rules() -> None:
    out = io.StringIO()
    ConsoleChannel("console-1", out).send(NOTICE)
    printed = out.getvalue()
    assert "[notify console-1] " + render_text(NOTICE).rstrip("\n") in printed
    assert "SHUTTLE_01 may be erased — 3 rolls" in printed
    assert printed.startswith("─" * 72 + "\n") and printed.endswith("─" * 72 + "\n")


def test_a_closed_stream_is_a_failed_delivery_naming_the_channel() -> None:
    out = io.StringIO()
    out.close()
    with pytest.raises(DeliveryFailed) as failed:
        ConsoleChannel("console-1", out).send(NOTICE)
    assert failed.value.reason.startswith("console channel console-1: cannot print (")
