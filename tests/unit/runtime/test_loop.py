"""Specification: the main loop's pass (`runtime.loop`)."""

from __future__ import annotations

from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs.watch import Change
from rollkeeper.transfer.checkpoints import UploadBegun

from tests.builders import clip
from tests.unit.runtime.conftest import A001, A002, Cart, CartMaker, make_roll


def test_one_full_pass_verifies_the_ready_roll_and_judges_the_drive(make_cart: CartMaker) -> None:
    cart = make_cart()

    cart.service.loop.once()

    assert cart.state(A001) is CopyState.VERIFIED
    assert cart.ledger.last_drive_clearance(cart.volume.volume_id) is not None


def test_a_pass_makes_the_workers_reports_durable(cart: Cart) -> None:
    report = UploadBegun(A001, "Clips/A001C001.mov", "show/key", 8, "up-1", 5)
    cart.service.steps.jobs.inbox.send(report)

    cart.service.loop.tick()

    assert cart.ledger.checkpoint_of(A001, "Clips/A001C001.mov") is not None


def test_a_pass_walks_what_events_point_at_once_the_rescan_gap_has_passed(cart: Cart) -> None:
    make_roll(cart.root, A002, {"Clips/A002C001.mov": clip(3, 4096)})
    cart.service.note_change(cart.volume, Change(str(cart.root / A002)))
    cart.volume.last_scan = 0.0  # the last walk is long past

    cart.service.loop.tick()

    assert cart.state(A002) is not None
