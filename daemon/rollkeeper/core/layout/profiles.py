"""Choosing a layout profile by the name the configuration gives."""

from __future__ import annotations

from rollkeeper.core.layout.custom import CustomProfile
from rollkeeper.core.layout.flat import FlatProfile
from rollkeeper.core.layout.model import DEFAULT_CUSTOM_PATTERN, PROFILE_NAMES, LayoutProfile
from rollkeeper.core.layout.netflix import NetflixProfile
from rollkeeper.core.layout.pattern import CustomLayoutSpec


def build_profile(name: str, custom: CustomLayoutSpec | None = None) -> LayoutProfile:
    """The layout profile called `name` (see PROFILE_NAMES); `custom` configures `custom` and is
    not consulted by the others. ValueError for an unknown name or `custom` without a spec."""
    match name:
        case "netflix":
            return NetflixProfile()
        case "flat":
            return FlatProfile()
        case "custom":
            if custom is None:
                raise ValueError(
                    "layout profile 'custom' needs its settings (a pattern such as "
                    f"{DEFAULT_CUSTOM_PATTERN!r}); see docs/layout.md"
                )
            return CustomProfile(custom)
    known = ", ".join(repr(n) for n in PROFILE_NAMES)
    raise ValueError(f"unknown layout profile {name!r}; the known ones are {known}")
