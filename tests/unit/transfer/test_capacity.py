"""Specification: free space before a roll's upload (`transfer.capacity`), on real disks: a
folder target needs the roll plus a margin, and runs low below twice the roll plus it; the
state disk keeps a fixed minimum. `doctor` asks the same functions."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.transfer.capacity import STATE_MINIMUM, state_space, target_space

MiB = 1024 * 1024


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MiB tmpfs (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    point = tmp_path / "disk"
    point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)], check=True)
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_a_roll_far_smaller_than_the_free_space_is_not_low(small_disk: Path) -> None:
    check = target_space(small_disk, MiB)

    assert (check.low, check.fits) == (False, True)
    assert check.sentence == f"target folder {small_disk}: enough free space"


def test_a_roll_that_fits_but_leaves_little_room_is_low_and_still_goes(small_disk: Path) -> None:
    check = target_space(small_disk, 5 * MiB)

    assert (check.low, check.fits) == (True, True)
    assert "the roll still fits and goes up" in check.sentence


def test_a_roll_larger_than_the_free_space_cannot_fit(small_disk: Path) -> None:
    check = target_space(small_disk, 9 * MiB)

    assert (check.low, check.fits) == (True, False)
    assert check.sentence.startswith(f"SPACE LOW: target folder {small_disk} has ")
    assert check.sentence.endswith("it waits until there is room: make room there")


def test_a_state_disk_below_its_minimum_is_low(small_disk: Path) -> None:
    check = state_space(small_disk)

    assert (check.low, check.fits, check.needed) == (True, False, STATE_MINIMUM)
    assert "the ledger needs; uploads wait until there is room" in check.sentence


def test_a_folder_that_cannot_be_asked_claims_nothing(tmp_path: Path) -> None:
    check = target_space(tmp_path / "gone", MiB)

    assert (check.free, check.low, check.fits) == (None, False, True)
    assert check.sentence == f"free space on target folder {tmp_path / 'gone'} cannot be asked"
