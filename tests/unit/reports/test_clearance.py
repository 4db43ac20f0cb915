"""Specification: the clearance view — "may I erase this drive?" — as `rollkeeper clearance`
answers it: judged now with live re-checks, recorded, and rendered as text and versioned JSON.

The evidence is a real cart's (`cart.Cart`): real roll folders, a folder target, and the ledger
one daemon pass leaves behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rollkeeper.core.errors import BadInputError
from rollkeeper.ledger.store import LEDGER_FILE, Ledger
from rollkeeper.reports.clearance import (
    CLEARANCE_SCHEMA,
    ClearanceAnswer,
    answer,
    clearance_document,
    clearance_json,
    clearance_text,
)

from tests.unit.reports.cart import Cart


def ask(cart: Cart, drive: str | None) -> ClearanceAnswer:
    return answer(cart.state, drive, cart.parts().judges())


# --- the answer -----------------------------------------------------------------------------------


def test_a_shuttle_whose_rolls_are_uploaded_and_proven_may_be_erased(cart: Cart) -> None:
    view = ask(cart, "SHUTTLE_01")
    assert view.all_clear
    assert clearance_text(view).splitlines()[0] == (
        "YOU MAY ERASE SHUTTLE_01 (rotation; cards level: uploaded and proven)"
    )


def test_a_raid_without_an_archive_tier_may_not_be_erased_and_says_why(cart: Cart) -> None:
    view = ask(cart, "RAID_A")
    assert not view.all_clear
    first = clearance_text(view).splitlines()[0]
    assert first.startswith("RAID_A may NOT be erased: ")
    assert "no archive tier is configured" in first


def test_without_a_drive_named_every_known_drive_is_judged(cart: Cart) -> None:
    view = ask(cart, None)
    assert [v.label for v in view.verdicts] == ["RAID_A", "SHUTTLE_01"]
    assert not view.all_clear  # the RAID is not


def test_the_answer_judges_the_world_as_it_is_now(cart: Cart) -> None:
    cart.stored("Clips/A001C002.mov").unlink()
    view = ask(cart, "SHUTTLE_01")
    assert not view.all_clear
    assert "A001C002.mov" in clearance_text(view)


def test_every_answer_is_recorded_even_when_the_verdict_has_not_changed(cart: Cart) -> None:
    before = cart.clearances_recorded("SHUTTLE_01")
    ask(cart, "SHUTTLE_01")
    ask(cart, "SHUTTLE_01")
    assert cart.clearances_recorded("SHUTTLE_01") == before + 2
    assert len(cart.events("clearance_granted")) == 1  # announced once, by the daemon


def test_an_unknown_drive_is_refused_naming_the_known_ones(cart: Cart) -> None:
    with pytest.raises(BadInputError) as refused:
        ask(cart, "SHUTTLE_99")
    assert (
        str(refused.value) == "no drive labelled 'SHUTTLE_99' is known (known: RAID_A, SHUTTLE_01)"
    )


def test_a_cart_without_a_ledger_is_refused_and_gets_none(tmp_path: Path) -> None:
    cart = Cart(tmp_path)
    cart.state.mkdir(parents=True, exist_ok=True)
    with pytest.raises(BadInputError, match="no ledger yet; nothing has been proven on this cart"):
        ask(cart, None)
    assert not (cart.state / LEDGER_FILE).exists()


def test_a_ledger_that_knows_no_drive_yet_says_so_and_clears_nothing(tmp_path: Path) -> None:
    cart = Cart(tmp_path)
    Ledger.in_state_dir(cart.state).close()
    view = ask(cart, None)
    assert view.verdicts == ()
    assert not view.all_clear
    assert clearance_text(view) == "No drives known yet."


# --- the text -------------------------------------------------------------------------------------


def test_a_refusal_with_more_reasons_than_its_sentence_holds_lists_every_reason(
    cart: Cart,
) -> None:
    for number in range(6):
        (cart.shuttle / f"stray_{number}.txt").write_text("not in any roll")
    cart.run()  # the daemon's scan finds them
    lines = clearance_text(ask(cart, "SHUTTLE_01")).splitlines()
    assert lines[0].endswith("(and 1 more)")
    listed = [line for line in lines if line.startswith("  - ")]
    assert listed == [
        f"  - SHUTTLE_01: unknown file 'stray_{n}.txt' is not in any roll" for n in range(6)
    ]


def test_warnings_follow_the_verdicts(tmp_path: Path) -> None:
    cart = Cart(tmp_path, clearance="min_onset_copies = 3")
    cart.offload()
    cart.run()
    lines = clearance_text(ask(cart, "SHUTTLE_01")).splitlines()
    assert lines[0].startswith("YOU MAY ERASE SHUTTLE_01")
    assert lines[1].startswith("  checked: MHL verification ")
    assert lines[2].startswith("  warning: ")
    assert "on-set cop" in lines[2]


# --- the JSON document ----------------------------------------------------------------------------

DRIVE_KEYS = ["label", "role", "clear_to_erase", "level", "blocking", "warnings", "checked_at"]


def test_the_document_keeps_its_schema_and_keys(cart: Cart) -> None:
    document = clearance_document(ask(cart, None))
    assert list(document) == ["schema", "tool", "drives"]
    assert document["schema"] == CLEARANCE_SCHEMA == "rollkeeper.clearance/1"
    assert document["tool"]["name"] == "rollkeeper"
    assert [list(d) for d in document["drives"]] == [DRIVE_KEYS, DRIVE_KEYS]


def test_a_drive_in_the_document_carries_its_verdict_and_each_blocking_roll(cart: Cart) -> None:
    raid, shuttle = clearance_document(ask(cart, None))["drives"]
    assert (shuttle["label"], shuttle["role"], shuttle["clear_to_erase"], shuttle["level"]) == (
        "SHUTTLE_01",
        "rotation",
        True,
        "cards",
    )
    assert (raid["clear_to_erase"], raid["level"]) == (False, "none")
    assert {b["roll_id"] for b in raid["blocking"]} == {"20261121_Day01/Camera_Media/A001R1AB"}


def test_the_json_is_the_document_indented(cart: Cart) -> None:
    view = ask(cart, None)
    text = clearance_json(view)
    assert text.startswith('{\n  "schema"')
    assert json.loads(text) == clearance_document(view)


def test_a_clearance_the_command_revokes_is_routed_to_the_configured_channels(
    cart: Cart,
) -> None:
    from rollkeeper.ledger.routing import Route

    cart.stored("Clips/A001C002.mov").unlink()
    answer(cart.state, "SHUTTLE_01", cart.parts().judges(), (Route("slack-1"),))
    (revoked,) = cart.events("clearance_revoked")
    with cart.ledger() as ledger:
        routed = [(d.event_id, d.channel) for d in ledger.deliveries(("pending",))]
    assert (revoked.id, "slack-1") in routed  # with the alarm of the object found gone


def test_a_clearance_granted_carries_the_drives_rolls_and_bytes(cart: Cart) -> None:
    (granted,) = cart.events("clearance_granted")
    assert granted.event is not None
    assert (granted.event.facts["rolls"], granted.event.facts["bytes"]) == (1, 10000)
