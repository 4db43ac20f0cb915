"""The custom profile: rolls found by a production's own pattern, and errors that teach."""

from __future__ import annotations

import pytest
from rollkeeper.core.layout import (
    LayoutAnalysis,
    RollIdentity,
)

from tests.unit.core.layout_cases import (
    CAM_SND,
    custom,
    only_problem,
    only_roll,
)

# --------------------------------------------------------------------------------------------
# Custom: matching
# --------------------------------------------------------------------------------------------


def test_custom_media_folders_map_to_canonical_media_types() -> None:
    analysis = custom("20261121/CAM/A001", "20261121/SND/S001", media_types=CAM_SND)

    assert [r.identity for r in analysis.rolls] == [
        RollIdentity("20261121", "Camera_Media", "A001"),
        RollIdentity("20261121", "Sound_Media", "S001"),
    ]


@pytest.mark.parametrize("production", ["", "Show/", "Show/Season_01/"])
def test_custom_star_matches_any_number_of_production_folders(production: str) -> None:
    roll = only_roll(custom(f"{production}20261121/CAM/A001", media_types=CAM_SND))

    assert roll.identity == RollIdentity("20261121", "Camera_Media", "A001")


def test_custom_optional_format_level_is_recorded_when_present() -> None:
    roll = only_roll(custom("Show/20261121/CAM/ARRI/A001", media_types=CAM_SND))

    assert roll.camera_format == "ARRI"
    assert roll.identity == RollIdentity("20261121", "Camera_Media", "A001")


def test_custom_shoot_day_is_the_whole_folder_name() -> None:
    roll = only_roll(custom("20261121_Day01_MU/CAM/A001", media_types=CAM_SND))

    assert roll.identity.shoot_day == "20261121_Day01_MU"


def test_custom_without_media_types_takes_the_media_folder_name_as_it_is() -> None:
    roll = only_roll(custom("20261121/Kamera/A001"))

    assert roll.identity.media_type == "Kamera"


def test_custom_literal_levels_must_be_spelled_exactly() -> None:
    pattern = "Footage/{shoot_day}/{roll}"

    assert only_roll(custom("Footage/20261121/A001", pattern=pattern)).identity == RollIdentity(
        "20261121", "", "A001"
    )
    problem = only_problem(custom("footage/20261121/A001", pattern=pattern))
    assert "'footage' must be spelled Footage" in problem.message


def test_custom_pattern_without_shoot_day_or_media_type_leaves_them_empty() -> None:
    roll = only_roll(custom("Cards/CamA/A001", pattern="Cards/{format}/{roll}"))

    assert roll.identity == RollIdentity("", "", "A001")
    assert roll.camera_format == "CamA"


@pytest.mark.parametrize(
    ("shoot_day", "fits"),
    [("20261121", True), ("20261121_Day01", True), ("Day01_20261121", False)],
)
def test_custom_shoot_day_regex_is_anchored_at_the_start_of_the_name(
    shoot_day: str, fits: bool
) -> None:
    analysis = custom(f"{shoot_day}/CAM/A001", media_types=CAM_SND)

    assert bool(analysis.rolls) is fits


def test_custom_shoot_day_regex_can_describe_another_convention() -> None:
    roll = only_roll(
        custom("Day_012/A001", pattern="{shoot_day}/{roll}", shoot_day_regex=r"Day_\d{3}$")
    )

    assert roll.identity.shoot_day == "Day_012"


def test_custom_roll_regex_tells_a_format_level_from_a_roll() -> None:
    folder = "20261121/CAM/A001/CLIPS"

    assert only_roll(custom(folder, media_types=CAM_SND)).camera_format == "A001"
    problem = only_problem(custom(folder, media_types=CAM_SND, roll_regex=r"[A-Z]\d{3}"))
    assert "MHL below the roll root" in problem.message
    assert "inside roll folder '20261121/CAM/A001'" in problem.message


