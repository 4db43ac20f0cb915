"""Folder-layout profiles: a volume's MHL folders in, roll identities or teaching errors out."""

from __future__ import annotations

from datetime import date

import pytest
from rollkeeper.core.layout import (
    CAMERA_MEDIA,
    DEFAULT_PROFILE,
    PROFILE_NAMES,
    SOUND_MEDIA,
    CustomLayoutSpec,
    CustomProfile,
    FlatProfile,
    LayoutAnalysis,
    LayoutProblem,
    LayoutProfile,
    NetflixProfile,
    RollIdentity,
    RollLocation,
    ShootDayName,
    build_profile,
    parse_shoot_day_name,
)

DAY = "20261121_Day01"


def netflix(*folders: str) -> LayoutAnalysis:
    return NetflixProfile().analyse(folders)


def flat(*folders: str) -> LayoutAnalysis:
    return FlatProfile().analyse(folders)


CAM_SND = {"CAM": CAMERA_MEDIA, "SND": SOUND_MEDIA}


def custom(*folders: str, **settings: object) -> LayoutAnalysis:
    spec = CustomLayoutSpec(**settings)  # type: ignore[arg-type]
    return CustomProfile(spec).analyse(folders)


def only_roll(analysis: LayoutAnalysis) -> RollLocation:
    assert analysis.errors == ()
    assert len(analysis.rolls) == 1
    return analysis.rolls[0]


def only_problem(analysis: LayoutAnalysis) -> LayoutProblem:
    assert analysis.rolls == ()
    assert len(analysis.problems) == 1
    return analysis.problems[0]


def messages(analysis: LayoutAnalysis, folder: str) -> list[str]:
    return [p.message for p in analysis.problems if p.folder == folder]


# --------------------------------------------------------------------------------------------
# Identities
# --------------------------------------------------------------------------------------------


def test_roll_id_joins_shoot_day_media_type_and_roll() -> None:
    identity = RollIdentity("20261121_Day01", CAMERA_MEDIA, "A001R1AB")

    assert identity.id == "20261121_Day01/Camera_Media/A001R1AB"


def test_results_are_frozen_values() -> None:
    roll = RollLocation(RollIdentity("d", "m", "r"), "d/m/r")

    with pytest.raises(AttributeError):
        roll.folder = "elsewhere"  # type: ignore[misc]
    assert roll == RollLocation(RollIdentity("d", "m", "r"), "d/m/r")


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


# --------------------------------------------------------------------------------------------
# Shoot day names
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("20230510_EP103_Day05_MU", ShootDayName(date(2023, 5, 10), "EP103", "Day05", "MU")),
        ("20261121", ShootDayName(date(2026, 11, 21))),
        ("20261121_Day01", ShootDayName(date(2026, 11, 21), day="Day01")),
        ("20261121_05_2U", ShootDayName(date(2026, 11, 21), day="05", unit="2U")),
        ("20261121_Block02_D105", ShootDayName(date(2026, 11, 21), "Block02", "D105")),
        ("20261121_BK1_Second_Unit", ShootDayName(date(2026, 11, 21), "BK1", unit="Second_Unit")),
        ("20261121_MU", ShootDayName(date(2026, 11, 21), unit="MU")),
    ],
)
def test_shoot_day_name_fields_are_read_from_the_template(name: str, parsed: ShootDayName) -> None:
    assert parse_shoot_day_name(name) == parsed


@pytest.mark.parametrize("name", ["261121_Day01", "20261341", "Day01"])
def test_shoot_day_name_that_is_not_one_raises_the_teaching_message(name: str) -> None:
    with pytest.raises(ValueError, match="yyyyMMdd"):
        parse_shoot_day_name(name)


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


# --------------------------------------------------------------------------------------------
# Custom: the spec is checked when it is made
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "complaint"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("{shoot_day}/{media_type}", "has no {roll}"),
        ("{roll}/{roll}", "has {roll} twice"),
        ("{shoot_day}/{shoot_day}/{roll}", "has {shoot_day} twice"),
        ("{format}/{format?}/{roll}", "has {format} twice"),
        ("{*}/x/{*}/{roll}", "has {*} twice"),
        ("{foo}/{roll}", "unknown placeholder {foo}"),
        ("{Roll}", "unknown placeholder {Roll}"),
        ("{roll?}", "{roll?} cannot be optional"),
        ("{roll}/{shoot_day}", "{roll} must be the last level"),
        ("Footage//{roll}", "empty level"),
        ("/{roll}", "empty level"),
        ("{roll}/", "empty level"),
        ("Day_{shoot_day}/{roll}", "mixes text and braces"),
        ("{shoot_day/{roll}", "mixes text and braces"),
        (".cache/{roll}", "hidden"),
    ],
)
def test_invalid_pattern_is_rejected_when_the_spec_is_made(pattern: str, complaint: str) -> None:
    with pytest.raises(ValueError, match="layout pattern") as caught:
        CustomLayoutSpec(pattern=pattern)

    assert complaint in str(caught.value)


