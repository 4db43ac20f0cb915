"""Specification: between its passes the daemon makes the ledger's thorough check again before
the remembered one lapses (`runtime.chores`, `integrity.renew`), so `status` and the page need
not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rollkeeper.ledger.integrity import CHECKED_FILE

from tests.unit.ledger.conftest import checked_at
from tests.unit.runtime.conftest import CartMaker


def test_the_daemons_chores_check_a_ledger_no_remembered_check_stands_for(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = make_cart()
    cart.scan()
    (tmp_path / "state" / CHECKED_FILE).unlink(missing_ok=True)

    cart.service.chores.renew_ledger_check()

    assert datetime.now(UTC) - checked_at(tmp_path / "state") < timedelta(seconds=60)


def test_the_chore_is_one_of_the_daemons_chores(make_cart: CartMaker) -> None:
    chores = make_cart().service.chores

    assert chores.renew_ledger_check in chores.each()
