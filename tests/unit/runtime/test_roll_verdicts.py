"""Specification: the loop keeps each roll's recorded clearance judged for `status`
(`runtime.roll_verdicts`), a little per pass, and judges again a roll whose evidence changed."""

from __future__ import annotations

import sqlite3

import pytest
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.recorded_verdict import recorded_clearance, recorded_judge
from rollkeeper.runtime import roll_verdicts
from rollkeeper.runtime.roll_verdicts import SOON, RollVerdicts

from tests.unit.runtime.conftest import A001, A001_FILES, A002, Cart, CartMaker

JUDGE = recorded_judge("none")


def _verdicts(cart: Cart) -> RollVerdicts:
    return cart.service.steps.verdicts


def test_a_pass_keeps_the_verdict_of_every_roll_it_has_not_judged(cart: Cart) -> None:
    cart.service.loop.tick()

    kept = cart.ledger.kept_roll_verdicts(JUDGE)
    assert kept == {A001: recorded_clearance(cart.ledger, A001, "none")}


def test_a_roll_verified_since_its_verdict_was_kept_is_judged_again(
    make_cart: CartMaker,
) -> None:
    cart = make_cart()
    cart.scan()
    _verdicts(cart).step()
    before = cart.ledger.kept_roll_verdicts(JUDGE)[A001]

    cart.service.loop.once()  # verified (and judged again by the pass)

    after = cart.ledger.kept_roll_verdicts(JUDGE)[A001]
    assert after == recorded_clearance(cart.ledger, A001, "none") != before


def test_a_daemon_starting_judges_every_roll_afresh(cart: Cart) -> None:
    _verdicts(cart).step()

    _verdicts(cart).prepare()

    assert cart.ledger.kept_roll_verdicts(JUDGE) == {}
    assert _verdicts(cart).sleep_for() == SOON


def test_a_pass_whose_budget_is_spent_leaves_the_rest_to_the_next_soon(
    make_cart: CartMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    cart = make_cart({A001: A001_FILES, A002: A001_FILES})
    cart.scan()
    monkeypatch.setattr(roll_verdicts, "BUDGET", 0.0)
    verdicts = _verdicts(cart)

    verdicts.step()
    assert list(cart.ledger.kept_roll_verdicts(JUDGE)) == [A001]
    assert cart.service.loop.sleep_for() == SOON

    verdicts.step()
    assert sorted(cart.ledger.kept_roll_verdicts(JUDGE)) == [A001, A002]


def test_with_every_roll_judged_the_loop_rests_as_before(cart: Cart) -> None:
    verdicts = _verdicts(cart)
    verdicts.step()
    verdicts.step()

    assert verdicts.sleep_for() is None


def test_with_nothing_recorded_since_a_pass_asks_the_ledger_nothing(cart: Cart) -> None:
    verdicts = _verdicts(cart)
    verdicts.step()
    verdicts.step()
    asked: list[str] = []
    cart.ledger.db.set_trace_callback(asked.append)

    verdicts.step()

    assert asked == []


def test_a_verdict_dropped_by_another_writer_is_judged_again_when_the_loop_looks(
    cart: Cart, monkeypatch: pytest.MonkeyPatch
) -> None:
    verdicts = _verdicts(cart)
    verdicts.step()
    other = Ledger.in_state_dir(cart.service.context.state_dir)
    with other.transaction():
        other.db.execute("UPDATE rolls SET state = 'mismatch' WHERE id = ?", (A001,))
    other.close()

    verdicts.step()  # the loop recorded nothing: it does not look yet
    assert cart.ledger.kept_roll_verdicts(JUDGE) == {}
    monkeypatch.setattr(roll_verdicts, "LOOK_EVERY", 0.0)
    verdicts.step()

    assert cart.ledger.kept_roll_verdicts(JUDGE) == {
        A001: recorded_clearance(cart.ledger, A001, "none")
    }


def test_no_other_writer_can_change_a_roll_between_its_judgment_and_its_keeping(
    cart: Cart, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger_file = cart.service.context.state_dir / "ledger.sqlite3"
    refused: list[str] = []

    def judged_while_another_writes(*args: object) -> dict[str, object]:
        other = sqlite3.connect(ledger_file, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            refused.append(str(err))
        finally:
            other.close()
        return {"cards_clear": False}

    monkeypatch.setattr(roll_verdicts, "recorded_clearance", judged_while_another_writes)
    _verdicts(cart).step()

    assert refused == ["database is locked"]
    assert cart.ledger.kept_roll_verdicts(JUDGE) == {A001: {"cards_clear": False}}
