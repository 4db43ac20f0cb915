"""A damaged or unreadable ledger is never believed: one sentence, exit 3, the file untouched.

One real cart (a RAID and a rotation drive, rolls uploaded to a folder target) is run once by
the real daemon until `status` says its shuttle MAY BE ERASED; each test copies that state
folder, damages the copy's ledger the way disks and people do, and runs the commands a DIT
would: none prints a traceback, none says "may be erased", each exits 3 naming the file, and
the file's bytes are the same afterwards.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import ledger_damage
from tests.builders import without_root_privileges
from tests.integration.daemon_harness import (
    ROLLKEEPER,
    make_roll,
    run_cli,
    sample_files,
    write_config,
)

ROLLS = [f"20261121_Day01/Camera_Media/A{n:03d}R1AB" for n in range(1, 5)]
COMMANDS = [("run",), ("run", "--once"), ("status",), ("status", "--json"), ("clearance",)]
KEPT = (
    "it is kept untouched: move it aside and restart, or restore it from a backup; "
    "nothing will be cleared for erasure from it"
)


def configure(root: Path, state: Path) -> Path:
    return write_config(
        root / f"{state.name}.toml",
        state,
        [(str(root / "RAID_A"), "raid"), (str(root / "SHUTTLE_01"), "rotation")],
        settle=0,
        extra=f'[target]\nkind = "fs"\npath = "{root / "NAS"}"\n[archive]\nprovider = "none"\n',
    )


@pytest.fixture(scope="module")
def cart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cart whose shuttle the daemon has cleared; its ledger spans many pages."""
    root = tmp_path_factory.mktemp("cart")
    for drive in ("RAID_A", "SHUTTLE_01", "NAS"):
        (root / drive).mkdir()
    for seed, roll in enumerate(ROLLS):
        files = sample_files(seed, count=40, size=512)
        make_roll(root / "RAID_A", roll, files)
        make_roll(root / "SHUTTLE_01", roll, files)
    config = configure(root, root / "state")
    assert run_cli("run", "--once", "--config", str(config)).returncode == 0
    shown = run_cli("status", "--config", str(config))
    assert "MAY BE ERASED" in shown.stdout, shown.stdout + shown.stderr
    return root


@pytest.fixture
def copied(cart: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the cleared cart's state folder and a configuration using it: (config, ledger)."""
    state = tmp_path / "state"
    shutil.copytree(cart / "state", state)
    return configure(cart, state), state / "ledger.sqlite3"


def garble_a_page(ledger: Path) -> None:
    """64 bytes in the middle of a page of the verified files' table."""
    ledger_damage.garble_a_page(ledger, "files")


def garble_a_label(ledger: Path) -> None:
    """One letter of the shuttle's label, inside its row, in sound pages."""
    ledger_damage.garble_a_letter(ledger, "volumes", "SHUTTLE_01")


def run_as_user(*args: str) -> subprocess.CompletedProcess[str]:
    """A command with file permissions in force (even when the tests run as root)."""
    argv = without_root_privileges([ROLLKEEPER, *args])
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def assert_refused(done: subprocess.CompletedProcess[str], expected: str) -> None:
    """Exit 3, no traceback, no clearance, and on stderr the one line `expected`."""
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for said in (done.stdout, done.stderr):
        assert "MAY BE ERASED" not in said.upper()
        assert "YOU MAY ERASE" not in said.upper()
    assert done.stderr == expected + "\n"


@dataclass(frozen=True)
class Damage:
    """What happened to the ledger file, and the problem the sentence then names."""

    name: str
    inflict: Callable[[Path], None]
    problem: str


DAMAGES = [
    Damage("a garbled page", garble_a_page, "integrity_check: database disk image is malformed"),
    Damage(
        "a garbled row in sound pages",
        garble_a_label,
        "integrity_check: row 2 missing from index sqlite_autoindex_volumes_1",
    ),
    Damage("half truncated", ledger_damage.half_truncate, "database disk image is malformed"),
    Damage("not SQLite", ledger_damage.not_sqlite, "file is not a database"),
]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda d: d.name)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_damaged_ledger_is_refused_by_name_and_kept(
    copied: tuple[Path, Path], command: tuple[str, ...], damage: Damage
) -> None:
    config, ledger = copied
    damage.inflict(ledger)
    before = ledger.read_bytes()

    done = run_cli(*command, "--config", str(config))

    assert_refused(
        done,
        f"rollkeeper: {ledger} is damaged ({damage.problem}); {KEPT}",
    )
    assert ledger.read_bytes() == before


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_unreadable_ledger_is_refused_and_kept(
    copied: tuple[Path, Path], command: tuple[str, ...]
) -> None:
    config, ledger = copied
    before = ledger.read_bytes()
    ledger.chmod(0o000)

    done = run_as_user(*command, "--config", str(config))

    ledger.chmod(0o644)
    assert_refused(
        done,
        f"rollkeeper: {ledger} cannot be read (unable to open database file); "
        "it is kept untouched: let the user running rollkeeper read and write it and its "
        "folder; nothing will be cleared for erasure from it",
    )
    assert ledger.read_bytes() == before


def test_a_read_only_ledger_stops_the_daemon_with_the_reason(copied: tuple[Path, Path]) -> None:
    config, ledger = copied
    before = ledger.read_bytes()
    ledger.chmod(0o444)

    done = run_as_user("run", "--once", "--config", str(config))

    ledger.chmod(0o644)
    assert_refused(
        done,
        f"rollkeeper: {ledger} cannot be written (attempt to write a readonly database); it is "
        "kept untouched: let the user running rollkeeper write it and its folder; nothing will "
        "be cleared for erasure from it",
    )
    assert ledger.read_bytes() == before
