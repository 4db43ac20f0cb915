"""The Netflix profile: a volume's MHL folders in, roll identities or teaching errors out."""

from __future__ import annotations

import pytest
from rollkeeper.core.layout import (
    LayoutAnalysis,
    LayoutProblem,
    RollIdentity,
)

from tests.unit.core.layout_cases import (
    DAY,
    messages,
    netflix,
    only_problem,
    only_roll,
)

# --------------------------------------------------------------------------------------------
# Netflix: what is a roll
# --------------------------------------------------------------------------------------------


def test_camera_roll_directly_in_camera_media_is_a_roll() -> None:
    roll = only_roll(netflix(f"{DAY}/Camera_Media/A001R1AB"))

    assert roll.identity == RollIdentity(DAY, "Camera_Media", "A001R1AB")
    assert roll.folder == f"{DAY}/Camera_Media/A001R1AB"
    assert roll.camera_format is None
    assert roll.warnings == ()


def test_sound_roll_directly_in_sound_media_is_a_roll() -> None:
    roll = only_roll(netflix(f"{DAY}/Sound_Media/S001"))

    assert roll.identity == RollIdentity(DAY, "Sound_Media", "S001")
    assert roll.camera_format is None


@pytest.mark.parametrize(
    ("camera_format", "roll_name"),
    [
        ("ARRI", "A001R1AB"),
        ("VENICE", "A001C001"),
        ("C300", "A001"),  # a format that looks like a roll, above one that does too
        ("RED", "A001_1121XY.RDM"),
        ("ALEXA35", "Reel_01"),  # neither looks like a roll: the second level is the roll
    ],
)
def test_camera_format_level_above_the_roll_is_recorded(camera_format: str, roll_name: str) -> None:
    roll = only_roll(netflix(f"{DAY}/Camera_Media/{camera_format}/{roll_name}"))

    assert roll.identity == RollIdentity(DAY, "Camera_Media", roll_name)
    assert roll.camera_format == camera_format


@pytest.mark.parametrize("production", ["Show", "Show/Season_01/Unit_Main", "261121_backup"])
def test_shoot_day_may_sit_below_production_folders(production: str) -> None:
    roll = only_roll(netflix(f"{production}/{DAY}/Camera_Media/A001R1AB"))

    assert roll.identity == RollIdentity(DAY, "Camera_Media", "A001R1AB")
    assert roll.folder == f"{production}/{DAY}/Camera_Media/A001R1AB"


@pytest.mark.parametrize(
    "shoot_day",
    [
        "20261121",
        "20261121_Day01",
        "20230510_EP103_Day05_MU",
        "20261121_Block02_D105_2U",
        "20261121_B02_05_Splinter",
        "20261121_BK1_Day101",
        "20261121_D01",
        "20240229_Day01",  # a leap day is a real date
    ],
)
def test_shoot_day_template_spellings_are_accepted(shoot_day: str) -> None:
    roll = only_roll(netflix(f"{shoot_day}/Sound_Media/S001"))

    assert roll.identity.shoot_day == shoot_day
    assert roll.warnings == ()


def test_shoot_day_identity_is_the_whole_folder_name_so_units_stay_apart() -> None:
    analysis = netflix("20261121_Day05_MU/Camera_Media/A001", "20261121_Day05_2U/Camera_Media/A001")

    assert analysis.problems == ()
    assert {r.identity.id for r in analysis.rolls} == {
        "20261121_Day05_MU/Camera_Media/A001",
        "20261121_Day05_2U/Camera_Media/A001",
    }


def test_rolls_of_a_volume_are_all_found_and_sorted_by_folder() -> None:
    folders = [
        f"{DAY}/Sound_Media/S001",
        f"{DAY}/Camera_Media/B001R2CD",
        f"{DAY}/Camera_Media/A001R1AB",
    ]

    analysis = netflix(*folders)

    assert [r.folder for r in analysis.rolls] == sorted(folders)
    assert analysis.problems == ()


def test_the_same_folder_given_twice_counts_once() -> None:
    folder = f"{DAY}/Camera_Media/A001R1AB"

    assert netflix(folder, folder) == netflix(folder)


# --------------------------------------------------------------------------------------------
# Netflix: shoot day errors
# --------------------------------------------------------------------------------------------


def test_six_digit_shoot_day_is_an_error_that_suggests_yyyyMMdd() -> None:  # noqa: N802
    problem = only_problem(netflix("261121_Day01/Camera_Media/A001R1AB"))

    assert problem.folder == "261121_Day01/Camera_Media/A001R1AB"
    assert problem.severity == "error"
    assert "use yyyyMMdd: 20261121" in problem.message
    assert "'261121_Day01'" in problem.message
    assert "20261121_Day01" in problem.message  # the whole new name, ready to type


