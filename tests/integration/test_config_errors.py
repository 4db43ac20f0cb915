"""A configuration error names the file, the line and the key, from every command (the real
`rollkeeper` as a subprocess): exit 2, one line per problem, no traceback; `run` refuses a
configuration without [[volumes]], which the commands that only read the ledger accept."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rollkeeper.ledger.store import Ledger

from tests.integration.daemon_harness import ROLLKEEPER

COMMANDS = [
    ("run",),
    ("run", "--once"),
    ("clearance",),
    ("erased", "SHUTTLE_01"),
    ("reverify", "A001R1AB"),
    ("report",),
    ("notify", "outbox"),
    ("notify", "summary"),
    ("notify", "test"),
]


def rollkeeper(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command (its state folder is the test's own: no verdict remembered before)."""
    return subprocess.run(
        [ROLLKEEPER, *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_bad_value_anywhere_is_named_with_file_line_and_key(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    (tmp_path / "state").mkdir()
    config = tmp_path / "rollkeeper.toml"
    config.write_text(
        f'[state]\ndir = "{tmp_path / "state"}"\n\n[[volumes]]\npath = "{tmp_path}"\n'
        'role = "raid"\n\n[target]\nkind = "fs"\npath = "/srv/nas"\npart_size = "1MB"\n',
        encoding="utf-8",
    )

    done = rollkeeper(tmp_path, *command, "--config", str(config))

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr == (
        f"rollkeeper: {config}:11: target.part_size = '1MB': must be 'auto' or between 5MiB and "
        "5GiB (the S3 part size limits)\n"
    )


def test_status_names_a_bad_value_and_still_shows_the_state_folder_it_names(
    tmp_path: Path,
) -> None:
    """Someone edited the file under a running daemon (which keeps its configuration): the crew
    still needs to see what may be erased."""
    Ledger.in_state_dir(tmp_path / "state").close()
    config = tmp_path / "rollkeeper.toml"
    config.write_text(
        f'[state]\ndir = "{tmp_path / "state"}"\n\n[[volumes]]\npath = "{tmp_path}"\n'
        'role = "raid"\n\n[verify]\njobs = "two"\n',
        encoding="utf-8",
    )

    done = rollkeeper(tmp_path, "status", "--config", str(config))

    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"rollkeeper: {config}:9: verify.jobs = 'two': ")
    assert "the status below is read from the state folder it names" in done.stderr
    assert "Daemon: " in done.stdout


@pytest.mark.parametrize("command", [("run",), ("run", "--once")], ids=" ".join)
def test_run_refuses_a_configuration_without_volumes(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    config = tmp_path / "rollkeeper.toml"
    config.write_text(f'[state]\ndir = "{tmp_path / "state"}"\n', encoding="utf-8")

    done = rollkeeper(tmp_path, *command, "--config", str(config))

    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"rollkeeper: {config}: no [[volumes]]: rollkeeper would watch no drive; add a "
        "[[volumes]] table (path and role) for each RAID or rotation drive, as in "
        "config/rollkeeper.example.toml\n"
    )
    assert not (tmp_path / "state").exists()


def test_status_reads_the_ledger_of_a_configuration_without_volumes(tmp_path: Path) -> None:
    """A cart whose drives were all taken out of the file still answers for what it recorded."""
    state = tmp_path / "state"
    config = tmp_path / "rollkeeper.toml"
    config.write_text(
        f'[state]\ndir = "{state}"\n[[volumes]]\npath = "{tmp_path}"\nrole = "raid"\n',
        encoding="utf-8",
    )
    assert rollkeeper(tmp_path, "run", "--once", "--config", str(config)).returncode == 0
    config.write_text(f'[state]\ndir = "{state}"\n', encoding="utf-8")

    done = rollkeeper(tmp_path, "status", "--config", str(config))

    assert done.returncode == 0, done.stderr
