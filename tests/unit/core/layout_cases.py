"""Shared ways of running the layout profiles over a volume's MHL folders, for the layout tests."""

from __future__ import annotations

from rollkeeper.core.layout import (
    CAMERA_MEDIA,
    SOUND_MEDIA,
    CustomLayoutSpec,
    CustomProfile,
    FlatProfile,
    LayoutAnalysis,
    LayoutProblem,
    NetflixProfile,
    RollLocation,
)

DAY = "20261121_Day01"


def netflix(*folders: str) -> LayoutAnalysis:
    return NetflixProfile().analyse(folders)


def flat(*folders: str) -> LayoutAnalysis:
    return FlatProfile().analyse(folders)


CAM_SND = {"CAM": CAMERA_MEDIA, "SND": SOUND_MEDIA}


def custom(*folders: str, **settings: object) -> LayoutAnalysis:
    spec = CustomLayoutSpec(**settings)  # type: ignore[arg-type]
    return CustomProfile(spec).analyse(folders)


def only_roll(analysis: LayoutAnalysis) -> RollLocation:
    assert analysis.errors == ()
    assert len(analysis.rolls) == 1
    return analysis.rolls[0]


def only_problem(analysis: LayoutAnalysis) -> LayoutProblem:
    assert analysis.rolls == ()
    assert len(analysis.problems) == 1
    return analysis.problems[0]


def messages(analysis: LayoutAnalysis, folder: str) -> list[str]:
    return [p.message for p in analysis.problems if p.folder == folder]
