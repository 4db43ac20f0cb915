"""The verdicts clearance hands back: a roll's levels, a drive's erase decision and blockers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["none", "cards", "raid"]


@dataclass(frozen=True, slots=True)
class RollVerdict:
    """`reasons`: what keeps the roll from CARDS_CLEAR. `raid_reasons`: what else keeps it from
    RAID_CLEAR (the archive). `cards_clear` is True exactly when `reasons` is empty; `raid_clear`
    exactly when both are."""

    roll_id: str
    cards_clear: bool
    raid_clear: bool
    reasons: tuple[str, ...]
    raid_reasons: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Blocker:
    """One thing that keeps a drive from being erased; `roll_id` None for the drive itself."""

    roll_id: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class DriveVerdict:
    """`level` is the clearance the drive reached: "cards" for a clear rotation drive, "raid" for
    a clear RAID, "none" whenever `clear_to_erase` is False. `clear_to_erase` is True exactly
    when `blocking` is empty."""

    label: str
    role: str
    clear_to_erase: bool
    level: Level
    blocking: tuple[Blocker, ...]
    warnings: tuple[str, ...]
