"""What every layout profile yields: frozen identities, analysed in linear time."""

from __future__ import annotations

import pytest
from rollkeeper.core.layout import (
    CAMERA_MEDIA,
    CustomLayoutSpec,
    CustomProfile,
    FlatProfile,
    LayoutProfile,
    NetflixProfile,
    RollIdentity,
    RollLocation,
)

from tests.unit.core.layout_cases import (
    DAY,
)

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
