"""Specification: the daemon judges a drive with its own parts, reading only; the loop records
what the judgment found (`reports.drive_decision`, shared with the `clearance` command)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from rollkeeper.reports.drive_decision import Judgment, judge, record_judgment

from tests.unit.runtime.conftest import A001, Cart, CartMaker, folder_target


def _judge(cart: Cart) -> Judgment:
    (volume,) = cart.ledger.volumes()
    return judge(cart.ledger, volume, cart.service.steps.judging.judges)


@pytest.fixture
def uploaded(make_cart: CartMaker, tmp_path: Path) -> Cart:
    """A rotation drive whose one roll is verified, uploaded to a folder and proven."""
    (tmp_path / "store").mkdir()
    cart = make_cart(role="rotation", target=folder_target(tmp_path / "store"))
    cart.scan()
    cart.service.steps.settling.evaluate()
    cart.service.steps.jobs.collect(wait_for_one=True)
    return cart


@pytest.fixture
def later(uploaded: Cart) -> Iterator[None]:
    """The clock past `max_evidence_age` since the upload proved its objects."""
    age = uploaded.service.config.clearance.max_evidence_age
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=age + 60), tick=True):
        yield


def _stored_clip(tmp_path: Path) -> Path:
    return tmp_path / "store" / "show" / A001 / "Clips" / "A001C001.mov"


def test_judging_a_drive_records_nothing(cart: Cart) -> None:
    before = cart.ledger.events()

    _judge(cart)

    assert cart.ledger.events() == before
    assert cart.ledger.last_drive_clearance(cart.volume.volume_id) is None


def test_the_first_verdict_of_a_drive_is_recorded(cart: Cart) -> None:
    judgment = _judge(cart)

    assert record_judgment(cart.ledger, judgment)

    last = cart.ledger.last_drive_clearance(cart.volume.volume_id)
    assert last is not None and not last.clear
    assert "clearance_granted" not in cart.kinds()


def test_the_same_verdict_again_is_not_recorded_again(cart: Cart) -> None:
    record_judgment(cart.ledger, _judge(cart))
    first = cart.ledger.last_drive_clearance(cart.volume.volume_id)

    assert not record_judgment(cart.ledger, _judge(cart))
    assert cart.ledger.last_drive_clearance(cart.volume.volume_id) == first


def test_a_rotation_drive_whose_rolls_are_uploaded_and_proven_is_cleared_and_announced(
    uploaded: Cart,
) -> None:
    judgment = _judge(uploaded)

    assert judgment.verdict.clear_to_erase
    assert record_judgment(uploaded.ledger, judgment)
    assert "clearance_granted" in uploaded.kinds()


def test_a_drive_judged_on_objects_proven_within_the_evidence_age_looks_nothing_up(
    uploaded: Cart, tmp_path: Path
) -> None:
    """Fresh evidence (the upload's proof, or a listing) is taken as it is: the scheduled
    listing, not a HEAD of each object, finds an object gone (`runtime.rechecks`)."""
    _stored_clip(tmp_path).unlink()

    judgment = _judge(uploaded)

    assert judgment.verdict.clear_to_erase
    assert judgment.missing == {}


@pytest.mark.usefixtures("later")
def test_a_stored_object_found_gone_is_left_for_the_loop_to_record(
    uploaded: Cart, tmp_path: Path
) -> None:
    _stored_clip(tmp_path).unlink()

    judgment = _judge(uploaded)

    assert not judgment.verdict.clear_to_erase
    assert judgment.missing == {A001: ["Clips/A001C001.mov"]}
    assert {u.state for u in uploaded.ledger.file_uploads(A001).values()} == {"stored"}


@pytest.mark.usefixtures("later")
def test_recording_a_stored_object_found_gone_fails_the_upload_with_an_alarm(
    uploaded: Cart, tmp_path: Path
) -> None:
    _stored_clip(tmp_path).unlink()

    record_judgment(uploaded.ledger, _judge(uploaded))

    upload = uploaded.ledger.roll_upload(A001)
    assert upload is not None and upload.state == "upload_failed"
    assert "object_missing" in uploaded.kinds(A001)


def test_a_cleared_drive_whose_object_went_missing_is_revoked(
    uploaded: Cart, tmp_path: Path
) -> None:
    record_judgment(uploaded.ledger, _judge(uploaded))
    _stored_clip(tmp_path).unlink()

    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1), tick=True):
        assert record_judgment(uploaded.ledger, _judge(uploaded))

    assert "clearance_revoked" in uploaded.kinds()