def test_six_digits_that_are_no_date_at_all_are_an_error() -> None:
    problem = only_problem(netflix("261399/Camera_Media/A001"))

    assert "not a yyMMdd date" in problem.message
    assert "yyyyMMdd" in problem.message


@pytest.mark.parametrize(
    ("shoot_day", "why"),
    [
        ("20261341", "month 13 does not exist"),
        ("20260230", "2026-02 has no day 30"),
        ("20250229", "2025-02 has no day 29"),
        ("20261100", "2026-11 has no day 00"),
        ("20260021_Day01", "month 00 does not exist"),
    ],
)
def test_impossible_shoot_date_is_an_error_that_says_why(shoot_day: str, why: str) -> None:
    problem = only_problem(netflix(f"{shoot_day}/Camera_Media/A001"))

    assert "not a real calendar date" in problem.message
    assert why in problem.message
    assert f"'{shoot_day}'" in problem.message


@pytest.mark.parametrize("written", ["21112026", "11212026"])
def test_day_or_month_first_date_suggests_the_yyyyMMdd_spelling(written: str) -> None:  # noqa: N802
    problem = only_problem(netflix(f"{written}/Camera_Media/A001"))

    assert "use yyyyMMdd: 20261121" in problem.message


@pytest.mark.parametrize(("shoot_day", "count"), [("2026112_Day01", 7), ("202611210_Day01", 9)])
def test_shoot_day_with_neither_6_nor_8_digits_is_an_error(shoot_day: str, count: int) -> None:
    problem = only_problem(netflix(f"{shoot_day}/Camera_Media/A001"))

    assert f"starts with {count} digits" in problem.message
    assert "exactly 8 (yyyyMMdd" in problem.message


def test_shoot_day_fields_not_separated_by_underscore_are_a_warning_on_the_roll() -> None:
    roll = only_roll(netflix("20261121-Day01/Camera_Media/A001"))

    assert len(roll.warnings) == 1
    assert "separated by '_'" in roll.warnings[0]
    assert "'20261121-Day01'" in roll.warnings[0]


# --------------------------------------------------------------------------------------------
# Netflix: asset folder errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "right"),
    [
        ("camera_media", "Camera_Media"),
        ("CAMERA_MEDIA", "Camera_Media"),
        ("Camera_media", "Camera_Media"),
        ("Camera Media", "Camera_Media"),
        ("CameraMedia", "Camera_Media"),
        ("sound_media", "Sound_Media"),
        ("SOUND_MEDIA", "Sound_Media"),
        ("Sound-Media", "Sound_Media"),
    ],
)
def test_wrong_case_asset_folder_is_an_error_naming_the_right_spelling(
    written: str, right: str
) -> None:
    problem = only_problem(netflix(f"{DAY}/{written}/A001"))

    assert f"must be spelled {right}" in problem.message
    assert f"'{DAY}/{written}'" in problem.message


def test_wrong_case_reports_folder_is_an_error_naming_the_right_spelling() -> None:
    problem = only_problem(netflix(f"{DAY}/reports"))

    assert "must be spelled Reports" in problem.message


@pytest.mark.parametrize("asset", ["Footage", "Camera", "RAW", "Audio"])
def test_unknown_asset_folder_is_an_error_naming_the_accepted_ones(asset: str) -> None:
    problem = only_problem(netflix(f"{DAY}/{asset}/A001"))

    assert f"unknown asset folder '{DAY}/{asset}'" in problem.message
    for accepted in ("Camera_Media", "Sound_Media", "Reports"):
        assert accepted in problem.message


def test_asset_folder_below_a_non_asset_folder_of_the_shoot_day_is_an_unknown_asset() -> None:
    problem = only_problem(netflix(f"{DAY}/CamA/Camera_Media/A001"))

    assert f"unknown asset folder '{DAY}/CamA'" in problem.message


@pytest.mark.parametrize("folder", [f"{DAY}/Reports", f"{DAY}/Reports/offload", "Reports/x"])
def test_mhl_in_reports_is_neither_a_roll_nor_an_error(folder: str) -> None:
    assert netflix(folder) == LayoutAnalysis(rolls=(), problems=())


def test_every_mistake_along_one_path_is_reported() -> None:
    folder = "261121/camera_media/A001"

    found = messages(netflix(folder), folder)

    assert len(found) == 2
    assert "use yyyyMMdd: 20261121" in found[0]
    assert "must be spelled Camera_Media" in found[1]


# --------------------------------------------------------------------------------------------
# Netflix: MHL at the wrong level
# --------------------------------------------------------------------------------------------


