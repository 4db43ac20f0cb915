"""The flat profile: no convention, every folder that holds an MHL is a roll named by its path."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rollkeeper.core.layout.analysis import Rejected, Verdict, analyse, split_folder
from rollkeeper.core.layout.model import LayoutAnalysis, RollIdentity, RollLocation
from rollkeeper.core.layout.shoot_day import calendar_date

_EIGHT_DIGITS = re.compile(r"(?<!\d)\d{8}(?!\d)", re.ASCII)


def _first_shoot_date(parts: Sequence[str]) -> str:
    """The first run of exactly 8 digits in the path that is a real yyyyMMdd date, or ""."""
    for part in parts:
        for match in _EIGHT_DIGITS.finditer(part):
            if calendar_date(match.group()) is not None:
                return match.group()
    return ""


def _flat_verdict(folder: str) -> Verdict:
    if not folder:
        return Rejected(
            (
                "the volume root holds an MHL: the flat profile names a roll by its folder, so "
                "each roll must be in its own folder below the root",
            )
        )
    shoot_day = _first_shoot_date(split_folder(folder))
    return RollLocation(RollIdentity(shoot_day, "", folder), folder)


@dataclass(frozen=True)
class FlatProfile:
    """No convention: every folder that holds an MHL is a roll, named by its path."""

    name: str = field(default="flat", init=False)

    def analyse(self, mhl_folders: Iterable[str]) -> LayoutAnalysis:
        """Rolls and problems for the MHL folders of one volume."""
        return analyse(mhl_folders, _flat_verdict)
