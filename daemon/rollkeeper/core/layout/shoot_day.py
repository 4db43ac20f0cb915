"""Shoot day folder names `yyyyMMdd[_EP###][_Day##][_Unit]`: their fields, and bad dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rollkeeper.core.layout.analysis import quoted


@dataclass(frozen=True)
class ShootDayName:
    """The fields of a shoot day folder name `yyyyMMdd[_EP###][_Day##][_Unit]`."""

    shoot_date: date
    episode: str | None = None
    day: str | None = None
    unit: str | None = None


_EPISODE_FIELD = re.compile(r"EP\d{3}|Block\d{2}|B\d{2}|BK\d", re.ASCII)
_DAY_FIELD = re.compile(r"Day\d{2,3}|D\d{2,3}|\d{2}", re.ASCII)


def parse_shoot_day_name(name: str) -> ShootDayName:
    """Read a Netflix shoot day folder name; ValueError says what is wrong and how to spell it."""
    problem = shoot_date_problem(name)
    shoot_date = calendar_date(name[:8]) if problem is None else None
    if shoot_date is None:
        raise ValueError(problem)
    fields = name[9:].split("_") if name[8:9] == "_" else []
    episode = day = None
    if fields and _EPISODE_FIELD.fullmatch(fields[0]):
        episode = fields.pop(0)
    if fields and _DAY_FIELD.fullmatch(fields[0]):
        day = fields.pop(0)
    unit = "_".join(fields) or None
    return ShootDayName(shoot_date, episode, day, unit)


def leading_digits(name: str) -> int:
    """How many ASCII digits `name` starts with."""
    return len(name) - len(name.lstrip("0123456789"))


def calendar_date(digits: str) -> date | None:
    """The date spelled `yyyyMMdd`, or None when no such day exists."""
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _why_not_a_date(digits: str) -> str:
    year, month = int(digits[:4]), int(digits[4:6])
    if year == 0:
        return "year 0000 does not exist"
    if not 1 <= month <= 12:
        return f"month {digits[4:6]} does not exist"
    return f"{digits[:4]}-{digits[4:6]} has no day {digits[6:8]}"


def _reordered_date_hint(digits: str) -> str:
    """A suggestion when 8 digits that are no yyyyMMdd date read as ddMMyyyy or MMddyyyy."""
    readings = {
        calendar_date(digits[4:] + digits[2:4] + digits[:2]),  # ddMMyyyy
        calendar_date(digits[4:] + digits[:2] + digits[2:4]),  # MMddyyyy
    }
    spellings = sorted(d.strftime("%Y%m%d") for d in readings if d and 1900 <= d.year <= 2099)
    if not spellings:
        return ""
    return f"; if it is written day or month first, use yyyyMMdd: {' or '.join(spellings)}"


def shoot_date_problem(name: str) -> str | None:
    """Why a shoot day folder name does not start with a real `yyyyMMdd` date, or None."""
    digits = name[: leading_digits(name)]
    shown = quoted(name)
    if len(digits) == 8:
        if calendar_date(digits) is not None:
            return None
        return (
            f"shoot day folder {shown} starts with {digits}, which is not a real calendar date "
            f"({_why_not_a_date(digits)}); the name must start with the shoot date as yyyyMMdd"
            f"{_reordered_date_hint(digits)}"
        )
    if len(digits) == 6:
        candidate = "20" + digits
        if calendar_date(candidate) is not None:
            return (
                f"shoot day folder {shown} has a 6-digit date (yyMMdd); "
                f"use yyyyMMdd: {candidate} (rename it to '{candidate}{name[6:]}')"
            )
        return (
            f"shoot day folder {shown} starts with 6 digits that are not a yyMMdd date either; "
            f"the name must start with the shoot date as yyyyMMdd (e.g. 20261121)"
        )
    if digits:
        return (
            f"shoot day folder {shown} starts with {len(digits)} digits; the shoot date is "
            f"exactly 8 (yyyyMMdd, e.g. 20261121)"
        )
    return (
        f"{shown} is not a shoot day folder: its name must start with the shoot date as "
        f"yyyyMMdd (e.g. 20261121_Day01)"
    )
