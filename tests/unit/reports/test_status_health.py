"""Specification: the status document's health — the archive tier at a glance (counts by its
last answer per roll, when it was last asked, why a roll is not archived yet) and the dead-man's
switch — and the lines `status` and the dashboard say them in."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from rollkeeper.fs.monitor_state import MonitorState, write_monitor_state
from rollkeeper.ledger.rows import ArchiveCheck
from rollkeeper.reports.status_health import archive_json, monitor_json, roll_archive_json
from rollkeeper.reports.status_text import archive_line, health_lines, monitor_line


def _check(roll: str, state: str, at: str, reasons: list[str] | None = None) -> ArchiveCheck:
    return ArchiveCheck(
        roll_id=roll, state=state, provider="http", checked_at=at, next_check_at=at,
        archived_at=at if state == "archived" else None, overdue_alarm_at=None,
        reasons=json.dumps(reasons or []), objects="{}",
    )  # fmt: skip


CHECKS = [
    _check("A001", "archived", "2026-12-06T09:00:00+00:00"),
    _check("A002", "pending", "2026-12-06T09:30:00+00:00", ["a.mov: archive portal unreachable"]),
    _check("A003", "pending", "2026-12-06T09:10:00+00:00", ["b.mov: not yet restored"]),
    None,  # a roll never asked about
]


def test_without_an_archive_tier_there_is_no_archive_member() -> None:
    assert archive_json("none", CHECKS) is None


def test_the_archive_is_counted_by_each_rolls_last_answer() -> None:
    archive = archive_json("http", CHECKS)
    assert archive == {
        "provider": "http", "archived": 1, "pending": 2, "failed": 0,
        "last_checked_at": "2026-12-06T09:30:00+00:00",
        "problem": "a.mov: archive portal unreachable",  # the latest answer's reason
    }  # fmt: skip


def test_an_archive_never_asked_says_so() -> None:
    archive = archive_json("http", [None])
    assert archive_line(archive) == "Archive (http): not asked yet"


def test_the_archive_line_says_counts_when_asked_and_the_latest_reason() -> None:
    assert archive_line(archive_json("http", CHECKS)) == (
        "Archive (http): 1 archived, 2 pending, 0 failed; last asked 2026-12-06 09:30 UTC — "
        "a.mov: archive portal unreachable"
    )


def test_a_rolls_archive_member_is_its_last_answer_with_its_reasons() -> None:
    member = roll_archive_json(CHECKS[1])
    assert member is not None
    assert (member["state"], member["reasons"]) == (
        "pending",
        ["a.mov: archive portal unreachable"],
    )
    assert roll_archive_json(None) is None


def test_garbled_stored_reasons_are_read_as_none() -> None:
    garbled = replace(_check("A004", "pending", "2026-12-06T09:00:00+00:00"), reasons="{not json")
    member = roll_archive_json(garbled)
    assert member is not None and member["reasons"] == []


def test_no_switch_ever_pinged_means_no_monitor_member(tmp_path: Path) -> None:
    assert monitor_json(tmp_path) is None
    assert monitor_line(None) is None


def test_the_switch_line_says_when_a_ping_last_got_through(tmp_path: Path) -> None:
    write_monitor_state(
        tmp_path, MonitorState("2026-12-06T10:00:00+00:00", "2026-12-06T10:00:00+00:00", None)
    )
    assert monitor_line(monitor_json(tmp_path)) == (
        "Dead-man's switch: pinged, last got through 2026-12-06 10:00 UTC"
    )


def test_a_failing_switch_says_why_and_is_shown_red(tmp_path: Path) -> None:
    write_monitor_state(tmp_path, MonitorState(None, "2026-12-06T10:05:00+00:00", "HTTP 500"))
    monitor = monitor_json(tmp_path)
    assert monitor_line(monitor) == (
        "Dead-man's switch: ping FAILED at 2026-12-06 10:05 UTC (HTTP 500); never got through"
    )
    assert health_lines({"archive": None, "monitor": monitor})[0][0] == "bold red"
