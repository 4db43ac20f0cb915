"""Specification: the fs-copy archive provider — an archive folder of its own, every copy proven
by reading it back — over a real folder target holding the primary copies."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.archive.folder import FolderArchive
from rollkeeper.archive.model import ArchiveRoll, ArchiveState, StoredRecord
from rollkeeper.config.sections import ArchiveSettings, TargetSettings
from rollkeeper.transfer.fs_target import FolderTarget

from tests.builders import clip, write_files, xxh64_hex

PREFIX = "show"
KEY = "20261121/Camera_Media/A001R1AB"
FILES = {"A001C001.mov": clip(1, 5000), "A001C002.mov": clip(2, 3000)}


def roll() -> ArchiveRoll:
    records = tuple(
        StoredRecord(path, f"{PREFIX}/{KEY}/{path}", len(data), None, xxh64_hex(data))
        for path, data in FILES.items()
    )
    return ArchiveRoll(KEY, "20261121", "Camera_Media", "A001R1AB", records)


def provider(tmp_path: Path, *, make_copy: bool) -> FolderArchive:
    """Primary copies stored in `nas/`, archived into `lto/` under the prefix `archive`."""
    store = write_files(tmp_path / "nas", {f"{PREFIX}/{KEY}/{p}": d for p, d in FILES.items()})
    (tmp_path / "lto").mkdir()
    settings = ArchiveSettings.model_validate(
        {"provider": "fs-copy", "path": str(tmp_path / "lto"), "prefix": "archive",
         "make_copy": make_copy}
    )  # fmt: skip
    target = TargetSettings.model_validate({"path": str(store), "prefix": PREFIX})
    return FolderArchive(settings, target, FolderTarget(store, "crc64nvme"))


def archived(tmp_path: Path, path: str) -> Path:
    return tmp_path / "lto" / "archive" / KEY / path


def test_a_roll_not_yet_in_the_archive_folder_is_pending(tmp_path: Path) -> None:
    report = provider(tmp_path, make_copy=False).check(roll())
    assert report.state is ArchiveState.PENDING
    assert report.reasons == [f"{p}: not in the archive folder yet" for p in FILES]


def test_with_make_copy_the_copy_is_made_then_proven(tmp_path: Path) -> None:
    report = provider(tmp_path, make_copy=True).check(roll())
    assert report.state is ArchiveState.ARCHIVED
    assert {p: archived(tmp_path, p).read_bytes() for p in FILES} == FILES


def test_a_copy_made_by_someone_else_is_proven_by_reading_it_back(tmp_path: Path) -> None:
    archive = provider(tmp_path, make_copy=False)
    write_files(tmp_path / "lto" / "archive" / KEY, FILES)
    assert archive.check(roll()).state is ArchiveState.ARCHIVED


def test_a_copy_with_other_bytes_fails_and_says_how_it_differs(tmp_path: Path) -> None:
    archive = provider(tmp_path, make_copy=False)
    write_files(tmp_path / "lto" / "archive" / KEY, {**FILES, "A001C002.mov": b"corrupted"})
    report = archive.check(roll())
    assert report.state is ArchiveState.FAILED
    assert report.objects[f"{PREFIX}/{KEY}/A001C001.mov"] is ArchiveState.ARCHIVED
    (reason,) = report.reasons
    assert reason == (
        f"A001C002.mov: archive copy differs: 9 bytes, xxh64 {xxh64_hex(b'corrupted')} "
        f"(uploaded: 3000 bytes, xxh64 {xxh64_hex(FILES['A001C002.mov'])})"
    )


def test_an_archive_folder_that_is_not_mounted_leaves_the_roll_pending(tmp_path: Path) -> None:
    archive = provider(tmp_path, make_copy=True)
    (tmp_path / "lto").rmdir()
    report = archive.check(roll())
    assert report.state is ArchiveState.PENDING
    assert report.reasons == [f"archive folder {tmp_path / 'lto'} is not mounted"]
    assert not (tmp_path / "lto").exists()
