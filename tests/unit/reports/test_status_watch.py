"""Specification: what `status --watch` picks out of the status document — rolls in flight with
bytes, rate and time left, problems, drives and whether each may be erased — and its plain
snapshot for a pipe or a log. The documents are shaped as `reports.status.status_document`
builds them (the integration test drives the real thing)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rollkeeper.reports.status_watch import (
    MAX_PROBLEMS,
    Flight,
    drives,
    duration_text,
    in_flight,
    problems,
    snapshot_lines,
)

AT = datetime(2026, 12, 6, 18, 2, 5, tzinfo=UTC)


def _roll(
    roll: str, state: str, upload: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"roll": roll, "shoot_day": "20261206", "state": state, "problems": [],
            "volumes": [], "upload": upload, **extra}  # fmt: skip


def _uploading(done: int, total: int, rate: float | None, eta: float | None) -> dict[str, Any]:
    return {"state": "uploading", "bytes_done": done, "bytes_total": total,
            "rate_bytes_per_second": rate, "eta_seconds": eta}  # fmt: skip


def _document(rolls: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> dict[str, Any]:
    daemon = {"running": True, "pid": 42, "started_at": "2026-12-06T06:10:00+00:00",
              "seen_at": "2026-12-06T18:02:00+00:00"}  # fmt: skip
    return {"daemon": daemon, "target": None, "rolls": rolls, "volumes": volumes, "notify": []}


def _volume(
    label: str, clear: bool, reason: str | None = None, mounted: bool = True
) -> dict[str, Any]:
    blocking = [{"roll_id": "x", "reason": reason}] if reason else []
    return {"label": label, "role": "rotation", "mounted": mounted,
            "clearance": {"clear_to_erase": clear, "blocking": blocking}}  # fmt: skip


def test_an_upload_in_flight_shows_bytes_rate_and_time_left() -> None:
    upload = _uploading(1_200_000_000, 4_000_000_000, 85_300_000.0, 33.0)
    (flight,) = in_flight(_document([_roll("A004R2CD", "uploading", upload)], []))
    assert flight.share == 0.3
    assert flight.detail() == "1.2 GB of 4 GB · 85.3 MB/s · 33 s left"


def test_uploads_come_before_rolls_being_verified_and_settled_rolls_are_not_in_flight() -> None:
    rolls = [
        _roll("B001", "verifying"),
        _roll("A004", "uploading", _uploading(1, 10, None, None)),
        _roll("A001", "uploaded"),
    ]
    assert [f.roll for f in in_flight(_document(rolls, []))] == [
        "A004 (20261206)",
        "B001 (20261206)",
    ]


def test_times_left_read_as_seconds_minutes_or_hours() -> None:
    assert [duration_text(s) for s in (45, 720, 7500)] == ["45 s", "12 min", "2 h 05 min"]


def test_failed_rolls_and_channels_that_gave_up_are_the_problems() -> None:
    mismatch = _roll("A005", "mismatch", problems=["SHUTTLE_03: C004.MXF differs from its MHL"])
    document = _document([mismatch, _roll("A001", "uploaded")], [])
    document["notify"] = [{"channel": "email-1", "failed": 2}]
    assert problems(document) == [
        "A005: SHUTTLE_03: C004.MXF differs from its MHL",
        "notify email-1: 2 given up",
    ]


def test_each_drive_says_may_be_erased_or_keep_with_its_first_reason() -> None:
    volumes = [
        _volume("SHUTTLE_03", False, "A005 does not match"),
        _volume("SHUTTLE_01", True),
        _volume("SHUTTLE_02", False, mounted=False),
    ]
    assert [(d.label, d.verdict()) for d in drives(_document([], volumes))] == [
        ("SHUTTLE_01", "MAY BE ERASED"),
        ("SHUTTLE_03", "keep: A005 does not match"),
        ("SHUTTLE_02", "keep"),
    ]


def test_a_plain_snapshot_reads_top_to_bottom_without_terminal_codes() -> None:
    upload = _uploading(500, 1000, 100.0, 5.0)
    roll = _roll("A004", "uploading", upload, volumes=["SHUTTLE_01"])
    document = _document([roll], [_volume("SHUTTLE_01", True)])
    assert snapshot_lines(document, AT) == [
        "— 2026-12-06 18:02:05 UTC",
        "Daemon: running (pid 42, since 2026-12-06 06:10 UTC)",
        "In flight: 1",
        "  A004 (20261206) uploading  50% 500 B of 1 kB · 100 B/s · 5 s left",
        "Rolls: 1",
        "  A004 (20261206) uploading · on SHUTTLE_01",
        "Problems: none",
        "Drives:",
        "  SHUTTLE_01 (rotation, mounted): MAY BE ERASED",
    ]


def test_a_long_list_of_problems_is_cut_and_counted() -> None:
    rolls = [_roll(f"A{n:03d}", "incomplete") for n in range(MAX_PROBLEMS + 3)]
    lines = snapshot_lines(_document(rolls, []), AT)
    assert "  …and 3 more (rollkeeper status)" in lines


def test_a_roll_being_verified_has_no_byte_count_to_show() -> None:
    assert Flight("B001", "verifying").detail() == ""


def test_the_latest_days_rolls_come_first_and_say_where_they_are() -> None:
    rolls = [
        _roll("A001", "uploaded", volumes=["SHUTTLE_01"], shoot_day="20261205"),
        _roll("A002", "verified", volumes=[], shoot_day="20261206"),
    ]
    lines = snapshot_lines(_document(rolls, []), AT)
    start = lines.index("Rolls: 2")
    assert lines[start + 1 : start + 3] == [
        "  A002 (20261206) verified · on no mounted copy",
        "  A001 (20261205) uploaded · on SHUTTLE_01",
    ]
