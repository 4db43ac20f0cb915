"""Specification: the state folder is checked before use (`ledger.state_dir`), and a ledger held
locked by another process is one sentence naming it (`ledger.unusable`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rollkeeper.core.errors import EnvironmentProblem
from rollkeeper.ledger.state_dir import check_state_dir, prepare_state_dir, unmounted_drive
from rollkeeper.ledger.unusable import LedgerUnusable, unusable


def test_a_folder_outside_the_mount_roots_needs_no_drive(tmp_path: Path) -> None:
    assert unmounted_drive(tmp_path / "state") is None


def test_a_folder_under_an_unmounted_mount_point_names_the_mount_point() -> None:
    """/mnt itself is a folder of the root filesystem here; nothing below it is mounted."""
    assert unmounted_drive(Path("/mnt/rk-never-mounted-xyz/rollkeeper")) == Path(
        "/mnt/rk-never-mounted-xyz"
    )


def test_run_creates_a_missing_state_folder_whose_parent_exists(tmp_path: Path) -> None:
    assert prepare_state_dir(tmp_path / "state") is True
    assert (tmp_path / "state").is_dir()


def test_run_leaves_an_existing_state_folder_as_it_is(tmp_path: Path) -> None:
    assert prepare_state_dir(tmp_path) is False


def test_a_missing_state_folder_is_refused_to_readers(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="does not exist: start `rollkeeper run`"):
        check_state_dir(tmp_path / "state")
    assert not (tmp_path / "state").exists()


def test_a_ledger_locked_by_another_process_is_named_with_the_fix(tmp_path: Path) -> None:
    """Two real SQLite connections: one holds the write lock, the other gives up at once."""
    path = tmp_path / "ledger.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as busy:
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        holder.close()

    said = unusable(path, busy.value)

    assert isinstance(said, LedgerUnusable)
    assert str(said) == (
        f"{path} is locked by another process (database is locked); it is kept untouched: stop "
        "whatever holds it (another rollkeeper, a backup, an SQLite browser) and try again"
    )
