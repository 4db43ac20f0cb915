"""Specification: the drives board, first on the page: one card per drive with its verdict in
large words, the reason and "as of HH:MM"; names render as text, never markup."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from rollkeeper.core.words.reports import NOT_JUDGED
from rollkeeper.dashboard.board import drive_cards
from rollkeeper.fs.monitor_state import MonitorState, write_monitor_state
from rollkeeper.runtime.service import Service

from tests.unit.dashboard.conftest import LOOPBACK_GATE, Serve
from tests.unit.runtime.conftest import A001, A001_FILES, cart_config, make_roll

HOSTILE = "<img src=x onerror=alert(1)>"


def _volume(label: str, clearance: dict[str, Any] | None, rolls: list[str]) -> dict[str, Any]:
    return {"label": label, "role": "rotation", "mounted": True, "rolls": rolls,
            "clearance": clearance}  # fmt: skip


def _clearance(clear: bool, reason: str | None = None, stale: bool = False) -> dict[str, Any]:
    blocking = [{"reason": reason}] if reason else []
    return {"clear_to_erase": clear, "blocking": blocking, "as_of": "2026-12-06T10:31:00+00:00",
            "stale": stale}  # fmt: skip


def _roll(state: str, problems: list[str]) -> dict[str, Any]:
    return {"id": A001, "roll": "A001R1AB", "state": state, "problems": problems}


def test_a_cleared_drive_may_be_erased_as_of_its_oldest_evidence() -> None:
    document = {"rolls": [], "volumes": [_volume("SHUTTLE_03", _clearance(True), [])]}
    [card] = drive_cards(document)
    assert (card.verdict, card.reason, card.as_of, card.stale) == (
        "may be erased",
        None,
        "10:31 UTC",
        False,
    )


def test_a_blocked_drive_is_kept_with_its_first_reason() -> None:
    blocked = _clearance(False, "roll A001R1AB is not uploaded yet")
    [card] = drive_cards({"rolls": [], "volumes": [_volume("SHUTTLE_03", blocked, [])]})
    assert (card.verdict, card.reason) == ("keep", "roll A001R1AB is not uploaded yet")


def test_a_drive_not_judged_yet_is_kept_and_says_so() -> None:
    [card] = drive_cards({"rolls": [], "volumes": [_volume("SHUTTLE_03", None, [])]})
    assert (card.verdict, card.reason, card.as_of) == ("keep", NOT_JUDGED, None)


def test_a_failed_roll_on_a_drive_is_an_alarm_with_its_first_problem() -> None:
    document = {
        "rolls": [_roll("mismatch", ["Clips/A001C001.mov: hash mismatch"])],
        "volumes": [_volume("SHUTTLE_03", _clearance(False, "not verified"), [A001])],
    }
    [card] = drive_cards(document)
    assert (card.verdict, card.reason) == ("alarm", "A001R1AB: Clips/A001C001.mov: hash mismatch")


def test_alarms_come_first_then_drives_that_may_be_erased() -> None:
    document = {
        "rolls": [_roll("mismatch", [])],
        "volumes": [
            _volume("A_KEEP", _clearance(False, "why"), []),
            _volume("B_ERASE", _clearance(True), []),
            _volume("C_ALARM", None, [A001]),
        ],
    }
    assert [c.label for c in drive_cards(document)] == ["C_ALARM", "B_ERASE", "A_KEEP"]


def test_a_stale_clearance_is_marked_stale() -> None:
    document = {"rolls": [], "volumes": [_volume("S", _clearance(True, stale=True), [])]}
    assert drive_cards(document)[0].stale


def test_the_board_page_shows_each_drive_and_its_verdict(serve: Serve, shot: Path) -> None:
    url = serve(shot, LOOPBACK_GATE)
    page = httpx.get(f"{url}/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "RAID_A" in page.text and '<p class="verdict">keep</p>' in page.text
    assert page.text.index('id="drives"') < page.text.index("A001R1AB")  # the board first
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts == [(' src="/static/live.js" defer', "")]  # no inline script
    assert "style=" not in page.text  # no inline style
    assert httpx.get(f"{url}/static/board.css").headers["content-type"].startswith("text/css")


def test_a_hostile_drive_name_renders_as_text(serve: Serve, tmp_path: Path) -> None:
    volume = tmp_path / HOSTILE
    config = cart_config(tmp_path, volumes=[{"path": str(volume), "role": "rotation"}])
    make_roll(volume, A001, A001_FILES)
    Service(config).run_once(wait=0)
    page = httpx.get(serve(config.state.resolved_dir(), LOOPBACK_GATE) + "/").text
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown, as text


def test_the_page_lists_alarms_then_the_rolls_by_shoot_day(serve: Serve, shot: Path) -> None:
    page = httpx.get(serve(shot, LOOPBACK_GATE) + "/").text
    drives, alarms, days = (page.index(f'id="{name}"') for name in ("drives", "alarms", "days"))
    assert drives < alarms < days
    assert "No open problem." in page
    assert page.index("<h3>20261121_Day01</h3>") < page.index(">A001R1AB</a> · <strong")


def test_a_roll_by_shoot_day_shows_its_files_size_and_each_stage(
    serve: Serve, stored: Path
) -> None:
    page = httpx.get(serve(stored, LOOPBACK_GATE) + "/").text
    line = page[page.index(">A001R1AB</a>") :].split("</li>")[0]
    text = re.sub(r"<[^>]+>", "", line)
    assert "2 file(s), 12.3 kB" in text
    assert "verification verified · upload uploaded · archive none · clearance cards" in text


def test_a_hostile_roll_name_renders_as_text(serve: Serve, tmp_path: Path) -> None:
    config = cart_config(tmp_path)
    make_roll(tmp_path / "RAID_A", f"20261121_Day01/Camera_Media/{HOSTILE}", A001_FILES)
    Service(config).run_once(wait=0)
    page = httpx.get(serve(config.state.resolved_dir(), LOOPBACK_GATE) + "/").text
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown, as text


def test_a_rolls_page_lists_its_files_verification(serve: Serve, stored: Path) -> None:
    url = serve(stored, LOOPBACK_GATE)
    board = httpx.get(f"{url}/").text
    assert f'<a href="/rolls/{A001}">A001R1AB</a>' in board
    page = httpx.get(f"{url}/rolls/{A001}")
    assert page.status_code == 200
    assert "<h2>Files (2)</h2>" in page.text
    assert (
        '<span class="path">Clips/A001C001.mov</span> · verified yes · stored and proven yes · '
        "archived no" in page.text
    )
    assert httpx.get(f"{url}/rolls/Z999").status_code == 404


def test_a_rolls_page_says_when_each_kind_of_evidence_was_checked(
    serve: Serve, stored: Path
) -> None:
    page = httpx.get(serve(stored, LOOPBACK_GATE) + f"/rolls/{A001}").text
    checked = re.findall(r"<li>([a-zA-Z ]+): ([^<]+)</li>", page.split('id="evidence"')[1])
    kinds = dict(checked[:4])
    assert list(kinds) == ["MHL verification", "source files", "stored objects", "archive copy"]
    assert kinds["MHL verification"].startswith("20") and kinds["stored objects"].startswith("20")
    assert kinds["archive copy"] == "never"  # no archive tier on this cart


def test_health_shows_the_target_and_the_dead_mans_switchs_last_ping(
    serve: Serve, stored: Path
) -> None:
    write_monitor_state(stored, MonitorState(None, "2026-12-06T10:05:00+00:00", "HTTP 500"))
    page = httpx.get(serve(stored, LOOPBACK_GATE) + "/").text
    health = page.split('class="health"')[1].split("</ul>")[0]
    assert '<li class="ok">Target: ' in health
    assert (
        '<li class="bad">Dead-man&#39;s switch: ping FAILED at 2026-12-06 10:05 UTC (HTTP 500); '
        "never got through</li>" in health
    )
