"""The ledger is checked before it is believed, and what SQLite raises about it is one sentence.

Each specification builds a real ledger of several pages, damages the file the way disks do,
and opens it as the daemon (writer) or `status` (read-only) would.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rollkeeper.core import happened
from rollkeeper.core.errors import EnvironmentProblem, ExitCode
from rollkeeper.ledger.store import LEDGER_FILE, Ledger
from rollkeeper.ledger.unusable import LedgerUnusable, unusable

from tests.ledger_damage import garble_a_letter, garble_a_page

KEPT = (
    "it is kept untouched: move it aside and restart, or restore it from a backup; "
    "nothing will be cleared for erasure from it"
)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state folder whose ledger knows a drive and enough events to fill many pages."""
    folder = tmp_path / "state"
    ledger = Ledger.in_state_dir(folder)
    try:
        ledger.volume_mounted(
            label="SHUTTLE_01", role="rotation", fs_uuid="UUID-1", subpath="", mount_path="/m"
        )
        for n in range(400):
            ledger.record(happened.target_unusable(f"the NAS did not answer, attempt {n}"))
    finally:
        ledger.close()
    return folder


def opened(state: Path, *, readonly: bool) -> Ledger:
    return Ledger.in_state_dir(state, readonly=readonly)


def test_a_sound_ledger_passes_both_checks(state: Path) -> None:
    ledger = opened(state, readonly=True)
    try:
        ledger.check_integrity(thorough=False)
        ledger.check_integrity(thorough=True)
    finally:
        ledger.close()


def test_the_quick_check_misses_a_garbled_row_that_the_thorough_check_finds(state: Path) -> None:
    garble_a_letter(state / LEDGER_FILE, "volumes", "SHUTTLE_01")
    ledger = opened(state, readonly=True)
    try:
        ledger.check_integrity(thorough=False)
        with pytest.raises(LedgerUnusable) as refused:
            ledger.check_integrity(thorough=True)
    finally:
        ledger.close()
    assert str(refused.value) == (
        f"{state / LEDGER_FILE} is damaged (integrity_check: row 1 missing from index "
        f"sqlite_autoindex_volumes_1); {KEPT}"
    )


def test_the_daemon_refuses_to_open_a_ledger_with_a_garbled_page(state: Path) -> None:
    path = state / LEDGER_FILE
    garble_a_page(path, "events")
    before = path.read_bytes()

    with pytest.raises(LedgerUnusable, match=r"is damaged \(integrity_check: .+\); it is kept"):
        opened(state, readonly=False)

    assert path.read_bytes() == before


def test_a_damaged_ledger_is_an_environment_problem_exit_3(state: Path) -> None:
    garble_a_page(state / LEDGER_FILE, "events")
    with pytest.raises(EnvironmentProblem) as refused:
        opened(state, readonly=False)
    assert refused.value.exit_code is ExitCode.ENVIRONMENT


def test_reading_a_garbled_page_is_one_sentence_not_a_database_error(state: Path) -> None:
    ledger = opened(state, readonly=True)  # opened while sound, then damaged under it
    try:
        garble_a_page(state / LEDGER_FILE, "events")
        with pytest.raises(LedgerUnusable) as refused:
            ledger.events()
    finally:
        ledger.close()
    assert isinstance(refused.value.__cause__, sqlite3.DatabaseError)
    assert str(refused.value) == (
        f"{state / LEDGER_FILE} is damaged (column 'data' holds bytes that are not text); {KEPT}"
    )


def test_a_file_that_is_not_sqlite_is_damaged_for_readers_and_writers(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_FILE
    path.write_bytes(b"not a ledger at all\n" * 100)
    for readonly in (True, False):
        with pytest.raises(LedgerUnusable) as refused:
            opened(tmp_path, readonly=readonly)
        assert str(refused.value) == f"{path} is damaged (file is not a database); {KEPT}"
    assert path.read_bytes() == b"not a ledger at all\n" * 100


def test_a_ledger_that_cannot_be_opened_says_how_to_let_rollkeeper_read_it(
    tmp_path: Path,
) -> None:
    with pytest.raises(LedgerUnusable) as refused:
        opened(tmp_path / "missing", readonly=True)
    assert str(refused.value) == (
        f"{tmp_path / 'missing' / LEDGER_FILE} cannot be read (unable to open database file); "
        "it is kept untouched: let the user running rollkeeper read and write it and its "
        "folder; nothing will be cleared for erasure from it"
    )


def test_any_other_sqlite_error_still_names_the_file_and_keeps_it(tmp_path: Path) -> None:
    error = sqlite3.OperationalError("database is locked")
    assert str(unusable(tmp_path / LEDGER_FILE, error)) == (
        f"{tmp_path / LEDGER_FILE} could not be used (database is locked); it is kept "
        "untouched; nothing will be cleared for erasure from it"
    )
