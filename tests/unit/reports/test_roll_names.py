"""Specification: how `clearance --roll/--day` finds what it is asked about
(`reports.roll_clearance.find_roll`, `find_day`), over plain roll records."""

from __future__ import annotations

import pytest
from rollkeeper.core.errors import BadInputError
from rollkeeper.ledger.rows import RollRecord
from rollkeeper.reports.roll_clearance import find_day, find_roll


def roll(day: str, name: str, media: str = "Camera_Media") -> RollRecord:
    return RollRecord(
        id=f"{day}/{media}/{name}", shoot_day=day, media_type=media, roll=name,
        camera_format=None, state="uploaded", mhl_fingerprint=None, first_seen="", updated_at="",
        content_fingerprint=None, content_volume_id=None,
    )  # fmt: skip


ROLLS = [
    roll("20261121_Day01", "A001R1AB"),
    roll("20261121_Day01", "S001", "Sound_Media"),
    roll("20261122_Day02", "A001R1AB"),
    roll("20261122_Day02_Splinter", "B001R1AB"),
]


def test_a_roll_is_found_by_its_id() -> None:
    assert find_roll(ROLLS, "20261122_Day02/Camera_Media/A001R1AB") is ROLLS[2]


def test_a_roll_is_found_by_a_bare_name_only_it_has() -> None:
    assert find_roll(ROLLS, "S001") is ROLLS[1]


def test_a_bare_name_two_rolls_have_is_refused_with_both_ids() -> None:
    with pytest.raises(BadInputError) as refused:
        find_roll(ROLLS, "A001R1AB")
    assert str(refused.value) == (
        "roll name 'A001R1AB' is ambiguous: 20261121_Day01/Camera_Media/A001R1AB, "
        "20261122_Day02/Camera_Media/A001R1AB; name one by its id (shoot-day/media/roll)"
    )


def test_a_day_is_found_by_its_folder_name_even_when_another_folder_starts_with_it() -> None:
    assert find_day(ROLLS, "20261122_Day02") == [ROLLS[2]]


def test_a_day_is_found_by_a_date_prefix_only_it_has() -> None:
    assert find_day(ROLLS, "20261121") == ROLLS[:2]


def test_a_date_prefix_of_two_day_folders_is_refused_with_both() -> None:
    with pytest.raises(BadInputError, match="'20261122' is ambiguous: 20261122_Day02, 20261122_"):
        find_day(ROLLS, "20261122")


def test_an_unknown_day_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(BadInputError, match=r"no shoot day '2027' is known \(known: 20261121_"):
        find_day(ROLLS, "2027")
