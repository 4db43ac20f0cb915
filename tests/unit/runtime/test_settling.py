"""Specification: settled copies go to a worker; copies still short of files say what they
wait for, and stalled ones (or ones holding links out of the roll) raise an alarm
(`runtime.settling`)."""

from __future__ import annotations

import time

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
        "Clips/A001C002.mov (missing; 8192 bytes listed)"
    ]
    copy = cart.ledger.copy(A001, cart.volume.volume_id)
    assert copy is not None and copy.problems == ["Clips/A001C002.mov (missing; 8192 bytes listed)"]


def _cut_short(cart: Cart, keep: int) -> None:
    """A001C002.mov holds only its first `keep` bytes, as a copy stopped midway leaves it."""
    clip_path = cart.root / A001 / "Clips" / "A001C002.mov"
    clip_path.write_bytes(clip_path.read_bytes()[:keep])


def test_a_copy_still_short_of_a_file_keeps_what_it_waits_for(make_cart: CartMaker) -> None:
    cart = make_cart(layout={"settle_seconds": 0, "stall_after": 3600})
    _cut_short(cart, 11)
    cart.scan()

    cart.service.steps.settling.evaluate()

    copy = cart.ledger.copy(A001, cart.volume.volume_id)
    assert copy is not None and copy.state is CopyState.SETTLING
    assert copy.problems == ["Clips/A001C002.mov (11 of 8192 bytes)"]
    assert "copy_failed" not in cart.kinds(A001)


def test_a_copy_short_of_a_file_for_less_than_stall_after_is_still_copying(
    make_cart: CartMaker,
) -> None:
    cart = make_cart(layout={"settle_seconds": 0, "stall_after": 3600})
    _cut_short(cart, 11)
    cart.scan()
    cart.service.trackers[_tracker_key(cart)].changed_at = time.time() - 600  # 20 settle times

    cart.service.steps.settling.evaluate()

    assert cart.state(A001) is CopyState.SETTLING


def test_a_copy_short_of_a_file_for_stall_after_is_incomplete_naming_it(
    make_cart: CartMaker,
) -> None:
    cart = make_cart(layout={"settle_seconds": 0, "stall_after": 60})
    _cut_short(cart, 11)
    cart.scan()
    cart.service.trackers[_tracker_key(cart)].changed_at = time.time() - 61

    cart.service.steps.settling.evaluate()

    assert cart.state(A001) is CopyState.INCOMPLETE
    assert cart.said("copy_failed", A001) == [
        f"INCOMPLETE: roll {A001} on RAID_A has been quiet but is waiting for 1 file(s): "
        "Clips/A001C002.mov (11 of 8192 bytes)"
    ]


def _linked_out(cart: Cart, tmp_name: str = "elsewhere.mov") -> None:
    """A001C002.mov replaced by a symbolic link to a file of the same bytes outside the roll."""
    clip_path = cart.root / A001 / "Clips" / "A001C002.mov"
    outside = cart.root.parent / tmp_name
    outside.write_bytes(clip_path.read_bytes())
    clip_path.unlink()
    clip_path.symlink_to(outside)


def test_a_listed_file_linking_out_of_the_roll_refuses_the_copy_at_once(
    make_cart: CartMaker,
) -> None:
    cart = make_cart(layout={"settle_seconds": 3600})
    _linked_out(cart)
    cart.scan()

    cart.service.steps.settling.evaluate()

    assert cart.state(A001) is CopyState.INCOMPLETE
    assert cart.said("copy_failed", A001) == [
        f"REFUSED: roll {A001} on RAID_A: Clips/A001C002.mov is a symbolic link to somewhere "
        "outside the roll; copy the file itself, not a link"
    ]
    copy = cart.ledger.copy(A001, cart.volume.volume_id)
    assert copy is not None and copy.problems == [
        "Clips/A001C002.mov is a symbolic link to somewhere outside the roll; "
        "copy the file itself, not a link"
    ]


def test_a_refused_copy_is_refused_once(make_cart: CartMaker) -> None:
    cart = make_cart()
    _linked_out(cart)
    cart.scan()

    cart.service.steps.settling.evaluate()
    cart.service.steps.settling.evaluate()

    assert len(cart.said("copy_failed", A001)) == 1


def test_a_refused_copy_whose_link_is_replaced_by_the_file_goes_to_a_worker(
    make_cart: CartMaker,
) -> None:
    cart = make_cart()
    _linked_out(cart)
    cart.scan()
    cart.service.steps.settling.evaluate()
    clip_path = cart.root / A001 / "Clips" / "A001C002.mov"
    clip_path.unlink()
    clip_path.write_bytes((cart.root.parent / "elsewhere.mov").read_bytes())
    cart.scan()

    cart.service.steps.settling.evaluate()

    assert cart.state(A001) is CopyState.VERIFYING


def test_a_link_that_stays_inside_the_roll_is_not_refused(make_cart: CartMaker) -> None:
    cart = make_cart(layout={"settle_seconds": 3600})
    clips = cart.root / A001 / "Clips"
    (clips / "A001C002.mov").rename(clips / "kept.mov")
    (clips / "A001C002.mov").symlink_to("kept.mov")
    cart.scan()

    cart.service.steps.settling.evaluate()

    assert cart.state(A001) is CopyState.SETTLING
