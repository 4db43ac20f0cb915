"""Shoot day folder names: their fields read from the template, or the teaching message."""

from __future__ import annotations

from datetime import date

import pytest
from rollkeeper.core.layout import (
    ShootDayName,
    parse_shoot_day_name,
)

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
