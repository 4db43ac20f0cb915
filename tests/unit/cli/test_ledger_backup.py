"""Specification: `rollkeeper ledger backup PATH [--force]`, run as a person runs it.

Every refusal is one sentence with exit 2 and leaves the ledger and any existing file as they
were; the copy opens and passes SQLite's integrity check.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from rollkeeper.ledger.store import LEDGER_FILE, Ledger


def rollkeeper(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rollkeeper", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A state folder whose ledger knows one drive, and a configuration naming it."""
    ledger = Ledger.in_state_dir(tmp_path / "state")
    ledger.volume_mounted(
        label="RAID_A", role="raid", fs_uuid="uuid", subpath="", mount_path="/RAID_A"
    )
    ledger.close()
    path = tmp_path / "rollkeeper.toml"
    path.write_text(
        f'[state]\ndir = "{tmp_path / "state"}"\n'
        f'[[volumes]]\npath = "{tmp_path / "RAID_A"}"\nrole = "raid"\n',
        encoding="utf-8",
    )
    return path


def labels_in(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [row[0] for row in db.execute("SELECT label FROM volumes")]


def test_a_backup_is_written_and_passes_an_integrity_check(config: Path, tmp_path: Path) -> None:
    done = rollkeeper("ledger", "backup", tmp_path / "copy.sqlite3", "--config", config)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"ledger backed up to {tmp_path / 'copy.sqlite3'}\n"
    assert labels_in(tmp_path / "copy.sqlite3") == ["RAID_A"]


def test_the_live_ledger_is_refused(config: Path, tmp_path: Path) -> None:
    live = tmp_path / "state" / LEDGER_FILE
    before = live.read_bytes()
    done = rollkeeper("ledger", "backup", live, "--config", config, "--force")
    assert done.returncode == 2
    assert done.stderr == f"rollkeeper: {live}: is the live ledger itself; name another file\n"
    assert live.read_bytes() == before


def test_an_existing_file_is_refused_without_force(config: Path, tmp_path: Path) -> None:
    existing = tmp_path / "copy.sqlite3"
    existing.write_bytes(b"yesterday's")
    done = rollkeeper("ledger", "backup", existing, "--config", config)
    assert done.returncode == 2
    assert done.stderr == (
        f"rollkeeper: {existing}: already exists; name another file, or add --force to replace it\n"
    )
    assert existing.read_bytes() == b"yesterday's"


def test_force_replaces_an_existing_file(config: Path, tmp_path: Path) -> None:
    existing = tmp_path / "copy.sqlite3"
    existing.write_bytes(b"yesterday's")
    done = rollkeeper("ledger", "backup", existing, "--config", config, "--force")
    assert done.returncode == 0, done.stderr
    assert labels_in(existing) == ["RAID_A"]


def test_a_folder_is_refused(config: Path, tmp_path: Path) -> None:
    done = rollkeeper("ledger", "backup", tmp_path, "--config", config)
    assert done.returncode == 2
    assert done.stderr == (
        f"rollkeeper: {tmp_path}: is a folder; name the backup file, e.g. "
        f"{tmp_path}/ledger-backup.sqlite3\n"
    )


def test_a_folder_that_does_not_exist_is_refused(config: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "copy.sqlite3"
    done = rollkeeper("ledger", "backup", target, "--config", config)
    assert done.returncode == 2
    assert "the folder" in done.stderr and "does not exist; create it first" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_state_folder_without_a_ledger_says_to_start_the_daemon(tmp_path: Path) -> None:
    config = tmp_path / "empty.toml"
    config.write_text(
        f'[state]\ndir = "{tmp_path / "none"}"\n[[volumes]]\npath = "{tmp_path}"\nrole = "raid"\n',
        encoding="utf-8",
    )
    done = rollkeeper("ledger", "backup", tmp_path / "copy.sqlite3", "--config", config)
    assert done.returncode == 2
    assert "no ledger yet; start the daemon" in done.stderr
    assert not (tmp_path / "copy.sqlite3").exists()


def test_a_link_to_the_live_ledger_is_refused(config: Path, tmp_path: Path) -> None:
    link = tmp_path / "innocent.sqlite3"
    link.symlink_to(tmp_path / "state" / LEDGER_FILE)
    done = rollkeeper("ledger", "backup", link, "--config", config, "--force")
    assert done.returncode == 2
    assert "is the live ledger itself" in done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a read-only tmpfs needs root")
def test_a_folder_that_cannot_be_written_is_exit_3(config: Path, tmp_path: Path) -> None:
    readonly = tmp_path / "ro"
    readonly.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(readonly)], check=True)
    try:
        done = rollkeeper("ledger", "backup", readonly / "copy.sqlite3", "--config", config)
    finally:
        subprocess.run(["umount", str(readonly)], check=True)
    assert done.returncode == 3
    assert done.stderr.startswith(f"rollkeeper: {readonly / 'copy.sqlite3'}: the backup could not")
    assert "Traceback" not in done.stderr
