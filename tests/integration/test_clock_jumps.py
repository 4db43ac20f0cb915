"""Specification, against the real daemon with its wall clock moved under it (libfaketime; the
steady clock is left alone, as an NTP step leaves it): a shuttle cleared on fresh evidence, then
the cart's clock set back an hour, then forward two. After each jump the evidence recorded on
the old clock is not believed — `status`, on the cart's clock, says STALE until the daemon has
listed the roll's objects again on the new clock, which it does within a minute — and then the
drive may be erased again, on evidence checked on the new clock.

Where libfaketime is not installed (make's `faketime` target installs it), the test is skipped
and says why."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.integration.daemon_harness import (
    A001,
    ROLLKEEPER,
    Daemon,
    make_roll,
    sample_files,
    wait_until,
    write_config,
)

LIBFAKETIME = next(iter(Path("/usr/lib").glob("*/faketime/libfaketime.so.1")), None)
pytestmark = pytest.mark.skipif(LIBFAKETIME is None, reason="libfaketime is not installed")


def _faked(offset: Path) -> dict[str, str]:
    """The environment of a process whose wall clock is the real one plus `offset`'s text."""
    return {
        "LD_PRELOAD": str(LIBFAKETIME), "FAKETIME_TIMESTAMP_FILE": str(offset),
        "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }  # fmt: skip


def _listed_at(state: Path) -> datetime | None:
    """When A001's stored objects were last listed, as the daemon's clock said."""
    with sqlite3.connect(f"file:{state / 'ledger.sqlite3'}?mode=ro", uri=True) as db:
        row = db.execute(
            "SELECT objects_checked_at FROM roll_uploads WHERE roll_id = ?", (A001,)
        ).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def _shuttle(config: Path, env: dict[str, str]) -> dict[str, object]:
    """SHUTTLE_01's verdict as `status --json` says it on the cart's (faked) clock ({"error":
    …} while there is none to read: the daemon starting)."""
    done = subprocess.run(
        [ROLLKEEPER, "status", "--json", "--config", str(config)],
        capture_output=True, text=True, check=False, env={**os.environ, **env},
    )  # fmt: skip
    volumes = json.loads(done.stdout)["volumes"] if done.returncode == 0 else []
    if not any(v["label"] == "SHUTTLE_01" for v in volumes):
        return {"error": done.stderr}
    (volume,) = [v for v in volumes if v["label"] == "SHUTTLE_01"]
    clearance: dict[str, object] = volume["clearance"] or {}
    return clearance


def _jump(offset: Path, text: str, shift: timedelta) -> datetime:
    """Move the cart's clock; the moment it now reads."""
    offset.write_text(text + "\n", encoding="utf-8")
    return datetime.now(UTC) + shift


def _stale_until_listed_again(
    state: Path, config: Path, env: dict[str, str], now: datetime
) -> None:
    """Until a listing on the new clock, `status` says STALE; then it clears on fresh evidence."""
    before = _listed_at(state)
    verdict = _shuttle(config, env)
    if _listed_at(state) == before:  # not listed again yet while status answered
        assert verdict["stale"], verdict
    wait_until(
        lambda: abs((_listed_at(state) or before or now) - now) < timedelta(minutes=2),
        what="the objects listed again on the new clock", timeout=75,
    )  # fmt: skip
    wait_until(lambda: not _shuttle(config, env).get("stale", True), what="fresh again", timeout=45)
    assert _shuttle(config, env)["clear_to_erase"]


def test_a_clock_set_back_then_forward_makes_evidence_stale_until_checked_again(
    tmp_path: Path,
) -> None:
    offset, nas, shuttle = tmp_path / "clock", tmp_path / "NAS", tmp_path / "SHUTTLE_01"
    offset.write_text("+0\n", encoding="utf-8")
    nas.mkdir()
    make_roll(shuttle, A001, sample_files(1))
    config = write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(shuttle), "rotation")],
        settle=0, extra=f'[target]\nkind = "fs"\npath = "{nas}"\n',
    )  # fmt: skip
    env, state = _faked(offset), tmp_path / "state"
    daemon = Daemon(config, env=env).start()
    try:
        wait_until(lambda: _shuttle(config, env).get("clear_to_erase") is True, what="cleared")
        back = _jump(offset, "-1h", timedelta(hours=-1))
        _stale_until_listed_again(state, config, env, back)
        time.sleep(1)
        forward = _jump(offset, "+2h", timedelta(hours=2))
        _stale_until_listed_again(state, config, env, forward)
    finally:
        output = daemon.stop()
    assert "Traceback" not in output
