"""Configured volume paths to the drives mounted now."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.config.sections import VolumeSettings
from rollkeeper.fs.volumes import present_volumes


def settings(path: Path | str, role: str = "rotation", **extra: object) -> VolumeSettings:
    return VolumeSettings.model_validate({"path": str(path), "role": role, **extra})


def test_an_absent_drive_is_simply_not_present(tmp_path: Path) -> None:
    assert present_volumes([settings(tmp_path / "RAID_A", "raid")]) == []


def test_each_glob_match_is_its_own_volume_labelled_by_its_folder(tmp_path: Path) -> None:
    for name in ("SHUTTLE_01", "SHUTTLE_02", "OTHER"):
        (tmp_path / name).mkdir()
    (tmp_path / "SHUTTLE_03").write_text("a file, not a drive")

    found = present_volumes([settings(tmp_path / "SHUTTLE_*")])

    assert [(v.label, v.role) for v in found] == [
        ("SHUTTLE_01", "rotation"),
        ("SHUTTLE_02", "rotation"),
    ]


def test_a_configured_label_names_the_volume(tmp_path: Path) -> None:
    (tmp_path / "raid").mkdir()
    (found,) = present_volumes([settings(tmp_path / "raid", "raid", label="RAID_A")])
    assert found.label == "RAID_A"


def test_two_folders_on_one_filesystem_are_two_distinct_volumes(tmp_path: Path) -> None:
    (tmp_path / "A").mkdir()
    (tmp_path / "B").mkdir()
    first, second = present_volumes(
        [settings(tmp_path / "A", "raid"), settings(tmp_path / "B", "raid")]
    )
    assert (first.fs_uuid, first.subpath) != (second.fs_uuid, second.subpath)


def test_poll_true_forces_polling(tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    (found,) = present_volumes([settings(tmp_path / "share", "raid", poll=True)])
    assert found.poll
