"""The custom profile's settings are checked when the spec is made."""

from __future__ import annotations

import pytest
from rollkeeper.core.layout import (
    CustomLayoutSpec,
)

from tests.unit.core.layout_cases import (
    CAM_SND,
)

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
