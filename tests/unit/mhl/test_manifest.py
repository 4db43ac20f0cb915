"""Specification: merging every MHL of a roll folder into one manifest (FORMATS.md §1, §2, §4)."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pytest
import xxhash
from rollkeeper.core.errors import MhlError
from rollkeeper.fs.scan import scan_tree
from rollkeeper.mhl.manifest import load_roll_manifest
from rollkeeper.mhl.model import HashKind, RollManifest, SourceFormat
from rollkeeper.mhl.verify import FileStatus, RollVerdict

from tests.builders import clip, legacy_entry, legacy_mhl, write_files
from tests.verification import only_roll, statuses

A = clip(1, 2000)
B = clip(2, 1500)
B_BEFORE = clip(3, 1500)


def xxh64_element(content: bytes) -> str:
    return f"<xxhash64be>{xxhash.xxh64(content).hexdigest()}</xxhash64be>"


def md5_element(content: bytes) -> str:
    return f"<md5>{hashlib.md5(content, usedforsecurity=False).hexdigest()}</md5>"


def write_legacy(folder: Path, name: str, entries: list[str]) -> Path:
    mhl = folder / name
    mhl.write_text(legacy_mhl(entries), encoding="utf-8")
    return mhl


def asc_history(folder: Path, path: str, content: bytes) -> Path:
    """A one-generation ASC history without chain (kept tiny; chains are tested elsewhere)."""
    history = folder / "ascmhl"
    history.mkdir()
    generation = history / f"0001_{folder.name}_2026-11-21_100000Z.mhl"
    generation.write_text(
        '<hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0"><hashes><hash>'
        f'<path size="{len(content)}">{path}</path>'
        f'<xxh64 action="original">{xxhash.xxh64(content).hexdigest()}</xxh64>'
        "</hash></hashes></hashlist>",
        encoding="utf-8",
    )
    return generation


def manifest_of(roll: Path) -> RollManifest:
    return load_roll_manifest(scan_tree(roll))


@pytest.fixture
def roll(tmp_path: Path) -> Path:
    return write_files(tmp_path / "A001R1AB", {"a.mov": A, "Clip/b.mov": B})


# --- several legacy MHLs in one folder ------------------------------------------------------------


def test_two_mhls_that_disagree_about_a_hash_make_the_roll_invalid_naming_both(
    roll: Path,
) -> None:
    write_legacy(roll, "first.mhl", [legacy_entry("Clip/b.mov", len(B), xxh64_element(B))])
    write_legacy(
        roll,
        "second.mhl",
        [
            legacy_entry("a.mov", len(A), xxh64_element(A)),
            legacy_entry("Clip/b.mov", len(B), xxh64_element(B_BEFORE)),
        ],
    )

    result = only_roll(roll)

    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert "first.mhl and second.mhl disagree about 'Clip/b.mov'" in result.error
    assert "xxh64" in result.error


def test_two_mhls_that_disagree_about_a_size_make_the_roll_invalid(roll: Path) -> None:
    write_legacy(roll, "first.mhl", [legacy_entry("a.mov", len(A), md5_element(A))])
    write_legacy(roll, "second.mhl", [legacy_entry("a.mov", len(A) + 1, md5_element(A))])

    with pytest.raises(
        MhlError, match=rf"disagree about 'a.mov' \(size {len(A)} vs {len(A) + 1}\)"
    ):
        manifest_of(roll)


def test_two_mhls_that_agree_are_merged_and_every_hash_is_checked(roll: Path) -> None:
    first = write_legacy(
        roll,
        "first.mhl",
        [
            legacy_entry("a.mov", len(A), xxh64_element(A)),
            legacy_entry("Clip/b.mov", len(B), xxh64_element(B)),
        ],
    )
    second = write_legacy(roll, "second.mhl", [legacy_entry("Clip/b.mov", len(B), md5_element(B))])

    manifest = manifest_of(roll)

    assert manifest.mhl_files == [first, second]
    assert manifest.formats == {SourceFormat.LEGACY}
    assert set(manifest.entries) == {"a.mov", "Clip/b.mov"}
    assert [h.kind for h in manifest.entries["Clip/b.mov"].hashes] == [HashKind.XXH64, HashKind.MD5]
    result = only_roll(roll)
    assert statuses(result) == {"a.mov": FileStatus.OK, "Clip/b.mov": FileStatus.OK}
    b = next(f for f in result.files if f.path == "Clip/b.mov")
    assert set(b.actual) == {HashKind.XXH64, HashKind.MD5}


def test_a_size_only_entry_and_a_hashed_entry_for_one_file_are_merged(roll: Path) -> None:
    write_legacy(roll, "first.mhl", [legacy_entry("a.mov", len(A), "<null/>")])
    write_legacy(roll, "second.mhl", [legacy_entry("a.mov", len(A), md5_element(A))])
    write_legacy(roll, "third.mhl", [legacy_entry("Clip/b.mov", len(B), md5_element(B))])

    entry = manifest_of(roll).entries["a.mov"]

    assert entry.size == len(A)
    assert [h.kind for h in entry.hashes] == [HashKind.MD5]


def test_mhls_that_spell_a_name_in_nfc_and_nfd_describe_the_same_file(roll: Path) -> None:
    name = "Café.mov"
    (roll / name).write_bytes(B)
    nfd = unicodedata.normalize("NFD", name)
    write_legacy(roll, "first.mhl", [legacy_entry(name, len(B), xxh64_element(B))])
    write_legacy(
        roll,
        "second.mhl",
        [
            legacy_entry(nfd, len(B), md5_element(B)),
            legacy_entry("a.mov", len(A), md5_element(A)),
            legacy_entry("Clip/b.mov", len(B), md5_element(B)),
        ],
    )

    result = only_roll(roll)

    assert statuses(result) == {
        name: FileStatus.OK,
        "a.mov": FileStatus.OK,
        "Clip/b.mov": FileStatus.OK,
    }


def test_mhl_files_are_never_reported_as_extra(roll: Path) -> None:
    write_legacy(roll, "A001R1AB.MHL", [legacy_entry("a.mov", len(A), md5_element(A))])
    write_legacy(roll / "Clip", "b.mhl", [legacy_entry("b.mov", len(B), md5_element(B))])

    result = only_roll(roll)

    assert statuses(result) == {"a.mov": FileStatus.OK, "Clip/b.mov": FileStatus.OK}
    assert result.verdict is RollVerdict.VERIFIED


def test_an_appledouble_twin_of_an_mhl_is_not_read_as_an_mhl(roll: Path) -> None:
    write_legacy(
        roll,
        "A001R1AB.mhl",
        [
            legacy_entry("a.mov", len(A), md5_element(A)),
            legacy_entry("Clip/b.mov", len(B), md5_element(B)),
        ],
    )
    (roll / "._A001R1AB.mhl").write_bytes(b"\x00\x05\x16\x07 not xml")

    result = only_roll(roll)

    assert result.verdict is RollVerdict.VERIFIED
    assert statuses(result)["._A001R1AB.mhl"] is FileStatus.IGNORED


# --- nested folders and mixed formats -------------------------------------------------------------


def test_a_nested_mhl_is_nearer_than_the_roll_mhl_and_wins(roll: Path) -> None:
    write_legacy(
        roll,
        "A001R1AB.mhl",
        [
            legacy_entry("a.mov", len(A), md5_element(A)),
            legacy_entry("Clip/b.mov", len(B), md5_element(B_BEFORE)),
        ],
    )
    nested = write_legacy(
        roll / "Clip", "Clip.mhl", [legacy_entry("b.mov", len(B), md5_element(B))]
    )

    manifest = manifest_of(roll)

    assert manifest.entries["Clip/b.mov"].mhl_file == nested
    assert only_roll(roll).verdict is RollVerdict.VERIFIED


def test_a_legacy_mhl_and_an_asc_history_that_agree_are_merged(roll: Path) -> None:
    write_legacy(
        roll,
        "A001R1AB.mhl",
        [
            legacy_entry("a.mov", len(A), md5_element(A)),
            legacy_entry("Clip/b.mov", len(B), md5_element(B)),
        ],
    )
    asc_history(roll, "a.mov", A)

    manifest = manifest_of(roll)

    assert manifest.formats == {SourceFormat.LEGACY, SourceFormat.ASC}
    assert {h.kind for h in manifest.entries["a.mov"].hashes} == {HashKind.MD5, HashKind.XXH64}
    assert only_roll(roll).verdict is RollVerdict.VERIFIED


def test_a_legacy_mhl_and_an_asc_history_that_disagree_make_the_roll_invalid(
    roll: Path,
) -> None:
    write_legacy(roll, "A001R1AB.mhl", [legacy_entry("Clip/b.mov", len(B), xxh64_element(B))])
    generation = asc_history(roll, "Clip/b.mov", B_BEFORE)

    result = only_roll(roll)

    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert f"A001R1AB.mhl and {generation.name} disagree about 'Clip/b.mov'" in result.error


def test_a_folder_without_any_mhl_has_no_manifest(roll: Path) -> None:
    with pytest.raises(MhlError, match="holds no MHL"):
        manifest_of(roll)
