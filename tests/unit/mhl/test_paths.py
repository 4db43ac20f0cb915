"""Specification: a path written inside an MHL becomes a safe roll-relative path, or is refused.

FORMATS.md §1: `file` is relative to the folder holding the MHL; Windows tools wrote `\\`; a path
that is absolute or climbs out of the folder is hostile input. ASC MHL paths are POSIX.
"""

from __future__ import annotations

import pytest
from rollkeeper.mhl.paths import HostilePathError, safe_relative_path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A001C001.mov", "A001C001.mov"),
        ("CLIP/A001C001.mov", "CLIP/A001C001.mov"),
        ("./CLIP/./A001C001.mov", "CLIP/A001C001.mov"),
        ("CLIP//A001C001.mov", "CLIP/A001C001.mov"),
        ("  CLIP/A001C001.mov\n", "CLIP/A001C001.mov"),
        ("CLIP/", "CLIP"),
    ],
)
def test_a_relative_path_is_normalised_to_slash_separated_parts(raw: str, expected: str) -> None:
    assert safe_relative_path(raw, windows_separators=False) == expected


def test_legacy_backslash_separators_become_slashes() -> None:
    assert safe_relative_path("CLIP\\A001C001.mov", windows_separators=True) == "CLIP/A001C001.mov"


def test_an_asc_path_keeps_a_backslash_as_part_of_the_name() -> None:
    assert safe_relative_path("odd\\name.mov", windows_separators=False) == "odd\\name.mov"


def test_a_name_that_merely_starts_with_two_dots_is_not_climbing() -> None:
    assert safe_relative_path("..clip.mov", windows_separators=True) == "..clip.mov"


@pytest.mark.parametrize("raw", ["/etc/passwd", "/Volumes/RAID/A001/clip.mov"])
def test_an_absolute_posix_path_is_refused(raw: str) -> None:
    with pytest.raises(HostilePathError, match="is absolute"):
        safe_relative_path(raw, windows_separators=False)


@pytest.mark.parametrize("raw", ["C:\\Windows\\win.ini", "c:/x.mov", "\\\\server\\share\\x.mov"])
def test_a_windows_drive_or_unc_path_is_refused_as_absolute(raw: str) -> None:
    with pytest.raises(HostilePathError, match="is absolute"):
        safe_relative_path(raw, windows_separators=True)


def test_a_leading_backslash_is_absolute_once_separators_are_converted() -> None:
    with pytest.raises(HostilePathError, match="is absolute"):
        safe_relative_path("\\etc\\passwd", windows_separators=True)


@pytest.mark.parametrize(
    "raw", ["../secret.txt", "CLIP/../../secret.txt", "CLIP/..", "..", "a/./../../b"]
)
def test_a_path_with_dot_dot_is_refused_even_if_it_would_land_inside(raw: str) -> None:
    with pytest.raises(HostilePathError, match=r"climbs out of the folder with '\.\.'"):
        safe_relative_path(raw, windows_separators=False)


def test_dot_dot_hidden_behind_windows_separators_is_refused() -> None:
    with pytest.raises(HostilePathError, match="climbs out"):
        safe_relative_path("CLIP\\..\\..\\secret.txt", windows_separators=True)


@pytest.mark.parametrize("raw", ["clip\x00.mov", "\x00", "CLIP/\x00/../x"])
def test_a_nul_byte_is_refused_before_anything_else(raw: str) -> None:
    with pytest.raises(HostilePathError, match="NUL byte"):
        safe_relative_path(raw, windows_separators=True)


@pytest.mark.parametrize("raw", ["", "   ", "\n"])
def test_an_empty_path_is_refused(raw: str) -> None:
    with pytest.raises(HostilePathError, match="empty path"):
        safe_relative_path(raw, windows_separators=False)


@pytest.mark.parametrize("raw", [".", "./", "./."])
def test_a_path_naming_only_the_folder_itself_is_refused(raw: str) -> None:
    with pytest.raises(HostilePathError, match="names no file"):
        safe_relative_path(raw, windows_separators=False)


def test_the_refusal_quotes_the_path_as_written() -> None:
    with pytest.raises(HostilePathError) as caught:
        safe_relative_path("CLIP\\..\\x.mov", windows_separators=True)
    assert "'CLIP\\\\..\\\\x.mov'" in str(caught.value)
