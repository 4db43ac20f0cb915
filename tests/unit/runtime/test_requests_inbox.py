"""Specification: the loop applies what commands asked, then deletes the request; a request it
cannot apply is moved aside, never crashing the pass; a roll is named by id or bare name."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rollkeeper.core.clearance import judge_drive
from rollkeeper.core.errors import BadInputError
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs import requests
from rollkeeper.reports.evidence import Rechecks, drive_evidence
from rollkeeper.runtime.asking import find_roll
from rollkeeper.runtime.requests import RequestInbox

from tests.unit.runtime.conftest import A001, Cart


def test_an_erased_request_is_recorded_and_deleted(cart: Cart) -> None:
    state = cart.service.context.state_dir
    requests.write_request(
        state, "erased", {"volume_id": cart.volume.volume_id, "label": "RAID_A", "force": True}
    )

    RequestInbox(cart.service.context).apply()

    assert cart.state(A001) == CopyState.ERASED
    assert cart.said("volume_erased")
    assert requests.pending(state) == []


@pytest.mark.parametrize(
    ("kind", "arguments"),
    [("erased", {"volume_id": 999}), ("erased", {}), ("reverify", {"roll_id": "nope"})],
)
def test_a_request_that_cannot_be_applied_is_moved_aside_and_changes_nothing(
    cart: Cart, kind: str, arguments: dict[str, object]
) -> None:
    state = cart.service.context.state_dir
    requests.write_request(state, kind, arguments)
    before = cart.kinds()

    RequestInbox(cart.service.context).apply()

    assert cart.kinds() == before
    assert requests.pending(state) == []
    assert len(list((state / "requests" / "set_aside").iterdir())) == 1


def test_a_roll_is_found_by_its_id_or_by_a_bare_name_only_it_carries(cart: Cart) -> None:
    rolls = cart.ledger.rolls()
    assert find_roll(rolls, A001).id == A001
    assert find_roll(rolls, "A001R1AB").id == A001
    with pytest.raises(BadInputError, match="no roll 'B001R1AB' is known"):
        find_roll(rolls, "B001R1AB")


def test_a_bare_name_two_rolls_carry_is_refused_naming_both(cart: Cart) -> None:
    (roll,) = cart.ledger.rolls()
    other = replace(roll, id="x/y/A001R1AB")
    with pytest.raises(
        BadInputError, match=r"names 2 rolls \(20261121_Day01/Camera_Media/A001R1AB, x/y/A001R1AB\)"
    ):
        find_roll([roll, other], "A001R1AB")


def erased_though_still_there(cart: Cart) -> None:
    """The DIT says RAID_A was erased (`--force`) but its roll is still on it."""
    requests.write_request(
        cart.service.context.state_dir,
        "erased",
        {"volume_id": cart.volume.volume_id, "label": "RAID_A", "force": True},
    )
    RequestInbox(cart.service.context).apply()


def test_a_roll_still_on_a_drive_said_erased_is_found_again_by_the_next_walk(cart: Cart) -> None:
    erased_though_still_there(cart)
    assert cart.volume.pending()  # a whole walk is due

    cart.scan()

    assert cart.state(A001) is CopyState.SETTLING
    assert cart.said("copy_back", A001)


def test_a_roll_still_on_a_drive_said_erased_blocks_the_drive_until_verified_again(
    cart: Cart,
) -> None:
    erased_though_still_there(cart)
    volume = cart.ledger.volume(cart.volume.volume_id)
    assert volume is not None

    evidence = drive_evidence(cart.ledger, volume, archive_provider="none", rechecks=Rechecks())

    (roll,) = evidence.rolls
    assert roll.copy_state == CopyState.SETTLING.value
    assert not judge_drive(evidence).clear_to_erase
