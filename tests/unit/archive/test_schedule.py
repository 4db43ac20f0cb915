"""When each roll's archive status is asked again, and what a JSON pointer reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rollkeeper.archive.poller import next_check
from rollkeeper.archive.portal import resolve_pointer
from rollkeeper.config.sections import ArchiveSettings

SETTINGS = ArchiveSettings.model_validate({"poll_interval": "5m", "poll_interval_later": "1h"})
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_a_roll_uploaded_today_is_asked_again_soon() -> None:
    assert next_check(NOW - timedelta(hours=3), NOW, SETTINGS) == NOW + timedelta(minutes=5)


def test_after_its_first_day_a_roll_is_asked_hourly() -> None:
    assert next_check(NOW - timedelta(days=2), NOW, SETTINGS) == NOW + timedelta(hours=1)


def test_a_json_pointer_reads_nested_fields_and_escapes() -> None:
    document = {"archive": {"a/b": [{"state": "archived"}]}}
    assert resolve_pointer(document, "/archive/a~1b/0/state") == "archived"


def test_a_json_pointer_to_nothing_is_an_error() -> None:
    with pytest.raises(KeyError):
        resolve_pointer({"status": "x"}, "/state")
