"""Specification (security, issue 16): a whole pass of the real daemon — verify, upload to a
folder target, make and verify the archive copy — writes only where it was told to: the state
folder, the target and the archive. The drive it reads is left exactly as it was, and its home,
temporary folder and working folder stay empty."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.integration.daemon_harness import (
    A001,
    ROLLKEEPER,
    make_roll,
    roll_state_in_ledger,
    sample_files,
    write_config,
)


def _tree(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry under `root` with its size, mode and modification time (ns)."""
    return {
        str(path.relative_to(root)): (path.lstat().st_size, path.lstat().st_mode,
                                      path.lstat().st_mtime_ns)
        for path in root.rglob("*")
    }  # fmt: skip


def test_a_whole_pass_writes_only_the_state_folder_the_target_and_the_archive(
    tmp_path: Path,
) -> None:
    raid, nas, archive = tmp_path / "RAID_A", tmp_path / "NAS", tmp_path / "ARCHIVE"
    home, temporary, working = tmp_path / "home", tmp_path / "tmp", tmp_path / "cwd"
    for folder in (nas, archive, home, temporary, working):
        folder.mkdir()
    make_roll(raid, A001, sample_files(1))
    config = write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(raid), "raid")], settle=0,
        extra=f'[target]\nkind = "fs"\npath = "{nas}"\n[archive]\nprovider = "fs-copy"\n'
        f'path = "{archive}"\nmake_copy = true\n',
    )  # fmt: skip
    drive_before = _tree(raid)
    everything = {p.name for p in tmp_path.iterdir()}
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("XDG_")},
        "HOME": str(home), "TMPDIR": str(temporary),
    }  # fmt: skip

    done = subprocess.run(
        [ROLLKEEPER, "run", "--once", "--config", str(config)],
        cwd=working, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert roll_state_in_ledger(tmp_path / "state", A001) == "archived"
    assert _tree(raid) == drive_before  # read, never written (not even an access marker)
    assert [list(f.iterdir()) for f in (home, temporary, working)] == [[], [], []]
    assert {p.name for p in tmp_path.iterdir()} == everything | {"state"}
    assert any(nas.rglob("*.mov")) and any(archive.rglob("*.mov"))