@pytest.mark.parametrize("option", ["shoot_day_regex", "roll_regex"])
def test_invalid_regular_expression_is_rejected_naming_the_option(option: str) -> None:
    with pytest.raises(ValueError, match=f"{option} '\\(' is not a valid regular expression"):
        CustomLayoutSpec(**{option: "("})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"pattern": "{shoot_day}/{roll}", "media_types": CAM_SND}, "has no {media_type}"),
        ({"pattern": "{media_type}/{roll}", "shoot_day_regex": "Day"}, "has no {shoot_day}"),
        ({"media_types": {"": "Camera_Media"}}, "not a usable folder name"),
        ({"media_types": {"A/B": "Camera_Media"}}, "not a usable folder name"),
        ({"media_types": {"CAM": ""}}, "a media type is a non-empty name"),
        ({"ignore_folders": ("",)}, "not a folder name"),
    ],
)
def test_inconsistent_custom_settings_are_rejected(
    settings: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ValueError) as caught:
        CustomLayoutSpec(**settings)  # type: ignore[arg-type]

    assert complaint in str(caught.value)


def test_custom_spec_keeps_its_own_copy_of_media_types() -> None:
    media_types = dict(CAM_SND)
    spec = CustomLayoutSpec(media_types=media_types)

    media_types["VID"] = "Camera_Media"

    assert dict(spec.media_types) == CAM_SND
    with pytest.raises(TypeError):
        spec.media_types["VID"] = "Camera_Media"  # type: ignore[index]


# --------------------------------------------------------------------------------------------
# Choosing a profile
# --------------------------------------------------------------------------------------------


def test_build_profile_returns_each_profile_by_its_name() -> None:
    spec = CustomLayoutSpec()
    profiles: list[LayoutProfile] = [build_profile(name, spec) for name in PROFILE_NAMES]

    assert [p.name for p in profiles] == list(PROFILE_NAMES)
    assert isinstance(profiles[0], NetflixProfile)
    assert isinstance(profiles[1], FlatProfile)
    assert isinstance(profiles[2], CustomProfile)


def test_netflix_is_the_default_profile() -> None:
    assert DEFAULT_PROFILE == "netflix"
    assert build_profile(DEFAULT_PROFILE).name == "netflix"


def test_unknown_profile_name_is_rejected_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown layout profile 'Netflix'") as caught:
        build_profile("Netflix")

    for name in PROFILE_NAMES:
        assert f"'{name}'" in str(caught.value)


def test_custom_profile_without_its_spec_is_rejected() -> None:
    with pytest.raises(ValueError, match="layout profile 'custom' needs its settings"):
        build_profile("custom")


# --------------------------------------------------------------------------------------------
# Scale: linear in the number of folders
# --------------------------------------------------------------------------------------------


def _ten_thousand_netflix_folders() -> list[str]:
    """5,000 camera rolls (half below a format level), each with an MHL nested in it."""
    folders = []
    for day in range(1, 26):
        for n in range(200):
            level = "ARRI/" if n % 2 else ""
            roll = f"{DAY[:6]}{day:02d}_Day{day:02d}/Camera_Media/{level}A{n:03d}R1AB"
            folders += [roll, f"{roll}/CLIPS"]
    return folders


def test_ten_thousand_mhl_folders_are_analysed_with_nested_ones_found() -> None:
    folders = _ten_thousand_netflix_folders()

    analysis = NetflixProfile().analyse(reversed(folders))

    assert len(folders) == 10_000
    assert len(analysis.rolls) == 5_000
    assert len(analysis.errors) == 5_000
    assert all("roll inside a roll" in p.message for p in analysis.errors)


@pytest.mark.parametrize("profile", [FlatProfile(), CustomProfile(CustomLayoutSpec())])
def test_ten_thousand_mhl_folders_are_analysed_by_the_other_profiles(
    profile: LayoutProfile,
) -> None:
    folders = _ten_thousand_netflix_folders()

    analysis = profile.analyse(folders)

    assert len(analysis.rolls) == 5_000
    assert len(analysis.errors) == 5_000
