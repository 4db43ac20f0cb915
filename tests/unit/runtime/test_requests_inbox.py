"""Specification: the loop applies what commands asked, then deletes the request; a request it
cannot apply is moved aside, never crashing the pass; a roll is named by id or bare name."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rollkeeper.core.errors import BadInputError
from rollkeeper.fs import requests
from rollkeeper.runtime.asking import find_roll
from rollkeeper.runtime.requests import RequestInbox

from tests.unit.runtime.conftest import A001, Cart


def test_an_erased_request_is_recorded_and_deleted(cart: Cart) -> None:
    state = cart.service.context.state_dir
    requests.write_request(
        state, "erased", {"volume_id": cart.volume.volume_id, "label": "RAID_A", "force": True}
    )

    RequestInbox(cart.service.context).apply()

    assert cart.state(A001) is not None and cart.state(A001).value == "erased"
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
