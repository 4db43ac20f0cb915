"""Specification: the daemon makes the ledger's thorough check again before the remembered one
lapses (`integrity.renew`), so an answer takes it; a page garbled meanwhile is found then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rollkeeper.ledger import integrity
from rollkeeper.ledger.integrity import CHECKED_FILE
from rollkeeper.ledger.store import LEDGER_FILE
from rollkeeper.ledger.unusable import LedgerUnusable

from tests.ledger_damage import garble_a_page
from tests.unit.ledger.conftest import checked_at, fill_pages, move_remembered_check

TRUST, MARGIN = 600.0, 60.0


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state folder whose ledger fills pages, checked as the daemon checks it on opening."""
    fill_pages(tmp_path)
    integrity.check_file(tmp_path / LEDGER_FILE)
    return tmp_path


def renew(state: Path) -> bool:
    return integrity.renew(state / LEDGER_FILE, trust_for=TRUST, margin=MARGIN)


def test_a_remembered_check_far_from_lapsing_is_not_made_again(state: Path) -> None:
    before = checked_at(state)

    assert not renew(state)
    assert checked_at(state) == before


def test_a_check_about_to_lapse_is_made_again_and_remembered(state: Path) -> None:
    move_remembered_check(state, -timedelta(seconds=TRUST - MARGIN / 2))

    assert renew(state)
    assert datetime.now(UTC) - checked_at(state) < timedelta(seconds=MARGIN)


def test_a_check_standing_for_another_file_is_made_again(state: Path) -> None:
    (state / CHECKED_FILE).unlink()

    assert renew(state)
    assert not renew(state)


def test_a_page_garbled_since_the_last_check_is_found_when_it_is_made_again(
    state: Path,
) -> None:
    move_remembered_check(state, -timedelta(seconds=TRUST))
    garble_a_page(state / LEDGER_FILE, "events")

    with pytest.raises(LedgerUnusable, match="is damaged"):
        renew(state)