def test_mhl_in_the_shoot_day_folder_is_above_the_roll_root() -> None:
    problem = only_problem(netflix(DAY))

    assert "MHL above the roll root" in problem.message
    assert f"'{DAY}' is a shoot day folder" in problem.message


@pytest.mark.parametrize("asset", ["Camera_Media", "Sound_Media"])
def test_mhl_in_an_asset_folder_is_above_the_roll_root(asset: str) -> None:
    problem = only_problem(netflix(f"Show/{DAY}/{asset}"))

    assert "MHL above the roll root" in problem.message
    assert f"'Show/{DAY}/{asset}' is an asset folder" in problem.message


def test_mhl_above_the_roll_root_leaves_the_rolls_below_it_alone() -> None:
    analysis = netflix(f"{DAY}/Camera_Media", f"{DAY}/Camera_Media/A001R1AB")

    assert [r.folder for r in analysis.rolls] == [f"{DAY}/Camera_Media/A001R1AB"]
    assert [p.folder for p in analysis.problems] == [f"{DAY}/Camera_Media"]


@pytest.mark.parametrize(
    ("inside", "roll_folder"),
    [
        ("A001R1AB/CLIPS", "A001R1AB"),  # the second level is no roll name: card contents
        ("A001/A001C001", "A001"),  # a clip folder named after its roll
        ("A001R1AB/A001C001_261121_R1AB", "A001R1AB"),  # an ARRI clip folder
        ("Reel_01/CLIPS", "Reel_01"),  # a card's own top folder below an unusual roll name
        ("Reel_01/PRIVATE", "Reel_01"),
    ],
)
def test_mhl_one_level_inside_a_camera_roll_is_below_the_roll_root(
    inside: str, roll_folder: str
) -> None:
    problem = only_problem(netflix(f"{DAY}/Camera_Media/{inside}"))

    assert "MHL below the roll root" in problem.message
    assert f"inside roll folder '{DAY}/Camera_Media/{roll_folder}'" in problem.message


@pytest.mark.parametrize(
    ("inside", "roll_folder"),
    [
        ("ARRI/A001R1AB/CLIPS", "ARRI/A001R1AB"),
        ("A001R1AB/CLIPS/sub", "A001R1AB"),
        ("ARRI/ALEXA35/Reel_01/CLIPS", "ARRI/ALEXA35"),
    ],
)
def test_mhl_three_or_more_levels_below_camera_media_is_below_the_roll_root(
    inside: str, roll_folder: str
) -> None:
    problem = only_problem(netflix(f"{DAY}/Camera_Media/{inside}"))

    assert "MHL below the roll root" in problem.message
    assert "levels inside Camera_Media" in problem.message
    assert f"inside roll folder '{DAY}/Camera_Media/{roll_folder}'" in problem.message


def test_sound_media_has_no_format_level() -> None:
    problem = only_problem(netflix(f"{DAY}/Sound_Media/WAV/S001"))

    assert "Sound_Media has no format level" in problem.message
    assert f"'{DAY}/Sound_Media/S001'" in problem.message


@pytest.mark.parametrize("inside", ["S001/FOLDER01", "S001/FOLDER01/TAKES", "Day1_Sound/WAV"])
def test_mhl_inside_a_sound_roll_is_below_the_roll_root(inside: str) -> None:
    problem = only_problem(netflix(f"{DAY}/Sound_Media/{inside}"))

    assert "MHL below the roll root" in problem.message
    roll = inside.split("/", maxsplit=1)[0]
    assert f"inside roll folder '{DAY}/Sound_Media/{roll}'" in problem.message


# --------------------------------------------------------------------------------------------
# Netflix: rolls inside rolls, duplicates, MHLs outside the structure
# --------------------------------------------------------------------------------------------


def test_roll_inside_a_roll_is_an_error_and_the_outer_roll_remains() -> None:
    outer = f"{DAY}/Camera_Media/A001R1AB"
    inner = f"{outer}/CLIPS"

    analysis = netflix(outer, inner)

    assert [r.folder for r in analysis.rolls] == [outer]
    problem = only_problem(LayoutAnalysis((), analysis.errors))
    assert problem.folder == inner
    assert "roll inside a roll" in problem.message
    assert f"inside roll folder '{outer}'" in problem.message


def test_outer_roll_is_warned_about_the_mhl_nested_in_it() -> None:
    outer = f"{DAY}/Sound_Media/S001"

    analysis = netflix(outer, f"{outer}/FOLDER01")

    assert len(analysis.rolls[0].warnings) == 1
    assert f"'{outer}/FOLDER01'" in analysis.rolls[0].warnings[0]


