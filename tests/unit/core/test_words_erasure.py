"""Specification: the sentences for erased drives and copies, renamed roll folders, and a copy
verified again on request."""

from __future__ import annotations

from rollkeeper.core import happened
from rollkeeper.core.events import Severity
from rollkeeper.core.words import say

ROLL = "20261121/Camera_Media/A001R1AB"
OTHER = "20261121/Camera_Media/B001R1AB"


def test_a_cleared_drive_wiped_says_its_rolls_no_longer_count() -> None:
    event = happened.volume_erased(3, label="SHUTTLE_01", how="wiped", cleared=True, rolls=[ROLL])
    assert say(event) == (
        f"SHUTTLE_01 came back without the rolls it was cleared for: recorded as erased; its 1 "
        f"roll copy no longer count: {ROLL}."
    )


def test_a_reformatted_drive_names_a_few_rolls_and_counts_the_rest() -> None:
    rolls = [f"{ROLL}{i}" for i in range(5)]
    event = happened.volume_erased(
        3, label="SHUTTLE_01", how="reformatted", cleared=True, rolls=rolls
    )
    assert say(event) == (
        "SHUTTLE_01 came back reformatted (its label is on a new filesystem): recorded as erased; "
        f"its 5 roll copies no longer count: {ROLL}0, {ROLL}1, {ROLL}2 and 2 more."
    )


def test_a_drive_said_erased_without_a_clearance_says_so_as_a_warning() -> None:
    event = happened.volume_erased(3, label="SHUTTLE_01", how="told", cleared=False, rolls=[])
    assert event.severity is Severity.WARNING
    assert say(event) == (
        "SHUTTLE_01 was erased, as the DIT recorded with `rollkeeper erased`: recorded as "
        "erased; its 0 roll copies no longer count. It had not been cleared for all of them."
    )


def test_an_erased_copy_says_how_many_verified_copies_remain() -> None:
    one = happened.copy_erased(ROLL, 3, label="SHUTTLE_01", onset_copies=1)
    none = happened.copy_erased(ROLL, 3, label="SHUTTLE_01", onset_copies=0)
    assert (
        say(one)
        == f"roll {ROLL}: its copy on SHUTTLE_01 was erased; 1 verified on-set copy remains"
    )
    assert say(none).endswith("0 verified on-set copies remain")


def test_a_renamed_roll_folder_is_news_naming_the_roll_it_became() -> None:
    event = happened.copy_renamed(ROLL, 3, label="SHUTTLE_02", folder=ROLL, renamed_to=OTHER)
    assert event.severity is Severity.INFO
    assert say(event) == (
        f"roll {ROLL}: its folder on SHUTTLE_02 was renamed; that content is now roll {OTHER}"
    )


def test_a_copy_verified_again_on_request_says_who_asked() -> None:
    event = happened.reverify_requested(ROLL, 3, label="RAID_A")
    assert say(event) == f"roll {ROLL} on RAID_A: verified again, as asked (rollkeeper reverify)"
