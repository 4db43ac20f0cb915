"""Specification: mount tracking records drives as they come and go and remembers what their
watchers report (`runtime.mounts`)."""

from __future__ import annotations

import shutil

from rollkeeper.fs.watch import Change
from rollkeeper.runtime.mounts import relative

from tests.unit.runtime.conftest import A001, Cart, CartMaker


def test_a_configured_folder_that_is_present_is_recorded_mounted(make_cart: CartMaker) -> None:
    cart = make_cart()

    (row,) = cart.ledger.volumes()

    assert row.mounted
    assert row.label == "RAID_A"
    assert row.id == cart.volume.volume_id


def test_a_volume_that_goes_away_is_recorded_unmounted_and_its_rolls_forgotten(
    cart: Cart,
) -> None:
    volume_id = cart.volume.volume_id
    shutil.rmtree(cart.root)

    cart.service.refresh_volumes(start_watchers=False)

    assert cart.service.volumes == {}
    assert cart.service.trackers == {}
    volume = cart.ledger.volume(volume_id)
    assert volume is not None and not volume.mounted


def test_a_watchers_report_is_remembered_relative_to_the_volume_and_wakes_the_loop(
    cart: Cart,
) -> None:
    cart.service.context.wake.clear()

    cart.service.note_change(cart.volume, Change(str(cart.root / A001 / "Clips")))

    changes, everything = cart.volume.take_changes()
    assert list(changes) == [f"{A001}/Clips"]
    assert not everything
    assert cart.service.context.wake.is_set()


def test_lost_events_ask_for_a_walk_of_the_whole_volume(cart: Cart) -> None:
    cart.service.note_change(cart.volume, Change(None))

    _changes, everything = cart.volume.take_changes()

    assert everything


def test_a_path_outside_the_volume_stands_for_the_whole_volume() -> None:
    assert relative("/media/RAID_A", "/media/RAID_A/day/roll/") == "day/roll"
    assert relative("/media/RAID_A", "/media/RAID_AB/day") == ""
    assert relative("/media/RAID_A/", "/media/RAID_A") == ""
