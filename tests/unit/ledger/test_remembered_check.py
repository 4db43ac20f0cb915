"""Specification: a thorough check that passed is taken by the next answer on the very same
ledger file within `trust_for` seconds — unchanged, or changed only by rollkeeper's own
transactions — and by no other (`integrity.check_unless_checked`, `integrity.carry_forward`).

Each specification opens a real ledger read-only, as `status` does, and sees whether SQLite was
asked for its integrity check.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from rollkeeper.core import happened
from rollkeeper.ledger.integrity import CHECKED_FILE
from rollkeeper.ledger.store import LEDGER_FILE, Ledger
from rollkeeper.ledger.unusable import LedgerUnusable

from tests.ledger_damage import garble_a_page
from tests.unit.ledger.conftest import fill_pages, move_remembered_check

TRUST = 600.0


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state folder whose ledger holds enough events to fill many pages."""
    fill_pages(tmp_path)
    return tmp_path


@contextmanager
def reader(state: Path) -> Iterator[tuple[Ledger, list[str]]]:
    """The ledger opened read-only, and the statements run on it from then on."""
    ledger = Ledger.in_state_dir(state, readonly=True)
    ran: list[str] = []
    ledger.db.set_trace_callback(ran.append)
    try:
        yield ledger, ran
    finally:
        ledger.close()


def checked_in_full(state: Path, trust_for: float = TRUST) -> bool:
    """Did an answer's check of the ledger ask SQLite for its integrity check?"""
    with reader(state) as (ledger, ran):
        ledger.check_whole(trust_for=trust_for)
    return any("integrity_check" in statement for statement in ran)


def test_the_first_answer_checks_in_full_and_remembers_it(state: Path) -> None:
    assert checked_in_full(state)
    assert (state / CHECKED_FILE).exists()


def test_the_check_a_writer_makes_on_opening_the_ledger_is_remembered(state: Path) -> None:
    Ledger.in_state_dir(state).close()

    assert not checked_in_full(state)


def test_an_answer_on_the_unchanged_file_takes_the_remembered_check(state: Path) -> None:
    checked_in_full(state)

    assert not checked_in_full(state)


def _write_as_another_program(state: Path) -> None:
    with closing(sqlite3.connect(state / LEDGER_FILE)) as other, other:
        other.execute("UPDATE events SET message = 'changed behind our back' WHERE id = 1")


@pytest.fixture
def writer(state: Path) -> Iterator[Ledger]:
    """The ledger open for writing, as the daemon holds it: its opening check remembered."""
    ledger = Ledger.in_state_dir(state)
    yield ledger
    ledger.close()


def test_a_ledger_written_since_by_another_program_is_checked_in_full_again(state: Path) -> None:
    checked_in_full(state)
    _write_as_another_program(state)

    assert checked_in_full(state)


def test_rollkeepers_own_write_carries_the_remembered_check_forward(
    state: Path, writer: Ledger
) -> None:
    writer.record(happened.target_unusable("once more"))

    assert not checked_in_full(state)


def test_an_answer_that_found_the_file_just_before_rollkeeper_wrote_takes_the_carried_check(
    state: Path, writer: Ledger
) -> None:
    with reader(state) as (ledger, ran):  # found the file as checked
        writer.record(happened.target_unusable("written while the answer was drawn"))
        ledger.check_whole(trust_for=TRUST)

    assert not any("integrity_check" in statement for statement in ran)


def test_another_programs_write_while_an_answer_is_drawn_is_checked_in_full(
    state: Path, writer: Ledger
) -> None:
    with reader(state) as (ledger, ran):  # found the file as checked
        _write_as_another_program(state)
        ledger.check_whole(trust_for=TRUST)

    assert any("integrity_check" in statement for statement in ran)


def test_a_carried_check_keeps_the_time_it_was_made(state: Path, writer: Ledger) -> None:
    made = json.loads((state / CHECKED_FILE).read_text(encoding="utf-8"))["checked_at"]

    writer.record(happened.target_unusable("once more"))

    carried = json.loads((state / CHECKED_FILE).read_text(encoding="utf-8"))
    assert len(carried["file_states"]) == 2  # carried to the file as written…
    assert carried["checked_at"] == made  # …as of the check it stands on


def test_a_page_garbled_after_a_carried_check_is_found(state: Path, writer: Ledger) -> None:
    writer.record(happened.target_unusable("once more"))
    garble_a_page(state / LEDGER_FILE, "events")

    with pytest.raises(LedgerUnusable, match="is damaged"):
        checked_in_full(state)


def test_a_check_of_a_file_another_program_changed_is_not_carried_by_a_later_write(
    state: Path, writer: Ledger
) -> None:
    _write_as_another_program(state)
    writer.record(happened.target_unusable("written after the other program"))

    assert checked_in_full(state)


def test_a_page_garbled_after_a_remembered_check_is_found(state: Path) -> None:
    checked_in_full(state)
    garble_a_page(state / LEDGER_FILE, "events")

    with pytest.raises(LedgerUnusable, match="is damaged"):
        checked_in_full(state)


def test_a_remembered_check_older_than_the_trust_is_not_taken(state: Path) -> None:
    checked_in_full(state)

    assert checked_in_full(state, trust_for=0.0)


def test_a_remembered_check_from_the_future_is_not_taken(state: Path) -> None:
    checked_in_full(state)
    move_remembered_check(state, timedelta(hours=1))  # the clock was set back since

    assert checked_in_full(state)


@pytest.mark.parametrize("text", ["", "{", '{"checked_at": "yesterday"}', "[]", '{"x": 1}'])
def test_a_garbled_remembered_check_is_not_taken(state: Path, text: str) -> None:
    checked_in_full(state)
    (state / CHECKED_FILE).write_text(text, encoding="utf-8")

    assert checked_in_full(state)
    assert not checked_in_full(state)  # remembered afresh


def test_a_check_while_the_ledger_is_written_is_not_remembered(state: Path) -> None:
    writer = Ledger.in_state_dir(state)
    (state / CHECKED_FILE).unlink()  # the writer's opening check, not the one this is about
    with reader(state) as (ledger, _ran):
        writer.record(happened.target_unusable("written while the reader reads"))
        ledger.check_whole(trust_for=TRUST)
    writer.close()

    assert not (state / CHECKED_FILE).exists()
