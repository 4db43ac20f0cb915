"""Specification: the soak (`bench/soak.py`), two minutes of it in every `make test` — rolls
arriving, shuttles unplugged and plugged back, the S3 server restarted twice, the webhook
channel down for a while, the archive tier catching up — ends with every roll uploaded and
archived, no byte lost, no drive cleared too early, no notification lost, no traceback, and the
daemon's memory and open files bounded. The hour-long run's figures are in bench/RESULTS.md."""

from __future__ import annotations

from pathlib import Path

from bench.soak import run_soak


def test_two_minutes_of_a_shoot_with_faults_lose_nothing_and_clear_nothing_early(
    tmp_path: Path,
) -> None:
    report = run_soak(tmp_path, seconds=120)
    summary = "\n".join(report.lines())
    assert len(report.faults) == 7, summary
    assert report.uploaded == report.archived == report.rolls == 15, summary
    assert report.bytes_lost == 0, summary
    assert report.false_clearances == [], summary
    assert report.notifications_lost == 0 and report.notifications["sent"] > 0, summary
    assert report.tracebacks == 0, summary
    assert report.open_files[1] <= report.open_files[0] + 16, summary  # no descriptor leak
    assert report.memory_kb[1] < 400 * 1024, summary
