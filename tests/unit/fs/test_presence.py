"""Specification: the daemon's presence in its state folder (`fs.presence`): what `status`
believes about whether a daemon keeps the verdicts fresh."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rollkeeper.fs.presence import (
    PRESENCE_FILE,
    STALE_AFTER,
    Presence,
    read_presence,
    write_presence,
)

NOW = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)


def presence(pid: int | None = None, seen: datetime = NOW) -> Presence:
    return Presence(
        pid=os.getpid() if pid is None else pid,
        started_at=(NOW - timedelta(hours=1)).isoformat(),
        seen_at=seen.isoformat(),
    )


def a_finished_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def test_a_presence_written_is_read_back_as_it_was(tmp_path: Path) -> None:
    write_presence(tmp_path, presence())
    assert read_presence(tmp_path) == presence()


def test_no_presence_file_means_no_daemon_ever_ran_here(tmp_path: Path) -> None:
    assert read_presence(tmp_path) is None


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"pid": "x", "started_at": "2026-12-06T05:00:00+00:00", '
        '"seen_at": "2026-12-06T05:00:00+00:00"}',
        '{"pid": 1, "started_at": "2026-12-06T05:00:00+00:00", "seen_at": "yesterday"}',
        '{"pid": 1, "started_at": "2026-12-06T05:00:00+00:00", "seen_at": "2026-12-06T05:00:00"}',
        '{"pid": 1, "seen_at": "2026-12-06T05:00:00+00:00"}',
    ],
    ids=["not-json", "a-list", "pid-not-a-number", "not-a-time", "time-without-zone", "no-start"],
)
def test_a_presence_file_that_is_not_ours_claims_nothing(tmp_path: Path, text: str) -> None:
    (tmp_path / PRESENCE_FILE).write_text(text, encoding="utf-8")
    assert read_presence(tmp_path) is None


def test_a_live_process_seen_within_three_beats_is_running() -> None:
    assert presence(seen=NOW - STALE_AFTER).running(NOW)


def test_a_daemon_not_seen_for_longer_is_gone_even_if_its_process_lives() -> None:
    assert not presence(seen=NOW - STALE_AFTER - timedelta(seconds=1)).running(NOW)


def test_a_daemon_whose_process_ended_is_not_running() -> None:
    assert not presence(pid=a_finished_pid()).running(NOW)


def test_a_daemon_that_stopped_is_not_running() -> None:
    assert not presence().stopped(NOW.isoformat()).running(NOW)
