"""Specification: drives are judged once per pass, in the background while the daemon runs; a
judgment is recorded only if nothing it rests on was recorded meanwhile (`runtime.judging`)."""

from __future__ import annotations

from rollkeeper.runtime.context import ClearanceNotes
from rollkeeper.runtime.judging import Judging

from tests.unit.runtime.conftest import A001, Cart


def _judging(cart: Cart) -> Judging:
    return cart.service.steps.judging


def _finish_background(judging: Judging) -> None:
    assert judging.running is not None
    judging.running.result()


def test_a_forced_judging_records_every_mounted_drive_at_once(cart: Cart) -> None:
    _judging(cart).judge_drives(force=True)

    assert cart.ledger.last_drive_clearance(cart.volume.volume_id) is not None


def test_a_background_judgment_is_recorded_by_the_loop_once_it_is_done(cart: Cart) -> None:
    judging = _judging(cart)
    judging.judge_drives()
    _finish_background(judging)
    assert cart.ledger.last_drive_clearance(cart.volume.volume_id) is None

    judging.judge_drives()

    assert cart.ledger.last_drive_clearance(cart.volume.volume_id) is not None


def test_a_background_judgment_of_a_drive_changed_meanwhile_is_dropped(cart: Cart) -> None:
    judging = _judging(cart)
    judging.judge_drives()
    cart.service.context.clearance.note(volume=cart.volume.volume_id)
    _finish_background(judging)

    judging.judge_drives()

    assert cart.ledger.last_drive_clearance(cart.volume.volume_id) is None


def test_with_nothing_changed_the_drives_are_not_judged_again_before_the_recheck(
    cart: Cart,
) -> None:
    judging = _judging(cart)
    judging.judge_drives(force=True)

    judging.judge_drives()

    assert judging.running is None


def test_a_note_on_a_roll_makes_a_judgment_resting_on_it_stale() -> None:
    notes = ClearanceNotes()
    notes.begin()

    notes.note(rolls=[A001])

    assert notes.dirty
    assert notes.touch(7, [A001])
    assert not notes.touch(7, ["another roll"])


def test_beginning_to_judge_forgets_what_was_noted_before() -> None:
    notes = ClearanceNotes()
    notes.note(rolls=[A001], volume=7)

    notes.begin()

    assert not notes.dirty
    assert not notes.touch(7, [A001])
