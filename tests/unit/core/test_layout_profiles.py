"""Choosing a layout profile by its name."""

from __future__ import annotations

import pytest
from rollkeeper.core.layout import (
    DEFAULT_PROFILE,
    PROFILE_NAMES,
    CustomLayoutSpec,
    CustomProfile,
    FlatProfile,
    LayoutProfile,
    NetflixProfile,
    build_profile,
)

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
