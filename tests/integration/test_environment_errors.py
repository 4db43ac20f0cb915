"""An environment that cannot be used is one sentence naming the path and the fix, exit 3, from
every command: a state folder that is missing, a file, unwritable or on a drive not mounted; a
lock held by another daemon; a log file that cannot be written; a configuration that cannot be
read. Each case runs the real `rollkeeper` as a subprocess and checks that no traceback reaches
the user and nothing is created where it should not be."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import without_root_privileges
from tests.integration.daemon_harness import ROLLKEEPER, run_cli, write_config

#: Every command that reads the state folder, as a DIT would type it.
COMMANDS = [
    ("run",),
    ("run", "--once"),
    ("status",),
    ("status", "--json"),
    ("clearance",),
    ("erased", "SHUTTLE_01"),
    ("reverify", "A001R1AB"),
    ("report",),
    ("notify", "outbox"),
    ("notify", "summary"),
]
IDS = [" ".join(command) for command in COMMANDS]
FIX_DIR = "or set [state] dir to another folder"


def cart(root: Path, state: Path, extra: str = "") -> Path:
    """A configuration with one RAID folder and the state folder `state`."""
    (root / "RAID_A").mkdir(exist_ok=True)
    return write_config(
        root / "rollkeeper.toml", state, [(str(root / "RAID_A"), "raid")], settle=0, extra=extra
    )


def assert_one_sentence(
    done: subprocess.CompletedProcess[str], expected: str, code: int = 3
) -> None:
    """Exit `code`, no traceback, and on stderr the one line `expected`."""
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr == f"rollkeeper: {expected}\n"


def run_as_user(*args: str) -> subprocess.CompletedProcess[str]:
    """A command with file permissions in force (even when the tests run as root)."""
    argv = without_root_privileges([ROLLKEEPER, *args])
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_a_state_folder_that_is_a_file_is_named_with_the_fix(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    state = tmp_path / "state"
    state.write_bytes(b"not a folder")
    config = cart(tmp_path, state)

    done = run_cli(*command, "--config", str(config))

    assert_one_sentence(
        done, f"the state folder {state} is a file, not a folder: move the file aside, {FIX_DIR}"
    )
    assert state.read_bytes() == b"not a folder"


@pytest.mark.parametrize("command", COMMANDS[2:], ids=IDS[2:])
def test_a_missing_state_folder_is_named_by_every_command_that_reads_it(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    state = tmp_path / "state"
    config = cart(tmp_path, state)

    done = run_cli(*command, "--config", str(config))

    assert_one_sentence(
        done,
        f"the state folder {state} does not exist: start `rollkeeper run` to create it, {FIX_DIR}",
    )
    assert not state.exists()


@pytest.mark.parametrize("command", COMMANDS[:2], ids=IDS[:2])
def test_run_does_not_create_a_state_folder_whose_parent_is_missing(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    parent = tmp_path / "STATE_DRIVE"
    config = cart(tmp_path, parent / "rollkeeper")

    done = run_cli(*command, "--config", str(config))

    assert_one_sentence(
        done,
        f"the state folder {parent / 'rollkeeper'} cannot be created: its parent {parent} does "
        f"not exist (is its drive mounted?); create {parent}, {FIX_DIR}",
    )
    assert not parent.exists()


def test_run_creates_a_missing_state_folder_in_its_parent_and_logs_it(tmp_path: Path) -> None:
    state = tmp_path / "state"
    config = cart(tmp_path, state)

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in (state / "rollkeeper.log").read_text().splitlines()]
    (created,) = [line for line in lines if line["event"] == "state.created"]
    assert created["path"] == str(state)


@pytest.fixture
def mount_point() -> Iterator[Path]:
    """An empty folder under /mnt where a drive would be mounted (removed afterwards)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to make a mount point under /mnt and mount a tmpfs on it")
    point = Path("/mnt") / f"rk-state-{uuid.uuid4().hex[:8]}"
    point.mkdir(parents=True)
    yield point
    if os.path.ismount(point):
        subprocess.run(["umount", str(point)], check=True)
    point.rmdir()


@pytest.mark.parametrize("command", COMMANDS[:4], ids=IDS[:4])
def test_a_state_folder_on_a_drive_not_mounted_is_not_made_on_the_boot_disk(
    tmp_path: Path, mount_point: Path, command: tuple[str, ...]
) -> None:
    """The mount point exists (an empty folder on the boot disk) but no drive is mounted there."""
    state = mount_point / "rollkeeper"
    config = cart(tmp_path, state)

    done = run_cli(*command, "--config", str(config))

    assert_one_sentence(
        done,
        f"the state folder {state} is on {mount_point}, which is not a mounted drive: mount it, "
        f"{FIX_DIR}",
    )
    assert list(mount_point.iterdir()) == []


