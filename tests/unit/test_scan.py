"""Specification: one walk over a folder tree, never following links, never fatal.

`daemon.scan.scan_tree` is the inventory verification starts from: every regular file with its
size, symlinks recorded but not followed, roll folders (those holding an MHL) noted, and a folder
it cannot enter reported rather than raised.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from daemon.scan import (
    FileInfo,
    TreeScan,
    display_path,
    is_mhl_file_name,
    is_utf8_name,
    scan_tree,
)
from tests.builders import write_files

LATIN1_NAME = os.fsdecode(b"caf\xe9.mov")  # a name written by a Latin-1 system


def test_every_regular_file_is_listed_by_slash_path_with_its_size(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.mov": b"12345", "CLIP/b.mov": b"123", "CLIP/SUB/c.wav": b""})
    scan = scan_tree(tmp_path)
    assert {path: info.size for path, info in scan.files.items()} == {
        "a.mov": 5,
        "CLIP/b.mov": 3,
        "CLIP/SUB/c.wav": 0,
    }
    assert scan.errors == {}


def test_file_identity_is_recorded_for_change_detection(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.mov": b"12345"})
    info = scan_tree(tmp_path).files["a.mov"]
    on_disk = (tmp_path / "a.mov").stat()
    assert (info.inode, info.mtime_ns, info.is_symlink) == (
        on_disk.st_ino,
        on_disk.st_mtime_ns,
        False,
    )


def test_hidden_and_system_files_are_listed_for_verification_to_judge(tmp_path: Path) -> None:
    write_files(tmp_path, {".DS_Store": b"x", "._a.mov": b"x", ".Spotlight-V100/Store": b"x"})
    assert set(scan_tree(tmp_path).files) == {".DS_Store", "._a.mov", ".Spotlight-V100/Store"}


def test_an_empty_folder_lists_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    scan = scan_tree(tmp_path)
    assert (scan.files, scan.mhl_folders, scan.errors) == ({}, set(), {})


# --- roll folders ---------------------------------------------------------------------------------


def test_a_folder_holding_a_legacy_mhl_is_a_roll_folder(tmp_path: Path) -> None:
    write_files(tmp_path, {"A001/A001.mhl": b"", "A001/CLIP/x.mov": b"", "S001/s.MHL": b""})
    assert scan_tree(tmp_path).mhl_folders == {"A001", "S001"}


def test_the_scanned_folder_itself_is_the_empty_roll_path(tmp_path: Path) -> None:
    write_files(tmp_path, {"A001.mhl": b""})
    assert scan_tree(tmp_path).mhl_folders == {""}


def test_an_appledouble_twin_of_an_mhl_is_not_an_mhl(tmp_path: Path) -> None:
    write_files(tmp_path, {"A001/._A001.mhl": b""})
    assert scan_tree(tmp_path).mhl_folders == set()
    assert not is_mhl_file_name("._A001.mhl")
    assert is_mhl_file_name("A001_2026-11-21_100000.MHL")


def test_an_ascmhl_history_marks_its_folder_and_is_not_listed_as_files(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"A001/ascmhl/0001_A001.mhl": b"", "A001/ascmhl/ascmhl_chain.xml": b"", "A001/x.mov": b""},
    )
    scan = scan_tree(tmp_path)
    assert scan.mhl_folders == {"A001"}
    assert set(scan.files) == {"A001/x.mov"}


# --- links and special files ----------------------------------------------------------------------


def test_a_symlink_to_a_file_is_listed_as_a_link_and_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"x" * 1000)
    (tmp_path / "roll").mkdir()
    (tmp_path / "roll" / "a.mov").symlink_to(outside)
    info = scan_tree(tmp_path / "roll").files["a.mov"]
    assert info.is_symlink
    assert info.size == os.lstat(tmp_path / "roll" / "a.mov").st_size != 1000


def test_a_symlink_to_a_folder_is_recorded_and_not_entered(tmp_path: Path) -> None:
    write_files(tmp_path, {"elsewhere/secret.mov": b"x"})
    (tmp_path / "roll").mkdir()
    (tmp_path / "roll" / "CLIP").symlink_to(tmp_path / "elsewhere")
    scan = scan_tree(tmp_path / "roll")
    assert scan.linked_dirs == {"CLIP"}
    assert scan.files == {}


@pytest.mark.timeout(20)
def test_a_symlink_cycle_is_not_followed_and_the_walk_ends(tmp_path: Path) -> None:
    write_files(tmp_path, {"CLIP/a.mov": b"x"})
    (tmp_path / "CLIP" / "up").symlink_to("..")
    scan = scan_tree(tmp_path)
    assert set(scan.files) == {"CLIP/a.mov"}
    assert scan.linked_dirs == {"CLIP/up"}


@pytest.mark.timeout(20)
def test_a_link_to_itself_is_listed_as_a_link_without_error(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    scan = scan_tree(tmp_path)
    assert scan.files["loop"].is_symlink
    assert scan.errors == {}


def test_a_fifo_is_special_and_never_a_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.mov")
    scan = scan_tree(tmp_path)
    assert scan.special == {"pipe.mov"}
    assert scan.files == {}


# --- names ----------------------------------------------------------------------------------------


def test_a_name_that_is_not_utf8_is_listed_and_flagged(tmp_path: Path) -> None:
    try:
        (tmp_path / LATIN1_NAME).write_bytes(b"abc")
    except OSError as err:
        pytest.skip(f"this filesystem refuses names that are not UTF-8 ({err.strerror})")
    scan = scan_tree(tmp_path)
    assert scan.files[LATIN1_NAME].size == 3
    assert not is_utf8_name(LATIN1_NAME)
    assert is_utf8_name("café.mov")


def test_display_path_shows_undecodable_bytes_as_escapes() -> None:
    assert display_path(LATIN1_NAME) == "caf\\xe9.mov"
    json.dumps(display_path(LATIN1_NAME)).encode("utf-8")  # encodable everywhere


def test_display_path_leaves_valid_unicode_alone() -> None:
    assert display_path(Path("Kamera/café ü.mov")) == "Kamera/café ü.mov"


# --- what cannot be read --------------------------------------------------------------------------


def test_a_root_that_is_not_a_folder_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "file.mov").write_bytes(b"x")
    scan = scan_tree(tmp_path / "file.mov")
    assert scan.errors == {"": "Not a directory"}


def test_a_missing_root_is_reported_not_raised(tmp_path: Path) -> None:
    assert scan_tree(tmp_path / "gone").errors == {"": "No such file or directory"}


_SCAN_AND_PRINT = (
    "import json, sys; from pathlib import Path; from daemon.scan import scan_tree; "
    "s = scan_tree(Path(sys.argv[1])); print(json.dumps({'files': sorted(s.files), "
    "'errors': s.errors}))"
)


def without_root_privileges(argv: list[str]) -> list[str]:
    """`argv` run so that file permissions apply, even when the tests run as root."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: permissions never bite")
    # root keeps its uid but loses the capabilities that bypass file permission checks
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--", *argv]


