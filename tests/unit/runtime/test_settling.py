"""Specification: settled copies go to a worker; long-incomplete ones raise an alarm
(`runtime.settling`)."""

from __future__ import annotations

from rollkeeper.core.lifecycle import CopyState
from rollkeeper.runtime.settling import TICK

from tests.unit.runtime.conftest import A001, Cart, CartMaker


def _tracker_key(cart: Cart) -> tuple[str, str]:
    return (A001, next(iter(cart.service.volumes)))


def test_a_complete_copy_quiet_for_the_settle_time_goes_to_a_worker(cart: Cart) -> None:
    cart.service.steps.settling.evaluate()

    assert cart.state(A001) is CopyState.VERIFYING
    assert cart.service.trackers[_tracker_key(cart)].verifying
    assert list(cart.service.steps.jobs.jobs.values()) == [A001]


def test_a_complete_copy_still_settling_is_looked_at_again_when_it_settles(
    make_cart: CartMaker,
) -> None:
    cart = make_cart(layout={"settle_seconds": 3600})
    cart.scan()
    settling = cart.service.steps.settling

    settling.evaluate()

    tracker = cart.service.trackers[_tracker_key(cart)]
    assert cart.state(A001) is CopyState.SETTLING
    assert settling.settles_at == tracker.changed_at + 3600
    assert settling.sleep_for() == TICK


def test_a_copy_missing_a_listed_file_long_after_its_last_change_is_incomplete(
    cart: Cart,
) -> None:
    (cart.root / A001 / "Clips" / "A001C002.mov").unlink()
    cart.scan()
    cart.service.trackers[_tracker_key(cart)].changed_at = 0.0  # quiet since 1970

    cart.service.steps.settling.evaluate()

    assert cart.state(A001) is CopyState.INCOMPLETE
    assert "copy_failed" in cart.kinds(A001)


def test_a_copy_missing_a_file_that_changed_just_now_is_still_copying(cart: Cart) -> None:
    (cart.root / A001 / "Clips" / "A001C002.mov").unlink()
    cart.scan()

    cart.service.steps.settling.evaluate()

    assert cart.state(A001) is CopyState.SETTLING


def test_a_copy_sent_to_a_worker_is_said_ready_and_being_verified(cart: Cart) -> None:
    cart.service.steps.settling.evaluate()

    assert cart.said("copy_state", A001) == [
        f"roll {A001} on RAID_A is ready (every listed file present and quiet); verifying"
    ]


def test_an_incomplete_copy_names_the_file_it_waits_for(cart: Cart) -> None:
    (cart.root / A001 / "Clips" / "A001C002.mov").unlink()
    cart.scan()
    cart.service.trackers[_tracker_key(cart)].changed_at = 0.0

    cart.service.steps.settling.evaluate()

    assert cart.said("copy_failed", A001) == [
        f"INCOMPLETE: roll {A001} on RAID_A has been quiet but is waiting for 1 file(s): "
        "Clips/A001C002.mov (missing)"
    ]
    copy = cart.ledger.copy(A001, cart.volume.volume_id)
    assert copy is not None and copy.problems == ["Clips/A001C002.mov (missing)"]
