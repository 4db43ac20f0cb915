"""Specification: `rollkeeper pause`/`resume` as the loop applies them (`runtime.pausing`): the
gate holds uploads, the state folder keeps the pause across a restart, and a pause whose time
is up ends by itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rollkeeper.fs.requests import pending, write_request
from rollkeeper.fs.upload_control import read_upload_control
from rollkeeper.runtime.pausing import PAUSE, RESUME, Pausing
from rollkeeper.transfer.gate import UploadGate, UploadPaused

from tests.unit.runtime.conftest import Cart

NOW = datetime(2026, 12, 6, 10, 31, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _pausing(state_dir: Path, clock: Clock | None = None) -> Pausing:
    return Pausing(UploadGate(), state_dir, clock or Clock())


def test_a_pause_holds_the_gate_and_is_kept_in_the_state_folder(tmp_path: Path) -> None:
    pausing = _pausing(tmp_path)

    pausing.pause(None)

    with pytest.raises(UploadPaused, match="UPLOADS PAUSED by `rollkeeper pause` until"):
        pausing.gate.check()
    control = read_upload_control(tmp_path)
    assert control is not None and control.paused and control.paused_until is None
    assert control.paused_since == "2026-12-06T10:31:00+00:00"


def test_a_pause_outlives_a_restart(tmp_path: Path) -> None:
    until = (NOW + timedelta(hours=2)).isoformat()
    _pausing(tmp_path).pause(until)
    again = _pausing(tmp_path)

    again.load()

    assert again.reason == (
        "UPLOADS PAUSED by `rollkeeper pause` until 2026-12-06 12:31 UTC (or `rollkeeper resume`)"
    )


def test_a_pause_whose_time_is_up_ends_by_itself(tmp_path: Path) -> None:
    clock = Clock()
    pausing = _pausing(tmp_path, clock)
    pausing.pause((NOW + timedelta(hours=2)).isoformat())

    clock.now = NOW + timedelta(hours=2, seconds=1)
    pausing.expire()

    pausing.gate.check()  # open again
    control = read_upload_control(tmp_path)
    assert control is not None and not control.paused


def test_a_pause_that_ran_out_while_the_daemon_was_stopped_does_not_hold(tmp_path: Path) -> None:
    clock = Clock()
    _pausing(tmp_path, clock).pause((NOW + timedelta(minutes=5)).isoformat())
    clock.now = NOW + timedelta(hours=1)
    again = _pausing(tmp_path, clock)

    again.load()

    assert again.reason is None


def test_resume_lets_uploads_go_on(tmp_path: Path) -> None:
    pausing = _pausing(tmp_path)
    pausing.pause(None)

    pausing.resume()

    assert pausing.reason is None


def test_the_loop_applies_pause_and_resume_requests(cart: Cart) -> None:
    state_dir = cart.service.context.state_dir
    write_request(state_dir, PAUSE, {"until": None})

    cart.service.loop.requests.apply()

    assert cart.service.uploads.held() is not None
    write_request(state_dir, RESUME, {})
    cart.service.loop.requests.apply()
    assert cart.service.uploads.held() is None
    assert pending(state_dir) == []


def test_a_pause_request_with_a_time_that_is_not_one_is_set_aside(cart: Cart) -> None:
    state_dir = cart.service.context.state_dir
    write_request(state_dir, PAUSE, {"until": "after lunch"})

    cart.service.loop.requests.apply()

    assert cart.service.uploads.held() is None
    assert pending(state_dir) == []
    assert len(list((state_dir / "requests" / "set_aside").iterdir())) == 1