def test_a_folder_that_cannot_be_entered_is_reported_and_the_walk_goes_on(tmp_path: Path) -> None:
    write_files(tmp_path, {"locked/a.mov": b"x", "open/b.mov": b"y"})
    (tmp_path / "locked").chmod(0)
    try:
        completed = subprocess.run(
            without_root_privileges([sys.executable, "-c", _SCAN_AND_PRINT, str(tmp_path)]),
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parents[2],
        )
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert json.loads(completed.stdout) == {
        "files": ["open/b.mov"],
        "errors": {"locked": "Permission denied"},
    }


# --- part of a scan -------------------------------------------------------------------------------


def test_under_re_roots_every_part_of_the_scan_at_a_subfolder() -> None:
    scan = TreeScan(
        root=Path("/vol"),
        files={
            "DAY/A001/a.mov": FileInfo(size=1, mtime_ns=0, inode=1),
            "DAY/A001/A001.mhl": FileInfo(size=2, mtime_ns=0, inode=2),
            "DAY/A0010/b.mov": FileInfo(size=3, mtime_ns=0, inode=3),
            "DAY/c.mov": FileInfo(size=4, mtime_ns=0, inode=4),
        },
        mhl_folders={"DAY/A001", "DAY/A001/NESTED", "DAY/A0010"},
        linked_dirs={"DAY/A001/link", "DAY/A0010/link"},
        special={"DAY/A001/pipe"},
        errors={"DAY/A001/locked": "Permission denied", "DAY/A0010/x": "Permission denied"},
    )
    part = scan.under("DAY/A001")
    assert part.root == Path("/vol/DAY/A001")
    assert set(part.files) == {"a.mov", "A001.mhl"}  # not the sibling A0010 sharing the prefix
    assert part.mhl_folders == {"", "NESTED"}
    assert part.linked_dirs == {"link"}
    assert part.special == {"pipe"}
    assert part.errors == {"locked": "Permission denied"}


def test_under_the_empty_folder_is_the_scan_itself(tmp_path: Path) -> None:
    scan = scan_tree(tmp_path)
    assert scan.under("") is scan
