"""Specification: a symbolic link in a folder being sealed is never sealed, and is said."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.seal import SealResult, seal_asc, seal_legacy

from tests.builders import write_files


@pytest.fixture
def roll_with_a_link(tmp_path: Path) -> Path:
    outside = write_files(tmp_path / "elsewhere", {"A001C002.mov": b"somewhere else"})
    roll = write_files(tmp_path / "A001R1AB", {"Clips/A001C001.mov": b"clip one"})
    (roll / "Clips/A001C002.mov").symlink_to(outside / "A001C002.mov")
    return roll


@pytest.mark.parametrize("seal", [seal_legacy, seal_asc], ids=["legacy", "asc"])
def test_a_symbolic_link_is_not_sealed_and_is_named_in_the_result(
    roll_with_a_link: Path, seal: Callable[..., SealResult]
) -> None:
    result = seal(roll_with_a_link, HashKind.XXH64)
    assert result.file_count == 1
    assert result.links == ["Clips/A001C002.mov"]


def test_seal_warns_about_each_link_it_left_out(roll_with_a_link: Path) -> None:
    done = subprocess.run(
        [Path(sys.executable).parent / "rollkeeper", "seal", "--format", "legacy",
         str(roll_with_a_link)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0
    assert done.stderr == (
        "warning: Clips/A001C002.mov is a symbolic link: not sealed (an offload copies the file "
        "itself; replace the link with the file and seal again)\n"
    )