def test_once_the_drive_is_mounted_run_creates_the_state_folder_on_it(
    tmp_path: Path, mount_point: Path
) -> None:
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)], check=True
    )
    config = cart(tmp_path, mount_point / "rollkeeper")

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 0, done.stderr
    assert (mount_point / "rollkeeper" / "ledger.sqlite3").exists()


@pytest.mark.parametrize("command", COMMANDS[:2], ids=IDS[:2])
def test_a_state_folder_that_cannot_be_written_stops_run_with_the_fix(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Permission bits apply even as root: the command runs without CAP_DAC_OVERRIDE."""
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(0o555)
    config = cart(tmp_path, state)

    done = run_as_user(*command, "--config", str(config))

    state.chmod(0o755)
    assert_one_sentence(
        done,
        f"the state folder {state} cannot be written: let the user running rollkeeper read and "
        f"write it, {FIX_DIR}",
    )
    assert list(state.iterdir()) == []


def test_a_state_folder_that_cannot_be_read_is_named_by_status(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(0o000)
    config = cart(tmp_path, state)

    done = run_as_user("status", "--config", str(config))

    state.chmod(0o755)
    assert_one_sentence(
        done,
        f"the state folder {state} cannot be read: let the user running rollkeeper read and "
        f"write it, {FIX_DIR}",
    )


def test_a_state_folder_locked_by_another_daemon_is_named_with_its_pid(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    config = cart(tmp_path, state)
    with (state / "rollkeeper.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("4242")
        held.flush()

        done = run_cli("run", "--once", "--config", str(config))

    assert_one_sentence(
        done,
        f"another rollkeeper (pid 4242) is already running with the state folder {state}; "
        "stop it first, or give this one its own [state] dir",
    )


@pytest.mark.parametrize("command", COMMANDS[:2], ids=IDS[:2])
def test_a_log_file_that_cannot_be_written_stops_run_with_the_fix(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    log_file = tmp_path / "logs" / "rollkeeper.log"
    config = cart(tmp_path, tmp_path / "state", extra=f'[log]\nfile = "{log_file}"\n')

    done = run_cli(*command, "--config", str(config))

    assert_one_sentence(
        done,
        f"the log file {log_file} cannot be written (No such file or directory); let the user "
        "running rollkeeper write it and its folder, or set [log] file elsewhere",
    )


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_a_configuration_that_cannot_be_read_is_an_environment_problem(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    config = cart(tmp_path, tmp_path / "state")
    config.chmod(0o000)

    done = run_as_user(*command, "--config", str(config))

    config.chmod(0o644)
    assert_one_sentence(
        done,
        f"{config}: the configuration cannot be read (Permission denied); let the user running "
        "rollkeeper read it, or pass another file with --config",
    )


def test_a_read_only_drive_under_seal_is_one_sentence(tmp_path: Path) -> None:
    roll = tmp_path / "A001R1AB"
    roll.mkdir()
    (roll / "A001C001.mov").write_bytes(b"clip")
    roll.chmod(0o555)

    done = run_as_user("seal", str(roll))

    roll.chmod(0o755)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"rollkeeper: {roll / 'ascmhl'}: permission denied; ")
    assert done.stderr.count("\n") == 1


def test_a_read_only_log_file_stops_run_with_the_fix(tmp_path: Path) -> None:
    """Permission bits apply even as root: the command runs without CAP_DAC_OVERRIDE."""
    state = tmp_path / "state"
    state.mkdir()
    log_file = state / "rollkeeper.log"
    log_file.write_text("", encoding="utf-8")
    log_file.chmod(0o444)
    config = cart(tmp_path, state)

    done = run_as_user("run", "--once", "--config", str(config))

    assert_one_sentence(
        done,
        f"the log file {log_file} cannot be written (Permission denied); let the user running "
        "rollkeeper write it and its folder, or set [log] file elsewhere",
    )
    assert not (state / "ledger.sqlite3").exists()


def test_a_ledger_locked_by_another_process_is_named_after_the_wait(tmp_path: Path) -> None:
    """Another program holds SQLite's exclusive lock on the ledger (a backup, an SQLite
    browser): `clearance`, which records its answer, waits out SQLite's timeout and says so."""
    state = tmp_path / "state"
    config = cart(tmp_path, state)
    assert run_cli("run", "--once", "--config", str(config)).returncode == 0
    ledger = state / "ledger.sqlite3"
    holder = sqlite3.connect(ledger, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        done = run_cli("clearance", "--config", str(config))
    finally:
        holder.close()

    assert_one_sentence(
        done,
        f"{ledger} is locked by another process (database is locked); it is kept untouched: "
        "stop whatever holds it (another rollkeeper, a backup, an SQLite browser) and try again",
    )
