"""Specification: day completeness across the whole show (`core.completeness`) and its words.

Each camera (the roll name's letter) and sound form one sequence over the show: roll numbers run
on from day to day. A number missing between the lowest and the highest seen is named; so is
every roll seen but not archived; a name that fits no pattern is listed, never guessed at.
"""

from __future__ import annotations

from rollkeeper.core.completeness import SOUND, Completeness, RollSeen, completeness, roll_number
from rollkeeper.core.words.reports import (
    completeness_lines,
    missing_line,
    not_archived_line,
    sequence_line,
)

DAY1, DAY2 = "20261121_Day01", "20261122_Day02"


def seen(roll: str, *, day: str = DAY1, media: str = "Camera_Media", state: str = "archived"
         ) -> RollSeen:  # fmt: skip
    return RollSeen(f"{day}/{media}/{roll}", day, media, roll, state)


def only(show: Completeness, key: str = "A"):  # type: ignore[no-untyped-def]
    return next(s for s in show.sequences if s.key == key)


def test_a_skipped_roll_number_is_named_as_not_seen_on_any_drive() -> None:
    show = completeness([seen("A001R1AB"), seen("A002R1AB"), seen("A004R1AB")])
    assert only(show).missing == ("A003",)
    assert missing_line(only(show)) == "A003 not seen on any drive"


def test_roll_numbers_run_on_from_day_to_day_so_a_new_day_is_no_gap() -> None:
    show = completeness([seen("A001R1AB"), seen("A002R1AB", day=DAY2), seen("A003R1AB", day=DAY2)])
    assert only(show).missing == ()
    assert only(show).numbers == (1, 2, 3)


def test_a_gap_across_days_is_found_whichever_day_the_neighbours_are_on() -> None:
    show = completeness([seen("A001R1AB"), seen("A003R1AB", day=DAY2)])
    assert only(show).missing == ("A002",)


def test_a_run_of_missing_rolls_is_said_as_a_range() -> None:
    show = completeness([seen("A001R1AB"), seen("A005R1AB"), seen("A007R1AB")])
    assert missing_line(only(show)) == "A002 to A004, A006 not seen on any drive"


def test_arri_sony_and_red_names_are_the_cameras_letter_and_roll_number() -> None:
    for name in ("A001R1AB", "A001C001", "A001_1121XY.RDM", "a001r1ab", "A001"):
        number = roll_number(name, "Camera_Media")
        assert number is not None, name
        assert (number.sequence, number.number) == ("A", 1)


def test_each_camera_letter_is_its_own_sequence_cameras_first_then_sound() -> None:
    show = completeness(
        [seen("S001", media="Sound_Media"), seen("B001R2CD"), seen("A001R1AB"), seen("B003R2CD")]
    )
    assert [s.key for s in show.sequences] == ["A", "B", SOUND]
    assert only(show, "B").missing == ("B002",)
    assert only(show, "A").missing == ()


def test_sound_rolls_form_their_own_sequence_with_its_gaps() -> None:
    show = completeness(
        [seen("S001", media="Sound_Media"), seen("S003", media="Sound_Media", day=DAY2)]
    )
    sound = only(show, SOUND)
    assert sound.missing == ("S002",)
    assert sequence_line(sound) == "Sound: 2 rolls (S001 to S003), all archived"


def test_four_digit_sound_rolls_keep_their_width() -> None:
    show = completeness([seen("S0009", media="Sound_Media"), seen("S0011", media="Sound_Media")])
    assert only(show, SOUND).missing == ("S0010",)


def test_rolls_seen_but_not_archived_are_named_with_their_state() -> None:
    show = completeness(
        [seen("A001R1AB"), seen("A002R1AB", state="uploaded"), seen("A003R1AB", state="mismatch")]
    )
    assert not_archived_line(only(show)) == (
        "Camera A, not yet archived: A002R1AB (uploaded), A003R1AB (mismatch)"
    )
    assert sequence_line(only(show)) == "Camera A: 3 rolls (A001 to A003), 1 archived"


def test_names_that_fit_no_pattern_are_listed_and_counted_in_no_sequence() -> None:
    odd = [
        seen("<script>alert(1)</script>"),
        seen(""),
        seen("Roll 7"),
        seen("A001", media="Sound_Media"),  # a camera name under sound
        seen("S1", media="Sound_Media"),
    ]
    show = completeness([*odd, seen("A001R1AB")])
    assert [r.roll for r in show.unrecognised] == sorted(r.roll for r in odd)
    assert [s.key for s in show.sequences] == ["A"]
    assert not show.complete
    assert completeness_lines(show)[-1].startswith(
        "Roll names that fit no camera or sound pattern (in no sequence): "
    )


def test_a_number_seen_on_two_days_is_pointed_out() -> None:
    show = completeness([seen("A001R1AB"), seen("A001R7ZZ", day=DAY2)])
    assert only(show).repeated == (("A001", (DAY1, DAY2)),)
    assert f"A001 seen on more than one shoot day: {DAY1}, {DAY2}" in completeness_lines(show)


def test_a_show_with_every_roll_archived_and_no_gap_is_complete() -> None:
    show = completeness([seen("A001R1AB"), seen("A002R1AB"), seen("S001", media="Sound_Media")])
    assert show.complete
    assert completeness_lines(show) == [
        "Camera A: 2 rolls (A001 to A002), all archived",
        "Sound: 1 roll (S001), all archived",
    ]


def test_a_show_without_rolls_says_so() -> None:
    assert completeness_lines(completeness([])) == ["No rolls seen yet."]


def test_a_long_list_of_missing_rolls_names_the_first_and_counts_the_rest() -> None:
    rolls = [seen(f"A{n:03d}R1AB") for n in range(1, 60, 2)]  # every other roll missing
    line = missing_line(only(completeness(rolls)))
    assert line is not None
    assert line.startswith("A002, A004, ")
    assert line.endswith(" and 17 more not seen on any drive")
