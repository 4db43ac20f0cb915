"""Specification: `rollkeeper report` on what a real daemon recorded, while it runs.

Real roll folders sealed by rollkeeper on a RAID and a shuttle drive, the daemon running as a
subprocess with a folder target; the report is asked of the live ledger as a person would.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.browser import needs_chromium, rendered_dom
from tests.integration.daemon_harness import (
    A001,
    DAY,
    Daemon,
    make_roll,
    roll_states,
    run_cli,
    sample_files,
    wait_until,
    write_config,
)

A003 = "20261122_Day02/Camera_Media/A003R1AB"
S002 = "20261122_Day02/Sound_Media/S002"
ROLLS = (A001, A003, S002)


def offloaded_cart(tmp_path: Path) -> Path:
    """A001 on day 1, A003 and S002 on day 2, on a RAID and a shuttle; the configuration."""
    raid, shuttle = tmp_path / "RAID_A", tmp_path / "SHUTTLE_01"
    for seed, folder in enumerate(ROLLS, start=1):
        for drive in (raid, shuttle):
            make_roll(drive, folder, sample_files(seed))
    (tmp_path / "nas").mkdir()
    return write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(raid), "raid"), (str(shuttle), "rotation")],
        settle=0.2,
        extra=f'[target]\npath = "{tmp_path / "nas"}"\n',
    )


def report(config: Path, *args: str) -> str:
    done = run_cli("report", "--config", str(config), *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_report_of_a_running_daemon_has_every_roll_and_the_shows_gaps(tmp_path: Path) -> None:
    config = offloaded_cart(tmp_path)
    daemon = Daemon(config).start()
    try:
        wait_until(
            lambda: all(roll_states(config).get(r) == "uploaded" for r in ROLLS),
            timeout=60,
            what="every roll uploaded",
        )
        rows = list(csv.DictReader(io.StringIO(report(config))))
        document = json.loads(report(config, "--format", "json", "--day", "20261122"))
    finally:
        daemon.stop()
    assert [r["roll_id"] for r in rows] == list(ROLLS)
    assert {r["upload"] for r in rows} == {"uploaded"}
    assert {r["mhl_format"] for r in rows} == {"legacy"}
    assert all(int(r["files"]) == 2 and int(r["bytes"]) == 2 * 4096 for r in rows)
    assert [r["roll_id"] for r in document["rolls"]] == [A003, S002]
    lines = document["completeness"]["lines"]
    assert "A002 not seen on any drive" in lines
    assert "S001" not in " ".join(lines)  # sound's sequence starts at the first seen
    assert rows[0]["shoot_day"] == DAY


@needs_chromium
def test_the_html_report_of_a_real_cart_renders_in_chromium(tmp_path: Path) -> None:
    config = offloaded_cart(tmp_path)
    done = run_cli("run", "--once", "--config", str(config))
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "report.html"
    report(config, "--format", "html", "-o", str(out))
    dom = rendered_dom(out, tmp_path)
    assert "A002 not seen on any drive" in dom
    assert "SHUTTLE_01 may be erased (rotation; cards level)" in dom
