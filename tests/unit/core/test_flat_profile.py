"""The flat profile: every folder holding an MHL is a roll, named by its path."""

from __future__ import annotations

import pytest
from rollkeeper.core.layout import (
    LayoutAnalysis,
)

from tests.unit.core.layout_cases import (
    flat,
    only_roll,
)

# --------------------------------------------------------------------------------------------
# Flat
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["A001", "Cards/A001R1AB", "any/depth/at/all/S001"])
def test_flat_every_folder_holding_an_mhl_is_a_roll_named_by_its_path(folder: str) -> None:
    roll = only_roll(flat(folder))

    assert roll.folder == folder
    assert roll.identity.roll == folder
    assert roll.identity.media_type == ""
    assert roll.camera_format is None


@pytest.mark.parametrize(
    ("folder", "shoot_day"),
    [
        ("20261121/A001", "20261121"),
        ("Show/Day01_20261121/A001", "20261121"),
        ("20261121/20261122/A001", "20261121"),  # the first date in the path wins
        ("20261341/20261122_B/A001", "20261122"),  # impossible dates are skipped
        ("202611210/A001", ""),  # nine digits are no date
        ("Cards/A001", ""),
    ],
)
def test_flat_shoot_day_is_the_first_real_8_digit_date_in_the_path(
    folder: str, shoot_day: str
) -> None:
    assert only_roll(flat(folder)).identity.shoot_day == shoot_day


def test_flat_identities_are_unique_per_volume() -> None:
    analysis = flat("20261121/CamA/A001", "20261121/CamB/A001")

    assert len({r.identity.id for r in analysis.rolls}) == 2
    assert analysis.problems == ()


def test_flat_roll_inside_a_roll_is_an_error_and_the_outer_roll_remains() -> None:
    analysis = flat("Cards/A001", "Cards/A001/CLIPS")

    assert [r.folder for r in analysis.rolls] == ["Cards/A001"]
    assert [p.folder for p in analysis.errors] == ["Cards/A001/CLIPS"]
    assert "roll inside a roll" in analysis.errors[0].message


def test_flat_mhl_at_the_volume_root_is_an_error_and_rolls_below_remain() -> None:
    analysis = flat("", "A001")

    assert [r.folder for r in analysis.rolls] == ["A001"]
    assert [p.folder for p in analysis.problems] == [""]
    assert "the volume root holds an MHL" in analysis.problems[0].message


def test_flat_hidden_folders_are_never_rolls() -> None:
    assert flat(".Trashes/A001", "A001/.cache") == LayoutAnalysis(rolls=(), problems=())


def test_flat_names_are_not_checked_for_characters() -> None:
    assert only_roll(flat("Card 1/A001")).warnings == ()
