"""Folder-layout profiles: which MHL-holding folders of a volume are rolls, and what each is called.

A profile turns the folders that directly hold an MHL (`TreeScan.mhl_folders`) into roll
identities (shoot day, media type, roll) or into layout problems that name the folder, the rule
and the fix. Everything here is pure: plain strings in, plain data out, no file system access.
The user documentation of the profiles and the custom pattern language is docs/layout.md.
"""

from __future__ import annotations

from rollkeeper.core.layout.custom import CustomProfile
from rollkeeper.core.layout.flat import FlatProfile
from rollkeeper.core.layout.model import (
    CAMERA_MEDIA,
    DEFAULT_CUSTOM_PATTERN,
    DEFAULT_PROFILE,
    DEFAULT_SHOOT_DAY_REGEX,
    LEGAL_NAME_CHARACTERS,
    PROFILE_NAMES,
    REPORTS,
    SOUND_MEDIA,
    LayoutAnalysis,
    LayoutProblem,
    LayoutProfile,
    RollIdentity,
    RollLocation,
)
from rollkeeper.core.layout.netflix import NetflixProfile
from rollkeeper.core.layout.pattern import CustomLayoutSpec
from rollkeeper.core.layout.profiles import build_profile
from rollkeeper.core.layout.shoot_day import ShootDayName, parse_shoot_day_name

__all__ = [
    "CAMERA_MEDIA",
    "DEFAULT_CUSTOM_PATTERN",
    "DEFAULT_PROFILE",
    "DEFAULT_SHOOT_DAY_REGEX",
    "LEGAL_NAME_CHARACTERS",
    "PROFILE_NAMES",
    "REPORTS",
    "SOUND_MEDIA",
    "CustomLayoutSpec",
    "CustomProfile",
    "FlatProfile",
    "LayoutAnalysis",
    "LayoutProblem",
    "LayoutProfile",
    "NetflixProfile",
    "RollIdentity",
    "RollLocation",
    "ShootDayName",
    "build_profile",
    "parse_shoot_day_name",
]
