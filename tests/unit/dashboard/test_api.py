"""Specification: the dashboard's JSON API says what `rollkeeper status --json` says, over real
HTTP from the daemon's ledger."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.unit.dashboard.conftest import LOOPBACK_GATE, Serve
from tests.unit.runtime.conftest import A001, DAY


def _status_json(state_dir: Path, tmp_path: Path) -> dict[str, object]:
    """What `rollkeeper status --json` prints for this state folder (the real command)."""
    config = tmp_path / "status.toml"
    config.write_text(f'[state]\ndir = "{state_dir}"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "rollkeeper", "status", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 0, done.stderr
    document: dict[str, object] = json.loads(done.stdout)
    return document


def test_api_status_is_the_status_json_document(serve: Serve, shot: Path, tmp_path: Path) -> None:
    url = serve(shot, LOOPBACK_GATE)
    answer = httpx.get(f"{url}/api/status")
    assert answer.status_code == 200
    assert answer.json() == _status_json(shot, tmp_path)


def test_api_drives_lists_the_status_volumes(serve: Serve, shot: Path, tmp_path: Path) -> None:
    url = serve(shot, LOOPBACK_GATE)
    volumes = httpx.get(f"{url}/api/drives").json()["volumes"]
    assert volumes == _status_json(shot, tmp_path)["volumes"]
    assert [v["label"] for v in volumes] == ["RAID_A"]


def test_api_day_lists_that_days_rolls(serve: Serve, shot: Path) -> None:
    url = serve(shot, LOOPBACK_GATE)
    day = httpx.get(f"{url}/api/days/{DAY}").json()
    assert day["shoot_day"] == DAY
    assert [roll["id"] for roll in day["rolls"]] == [A001]


def test_api_roll_by_its_id_has_the_status_fields(serve: Serve, shot: Path) -> None:
    url = serve(shot, LOOPBACK_GATE)
    roll = httpx.get(f"{url}/api/rolls/{A001}").json()
    assert roll["id"] == A001
    assert roll["state"] == "verified"
    assert {"clearance", "copies", "upload", "problems", "volumes"} <= roll.keys()


def test_api_roll_by_its_name_alone(serve: Serve, shot: Path) -> None:
    url = serve(shot, LOOPBACK_GATE)
    assert httpx.get(f"{url}/api/rolls/A001R1AB").json()["id"] == A001


def test_an_unknown_day_or_roll_is_404(serve: Serve, shot: Path) -> None:
    url = serve(shot, LOOPBACK_GATE)
    assert httpx.get(f"{url}/api/days/20990101_Day99").status_code == 404
    assert httpx.get(f"{url}/api/rolls/Z999").status_code == 404


def test_no_ledger_yet_is_503_with_the_status_sentence(serve: Serve, tmp_path: Path) -> None:
    url = serve(tmp_path / "state", LOOPBACK_GATE)
    answer = httpx.get(f"{url}/api/status")
    assert answer.status_code == 503
    assert "rollkeeper run" in answer.json()["error"]


def test_api_roll_lists_its_files_with_their_recorded_evidence(serve: Serve, stored: Path) -> None:
    url = serve(stored, LOOPBACK_GATE)
    files = httpx.get(f"{url}/api/rolls/{A001}").json()["files"]
    assert [(f["path"], f["verified"], f["listed_in_mhl"]) for f in files] == [
        ("Clips/A001C001.mov", True, True),
        ("Clips/A001C002.mov", True, True),
    ]
    assert {f["stored_proven"] for f in files} == {True}


def test_api_roll_says_when_each_kind_of_evidence_was_checked(serve: Serve, stored: Path) -> None:
    checked = httpx.get(f"{serve(stored, LOOPBACK_GATE)}/api/rolls/{A001}").json()["checked_at"]
    assert list(checked) == ["mhl_verification", "source_files", "stored_objects", "archive_copy"]
    assert checked["mhl_verification"] is not None and checked["archive_copy"] is None