def test_custom_ignored_folders_are_neither_rolls_nor_errors() -> None:
    assert custom("20261121/Reports/x", media_types=CAM_SND) == LayoutAnalysis((), ())
    assert custom("20261121/Logs", ignore_folders=("Logs",)) == LayoutAnalysis((), ())


def test_custom_names_are_checked_for_characters_only_when_asked() -> None:
    folder = "20261121/CAM/A 001"

    assert only_roll(custom(folder, media_types=CAM_SND)).warnings == ()
    warnings = only_roll(custom(folder, media_types=CAM_SND, check_names=True)).warnings
    assert len(warnings) == 1
    assert "outside [A-Za-z0-9._-]: ' '" in warnings[0]


def test_custom_roll_inside_a_roll_is_an_error_and_the_outer_roll_remains() -> None:
    analysis = custom("20261121/CAM/A001", "20261121/CAM/A001/x/y", media_types=CAM_SND)

    assert [r.folder for r in analysis.rolls] == ["20261121/CAM/A001"]
    assert "roll inside a roll" in analysis.errors[0].message


def test_custom_same_roll_twice_is_an_error_for_both() -> None:
    analysis = custom("Show/20261121/CAM/A001", "20261121/CAM/ARRI/A001", media_types=CAM_SND)

    assert analysis.rolls == ()
    assert len(analysis.problems) == 2
    assert all("the same roll twice" in p.message for p in analysis.problems)


def test_custom_hidden_folders_are_never_rolls() -> None:
    assert custom(".Trashes/20261121/CAM/A001", media_types=CAM_SND) == LayoutAnalysis((), ())


# --------------------------------------------------------------------------------------------
# Custom: errors that teach
# --------------------------------------------------------------------------------------------


def test_custom_unknown_media_folder_is_an_error_naming_the_accepted_ones() -> None:
    problem = only_problem(custom("20261121/Footage/A001", media_types=CAM_SND))

    assert "unknown media folder '20261121/Footage'" in problem.message
    assert "CAM, SND" in problem.message


def test_custom_media_folder_in_the_wrong_case_names_the_right_spelling() -> None:
    problem = only_problem(custom("20261121/cam/A001", media_types=CAM_SND))

    assert "'20261121/cam' must be spelled CAM" in problem.message


def test_custom_six_digit_shoot_day_suggests_yyyyMMdd() -> None:  # noqa: N802
    problem = only_problem(custom("Show/261121/CAM/A001", media_types=CAM_SND))

    assert "'Show/261121' is not a shoot day folder" in problem.message
    assert "use yyyyMMdd: 20261121" in problem.message


def test_custom_roll_that_misses_roll_regex_is_an_error() -> None:
    problem = only_problem(custom("20261121/CAM/reel one", media_types=CAM_SND, roll_regex="[A-Z]"))

    assert "'20261121/CAM/reel one' does not match roll_regex '[A-Z]'" in problem.message
    assert "if it is a camera-format folder" in problem.message


@pytest.mark.parametrize(
    ("folder", "what"),
    [("Show/20261121", "a shoot day folder"), ("20261121/CAM", "a media folder")],
)
def test_custom_mhl_above_the_roll_root_is_an_error(folder: str, what: str) -> None:
    problem = only_problem(custom(folder, media_types=CAM_SND))

    assert "MHL above the roll root" in problem.message
    assert f"'{folder}' is {what}" in problem.message


def test_custom_mhl_below_the_roll_root_is_an_error_naming_the_roll() -> None:
    problem = only_problem(custom("Show/20261121/CAM/A001/CLIPS/x", media_types=CAM_SND))

    assert "MHL below the roll root" in problem.message
    assert "inside roll folder 'Show/20261121/CAM/A001'" in problem.message


@pytest.mark.parametrize("folder", ["", "x"])
def test_custom_folder_that_fits_no_reading_of_the_pattern_is_an_error(folder: str) -> None:
    problem = only_problem(custom(folder, media_types=CAM_SND))

    assert "does not fit the layout pattern" in problem.message
    assert "{*}/{shoot_day}/{media_type}/{format?}/{roll}" in problem.message