def test_every_mhl_nested_in_a_roll_names_the_outermost_roll() -> None:
    outer = f"{DAY}/Camera_Media/ARRI"  # a format folder that holds an MHL is, by rule, a roll
    nested = [f"{outer}/A001R1AB", f"{outer}/A001R1AB/CLIPS"]

    analysis = netflix(outer, *nested)

    assert [r.folder for r in analysis.rolls] == [outer]
    assert [p.folder for p in analysis.errors] == nested
    assert all(f"inside roll folder '{outer}'" in p.message for p in analysis.errors)


def test_the_same_roll_twice_on_a_volume_is_an_error_for_both() -> None:
    first, second = f"{DAY}/Camera_Media/A001", f"{DAY}/Camera_Media/ARRI/A001"

    analysis = netflix(first, second)

    assert analysis.rolls == ()
    assert [p.folder for p in analysis.problems] == [first, second]
    for problem in analysis.problems:
        assert "the same roll twice" in problem.message
        assert f"{DAY}/Camera_Media/A001" in problem.message


@pytest.mark.parametrize("folder", ["Misc/A001", "A001R1AB", "Show/Season_01/A001"])
def test_mhl_outside_any_shoot_day_is_an_error(folder: str) -> None:
    problem = only_problem(netflix(folder))

    assert problem.folder == folder
    assert "MHL outside any shoot day" in problem.message
    assert f"'{folder}'" in problem.message


def test_mhl_at_the_volume_root_is_outside_any_shoot_day() -> None:
    problem = only_problem(netflix(""))

    assert problem.folder == ""
    assert "MHL outside any shoot day: the volume root" in problem.message


@pytest.mark.parametrize(
    ("folder", "where"),
    [
        ("Camera_Media/A001", "at the top of the volume"),
        ("Show/Camera_Media/A001", "in 'Show', which is not a shoot day folder"),
        ("Show/Day01/Sound_Media/S001", "in 'Show/Day01', which is not a shoot day folder"),
    ],
)
def test_asset_folder_outside_a_shoot_day_is_an_error_that_says_where_it_must_go(
    folder: str, where: str
) -> None:
    problem = only_problem(netflix(folder))

    assert "MHL outside any shoot day" in problem.message
    assert where in problem.message
    assert "must sit directly in a shoot day folder" in problem.message


# --------------------------------------------------------------------------------------------
# Netflix: names and hidden folders
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "named", "characters"),
    [
        (f"{DAY}/Camera_Media/A001 R1AB", f"{DAY}/Camera_Media/A001 R1AB", "' '"),
        (f"{DAY}/Camera_Media/Kamera\u00e9/A001", f"{DAY}/Camera_Media/Kamera\u00e9", "'\u00e9'"),
        ("20261121_Day01+2/Sound_Media/S001", "20261121_Day01+2", "'+'"),
        (f"{DAY}/Sound_Media/S001(1)", f"{DAY}/Sound_Media/S001(1)", "'(' ')'"),
    ],
)
def test_illegal_characters_in_names_are_a_warning_attached_to_the_roll(
    folder: str, named: str, characters: str
) -> None:
    roll = only_roll(netflix(folder))

    assert len(roll.warnings) == 1
    assert f"name '{named}' has characters outside [A-Za-z0-9._-]: {characters}" in roll.warnings[0]


def test_roll_warnings_are_repeated_in_problems_as_warnings() -> None:
    folder = f"{DAY}/Camera_Media/A001 R1AB"

    analysis = netflix(folder)

    assert analysis.errors == ()
    assert analysis.problems == (LayoutProblem(folder, analysis.rolls[0].warnings[0], "warning"),)


def test_production_folders_above_the_shoot_day_are_not_checked_for_characters() -> None:
    roll = only_roll(netflix(f"My Show/{DAY}/Camera_Media/A001"))

    assert roll.warnings == ()


@pytest.mark.parametrize(
    "folder",
    [
        f".Trashes/501/{DAY}/Camera_Media/A001",
        f"{DAY}/Camera_Media/.A001",
        f"{DAY}/Camera_Media/A001/.thumbnails",
        f"$RECYCLE.BIN/{DAY}/Camera_Media/A001",
        ".Spotlight-V100",
    ],
)
def test_hidden_folders_are_never_rolls_nor_errors(folder: str) -> None:
    assert netflix(folder) == LayoutAnalysis(rolls=(), problems=())


def test_hidden_folder_inside_a_roll_is_not_a_roll_inside_a_roll() -> None:
    roll = only_roll(netflix(f"{DAY}/Camera_Media/A001", f"{DAY}/Camera_Media/A001/._x"))

    assert roll.warnings == ()
