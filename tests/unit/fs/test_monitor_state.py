"""Specification: how the dead-man's switch last fared is kept as a small file in the state
folder, read back whole, and anything else in its place is read as nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from rollkeeper.fs.monitor_state import (
    MONITOR_FILE,
    MonitorState,
    clear_monitor_state,
    read_monitor_state,
    write_monitor_state,
)

KEPT = MonitorState("2026-12-06T10:00:00+00:00", "2026-12-06T10:05:00+00:00", "HTTP 500")


def test_what_is_written_is_read_back(tmp_path: Path) -> None:
    write_monitor_state(tmp_path, KEPT)
    assert read_monitor_state(tmp_path) == KEPT


def test_no_file_is_no_state(tmp_path: Path) -> None:
    assert read_monitor_state(tmp_path) is None


@pytest.mark.parametrize("text", ["", "[]", '{"last_attempt": 5}', "{not json"])
def test_a_file_that_is_not_ours_is_no_state(tmp_path: Path, text: str) -> None:
    (tmp_path / MONITOR_FILE).write_text(text, encoding="utf-8")
    assert read_monitor_state(tmp_path) is None


def test_clearing_removes_it_and_clearing_twice_is_harmless(tmp_path: Path) -> None:
    write_monitor_state(tmp_path, KEPT)
    clear_monitor_state(tmp_path)
    clear_monitor_state(tmp_path)
    assert read_monitor_state(tmp_path) is None
