"""Specification: every event the daemon records reaches the log once, as loud as its severity,
with its roll, drive and sentence bound (`runtime.event_log`)."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from rollkeeper.core import happened
from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.lifecycle import CopyState, RollState
from rollkeeper.core.words import say
from rollkeeper.ledger.store import Ledger
from rollkeeper.runtime.event_log import LOG_NAMES, EventLogger, log_name
from structlog.testing import capture_logs

from tests.unit.runtime.conftest import A001, CartMaker

Logged = list[MutableMapping[str, Any]]


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = Ledger.in_state_dir(tmp_path / "state")
    yield opened
    opened.close()


def shuttle(ledger: Ledger) -> int:
    """SHUTTLE_01 mounted (an event of its own); its volume id."""
    row = ledger.volume_mounted(
        label="SHUTTLE_01", role="rotation", fs_uuid="uuid-1", subpath="", mount_path="/m/S1"
    )
    return row.id


def mismatch(volume_id: int) -> Event:
    return happened.verification_failed(
        A001,
        volume_id,
        state=CopyState.MISMATCH,
        label="SHUTTLE_01",
        problems=["Clips/A001C001.mov (mismatch)"],
    )


def logged_after(ledger: Ledger, logger: EventLogger, *events: Event) -> Logged:
    """What `logger` logs once `events` are recorded."""
    for event in events:
        ledger.record(event)
    with capture_logs() as logs:
        logger.log_new(ledger)
    return logs


def begun(ledger: Ledger) -> EventLogger:
    logger = EventLogger()
    logger.begin(ledger)
    return logger


def test_an_alarm_is_logged_at_error_with_its_roll_drive_and_sentence(ledger: Ledger) -> None:
    volume_id = shuttle(ledger)
    logger = begun(ledger)

    (line,) = logged_after(ledger, logger, mismatch(volume_id))

    assert line["log_level"] == "error"
    assert line["kind"] == "copy_failed"
    assert line["severity"] == "alarm"
    assert line["roll"] == A001
    assert line["drive"] == "SHUTTLE_01"
    assert line["message"] == say(mismatch(volume_id))


def test_an_event_is_logged_under_its_dotted_name_and_keeps_its_kind(ledger: Ledger) -> None:
    volume_id = shuttle(ledger)
    logger = begun(ledger)

    (line,) = logged_after(ledger, logger, mismatch(volume_id))

    assert (line["event"], line["kind"], line["volume"]) == (
        "copy.failed",
        "copy_failed",
        volume_id,
    )


def test_every_event_kind_has_one_dotted_log_name_of_its_own() -> None:
    names = [LOG_NAMES[kind] for kind in EventKind]

    assert len(set(names)) == len(names)
    assert all(name.count(".") == 1 and name == name.lower() for name in names)
    assert (log_name("clearance_granted"), log_name("upload_done")) == (
        "clearance.granted",
        "upload.done",
    )


def test_a_kind_this_rollkeeper_does_not_list_is_named_from_its_kind() -> None:
    assert log_name("capacity_low") == "capacity.low"


def test_a_state_change_binds_the_new_state(ledger: Ledger) -> None:
    logger = begun(ledger)
    became = happened.roll_state(
        A001, before="settling", after=RollState.READY, copies_disagree=False
    )

    (line,) = logged_after(ledger, logger, became)

    assert (line["event"], line["state"], line["roll"]) == ("roll.state", "ready", A001)


def test_a_warning_is_logged_at_warning(ledger: Ledger) -> None:
    volume_id = shuttle(ledger)
    logger = begun(ledger)
    layout = happened.layout_problem(volume_id, "Camera_Media outside a shoot-day folder")

    (line,) = logged_after(ledger, logger, layout)

    assert (line["log_level"], line["kind"]) == ("warning", "layout_problem")
    assert line["message"] == "Camera_Media outside a shoot-day folder"


def test_an_info_event_is_logged_at_info(ledger: Ledger) -> None:
    volume_id = shuttle(ledger)
    logger = begun(ledger)
    found = happened.copy_discovered(A001, volume_id, folder=A001)

    (line,) = logged_after(ledger, logger, found)

    assert (line["log_level"], line["kind"], line["drive"]) == (
        "info",
        "copy_discovered",
        "SHUTTLE_01",
    )
    assert line["message"] == say(found)


def test_events_are_logged_in_the_order_recorded(ledger: Ledger) -> None:
    volume_id = shuttle(ledger)
    logger = begun(ledger)
    found = happened.copy_discovered(A001, volume_id, folder=A001)

    logs = logged_after(ledger, logger, found, mismatch(volume_id))

    assert [line["kind"] for line in logs] == ["copy_discovered", "copy_failed"]


def test_each_event_is_logged_once(ledger: Ledger) -> None:
    volume_id = shuttle(ledger)
    logger = begun(ledger)
    first = logged_after(ledger, logger, mismatch(volume_id))

    assert [line["kind"] for line in first] == ["copy_failed"]
    assert logged_after(ledger, logger) == []


def test_events_recorded_before_logging_began_are_not_told_again(ledger: Ledger) -> None:
    volume_id = shuttle(ledger)
    ledger.record(mismatch(volume_id))
    logger = begun(ledger)

    logs = logged_after(ledger, logger, happened.copy_discovered(A001, volume_id, folder=A001))

    assert [line["kind"] for line in logs] == ["copy_discovered"]


def test_a_logger_never_begun_passes_over_the_history_it_finds(ledger: Ledger) -> None:
    ledger.record(mismatch(shuttle(ledger)))
    logger = EventLogger()

    assert logged_after(ledger, logger) == []
    assert [line["kind"] for line in logged_after(ledger, logger, mismatch(1))] == ["copy_failed"]


def test_an_event_without_a_volume_names_the_drive_its_facts_carry(ledger: Ledger) -> None:
    logger = begun(ledger)
    missing = happened.objects_missing(A001, paths=["Clips/A001C001.mov"], drive="SHUTTLE_01")

    (line,) = logged_after(ledger, logger, missing)

    assert (line["log_level"], line["drive"], line["roll"]) == ("error", "SHUTTLE_01", A001)


def test_an_event_about_no_roll_and_no_drive_binds_neither(ledger: Ledger) -> None:
    logger = begun(ledger)

    (line,) = logged_after(ledger, logger, happened.target_unusable("NAS is not mounted"))

    assert line["log_level"] == "error"
    assert "roll" not in line and "drive" not in line
    assert line["message"] == "NAS is not mounted"


# --- in the loop ------------------------------------------------------------------------------


def test_a_full_pass_logs_the_mismatch_it_records_at_error(make_cart: CartMaker) -> None:
    cart = make_cart()
    clip = cart.root / A001 / "Clips" / "A001C001.mov"
    flipped = bytearray(clip.read_bytes())
    flipped[100] ^= 0xFF
    clip.write_bytes(bytes(flipped))

    with capture_logs() as logs:
        cart.service.loop.once()

    (failed,) = [line for line in logs if line["kind"] == "copy_failed"]
    assert (failed["log_level"], failed["roll"], failed["drive"]) == ("error", A001, "RAID_A")
    assert "MISMATCH" in failed["message"]


def test_a_pass_logs_every_event_it_recorded_once(make_cart: CartMaker) -> None:
    cart = make_cart()

    with capture_logs() as logs:
        cart.service.loop.once()
        cart.service.loop.tick()

    ids = [line["event_id"] for line in logs if "event_id" in line]
    assert ids == [event.id for event in cart.ledger.events()]
    assert "copy_verified" in [line["kind"] for line in logs if "kind" in line]


def test_a_reopened_service_does_not_log_the_last_session_again(make_cart: CartMaker) -> None:
    cart = make_cart()
    cart.service.loop.once()
    cart.service.close()

    cart.service.open()
    cart.ledger.record(happened.target_unusable("the folder is gone"))
    with capture_logs() as logs:
        cart.service.loop.log_events()

    told = [line["kind"] for line in logs if "kind" in line]
    assert "copy_verified" not in told
    assert "target_unusable" in told  # what is new is still told
