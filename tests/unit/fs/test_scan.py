"""Specification: one walk over a folder tree, never following links, never fatal.

`fs.scan.scan_tree` is the inventory verification starts from: every regular file with its
size, symlinks recorded but not followed, roll folders (those holding an MHL) noted, and a folder
it cannot enter reported rather than raised.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rollkeeper.core.files import FileInfo, display_path, is_mhl_file_name, is_utf8_name
from rollkeeper.core.layout import build_profile
from rollkeeper.fs.scan import TreeScan, scan_tree
from rollkeeper.fs.volume_scan import VolumeScan, rolls_to_trust, unaccounted

from tests.builders import without_root_privileges, write_files

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
    "import json, sys; from pathlib import Path; from rollkeeper.fs.scan import scan_tree; "
    "s = scan_tree(Path(sys.argv[1])); print(json.dumps({'files': sorted(s.files), "
    "'errors': s.errors}))"
)


def test_a_folder_that_cannot_be_entered_is_reported_and_the_walk_goes_on(tmp_path: Path) -> None:
    write_files(tmp_path, {"locked/a.mov": b"x", "open/b.mov": b"y"})
    (tmp_path / "locked").chmod(0)
    try:
        completed = subprocess.run(
            without_root_privileges([sys.executable, "-c", _SCAN_AND_PRINT, str(tmp_path)]),
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parents[3],
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


def test_partition_keeps_what_lies_in_no_folder_as_the_rest(tmp_path: Path) -> None:
    write_files(
        tmp_path, {"DAY/A001/a.mov": b"1", "DAY/A001/A001.mhl": b"2", "DAY/notes.txt": b"3"}
    )
    parts, rest = scan_tree(tmp_path).partition(["DAY/A001"])
    assert set(parts["DAY/A001"].files) == {"a.mov", "A001.mhl"}
    assert set(rest.files) == {"DAY/notes.txt"}
    assert rest.folders == {"DAY"}
    assert rest.root == tmp_path


def test_a_walk_under_a_subfolder_keeps_paths_relative_to_the_root(tmp_path: Path) -> None:
    write_files(tmp_path, {"DAY/A001/a.mov": b"1", "DAY/A001/A001.mhl": b"2", "other.mov": b"3"})
    scan = scan_tree(tmp_path, "DAY/A001")
    assert set(scan.files) == {"DAY/A001/a.mov", "DAY/A001/A001.mhl"}
    assert scan.mhl_folders == {"DAY/A001"}


@pytest.fixture
def stat_ed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the directory entries the scan stats, in order."""
    log: list[str] = []
    scandir = os.scandir

    class Spy:
        """os.scandir whose entries report every stat they make."""

        def __init__(self, path: str) -> None:
            self._inner = scandir(path)

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *_: object) -> None:
            self._inner.close()

        def __iter__(self) -> Spy:
            return self

        def __next__(self) -> _SpyEntry:
            return _SpyEntry(next(self._inner), log)

    monkeypatch.setattr("rollkeeper.fs.scan.os.scandir", Spy)
    return log


def test_a_folder_is_listed_without_being_stat_ed(tmp_path: Path, stat_ed: list[str]) -> None:
    write_files(tmp_path, {"CLIP/SUB/a.mov": b"1"})
    scan = scan_tree(tmp_path)
    assert set(scan.files) == {"CLIP/SUB/a.mov"}
    assert stat_ed == ["a.mov"]


class _SpyEntry:
    def __init__(self, entry: os.DirEntry[str], log: list[str]) -> None:
        self._entry, self._log = entry, log
        self.name = entry.name

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return self._entry.is_dir(follow_symlinks=follow_symlinks)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return self._entry.is_file(follow_symlinks=follow_symlinks)

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        self._log.append(self.name)
        return self._entry.stat(follow_symlinks=follow_symlinks)

    def inode(self) -> int:
        return self._entry.inode()


# --- walking against what an earlier walk saw (verified rolls) ------------------------------------


def test_a_trusted_file_listed_again_with_its_inode_is_taken_as_it_was_without_a_stat(
    tmp_path: Path, stat_ed: list[str]
) -> None:
    write_files(tmp_path, {"C001/a.mov": b"abc"})
    earlier = scan_tree(tmp_path)
    stat_ed.clear()

    again = scan_tree(tmp_path, trusted=earlier.files)

    assert again.files == earlier.files
    assert again.files["C001/a.mov"] is earlier.files["C001/a.mov"]
    assert stat_ed == []


def test_a_trusted_file_replaced_by_another_inode_is_stat_ed(
    tmp_path: Path, stat_ed: list[str]
) -> None:
    write_files(tmp_path, {"C001/a.mov": b"abc", "C001/b.mov": b"b"})
    earlier = scan_tree(tmp_path)
    (tmp_path / "C001" / "new").write_bytes(b"replaced")
    os.replace(tmp_path / "C001" / "new", tmp_path / "C001" / "a.mov")
    stat_ed.clear()

    again = scan_tree(tmp_path, trusted=earlier.files)

    assert stat_ed == ["a.mov"]
    assert again.files["C001/a.mov"].size == len(b"replaced")


def test_a_new_file_among_trusted_ones_is_stat_ed(tmp_path: Path, stat_ed: list[str]) -> None:
    write_files(tmp_path, {"C001/a.mov": b"abc"})
    earlier = scan_tree(tmp_path)
    write_files(tmp_path, {"C001/b.mov": b"new"})
    stat_ed.clear()

    again = scan_tree(tmp_path, trusted=earlier.files)

    assert stat_ed == ["b.mov"]
    assert set(again.files) == {"C001/a.mov", "C001/b.mov"}


def test_an_mhl_is_stat_ed_even_when_trusted(tmp_path: Path, stat_ed: list[str]) -> None:
    write_files(tmp_path, {"A001.mhl": b"<hashlist/>", "C001/a.mov": b"abc"})
    earlier = scan_tree(tmp_path)
    stat_ed.clear()

    again = scan_tree(tmp_path, trusted=earlier.files)

    assert stat_ed == ["A001.mhl"]
    assert again.mhl_files == {"A001.mhl"}


def test_a_volume_walk_lists_trusted_rolls_and_stats_the_others(
    tmp_path: Path, stat_ed: list[str]
) -> None:
    two_rolls(tmp_path)
    earlier = kept_volume(tmp_path)
    stat_ed.clear()

    trusted = {ROLL_A: earlier.rolls[ROLL_A].files}
    again = VolumeScan.walk(tmp_path, {ROLL_A, ROLL_B}, trusted=trusted)

    assert sorted(stat_ed) == ["A001R1AB.mhl", "A002R1AB.mhl", "b.mov", "report.pdf"]
    assert again == earlier


@pytest.mark.parametrize(
    ("restatted", "trusted"),
    [
        ({"A": 100.0, "B": 200.0, "C": 300.0, "D": 400.0}, {"C", "D"}),  # 2 of 4 due: oldest
        ({"A": 100.0, "B": 200.0, "C": 300.0}, {"B", "C"}),  # a share rounds up: 1 of 3
        ({"B": 200.0, "C": 300.0, "D": 400.0}, {"C", "D"}),  # never stat-ed in full: first
    ],
)
def test_the_longest_unstat_ed_share_of_verified_rolls_is_due_at_each_rescan(
    restatted: dict[str, float], trusted: set[str]
) -> None:
    verified = sorted(restatted.keys() | {"A"})
    assert (
        rolls_to_trust(verified, restatted, 500.0, rescan_interval=300, restat_interval=900)
        == trusted
    )


def test_a_roll_not_stat_ed_for_the_restat_interval_is_due_whatever_the_share() -> None:
    restatted = {"A": 0.0, "B": 1.0, "C": 5000.0}
    assert rolls_to_trust(
        restatted, restatted, 5000.0, rescan_interval=1, restat_interval=3600
    ) == {"C"}


def test_with_restat_interval_no_longer_than_rescan_interval_no_roll_is_trusted() -> None:
    restatted = {"A": 100.0, "B": 200.0}
    trusted = rolls_to_trust(restatted, restatted, 250.0, rescan_interval=300, restat_interval=300)
    assert trusted == set()


# --- a volume kept between scans ------------------------------------------------------------------

DAY = "20261121_Day01"
ROLL_A = f"{DAY}/Camera_Media/A001R1AB"
ROLL_B = f"{DAY}/Camera_Media/A002R1AB"


def netflix_rolls(inventory: VolumeScan) -> set[str]:
    return {r.folder for r in build_profile("netflix").analyse(inventory.mhl_folders()).rolls}


def kept_volume(root: Path) -> VolumeScan:
    """A volume walked once and split into its rolls, as the daemon keeps it."""
    inventory = VolumeScan.walk(root)
    inventory.regroup(netflix_rolls(inventory))
    return inventory


def walked_afresh(root: Path) -> VolumeScan:
    return kept_volume(root)


def two_rolls(root: Path) -> None:
    write_files(
        root,
        {
            f"{ROLL_A}/C001/a.mov": b"a",
            f"{ROLL_A}/A001R1AB.mhl": b"<hashlist/>",
            f"{ROLL_B}/C001/b.mov": b"b",
            f"{ROLL_B}/A002R1AB.mhl": b"<hashlist/>",
            f"{DAY}/Reports/report.pdf": b"r",
        },
    )


def test_a_change_inside_a_roll_is_looked_at_as_the_whole_roll(tmp_path: Path) -> None:
    two_rolls(tmp_path)
    inventory = kept_volume(tmp_path)
    assert inventory.unit_of(f"{ROLL_A}/C001/a.mov") == ROLL_A
    assert inventory.unit_of(ROLL_A) == ROLL_A


def test_an_mhl_outside_every_roll_is_looked_at_with_its_folder(tmp_path: Path) -> None:
    two_rolls(tmp_path)
    inventory = kept_volume(tmp_path)
    assert inventory.unit_of(f"{DAY}/Camera_Media/A003R1AB/A003R1AB.mhl") == (
        f"{DAY}/Camera_Media/A003R1AB"
    )
    assert inventory.unit_of(f"{DAY}/Camera_Media/A003R1AB/ascmhl/0001_x.mhl") == (
        f"{DAY}/Camera_Media/A003R1AB"
    )


def test_any_other_change_outside_the_rolls_is_looked_at_alone(tmp_path: Path) -> None:
    two_rolls(tmp_path)
    inventory = kept_volume(tmp_path)
    assert inventory.unit_of(f"{DAY}/Camera_Media/A003R1AB/C001/c.mov") == (
        f"{DAY}/Camera_Media/A003R1AB/C001/c.mov"
    )
    assert inventory.unit_of("20261122_Day02") == "20261122_Day02"


def test_a_full_walk_walks_each_known_roll_into_its_own_part(tmp_path: Path) -> None:
    two_rolls(tmp_path)
    inventory = VolumeScan.walk(tmp_path, {ROLL_A, ROLL_B})
    assert inventory.regroup({ROLL_A, ROLL_B}) == set()  # nothing left to split
    assert inventory == walked_afresh(tmp_path)


def test_rescanning_one_roll_leaves_the_other_parts_untouched(tmp_path: Path) -> None:
    two_rolls(tmp_path)
    inventory = kept_volume(tmp_path)
    before_b = inventory.rolls[ROLL_B]
    (tmp_path / ROLL_A / "C001" / "a.mov").write_bytes(b"grown")

    inventory.rescan(ROLL_A)
    fresh = inventory.regroup(netflix_rolls(inventory))

    assert fresh == {ROLL_A}
    assert inventory.rolls[ROLL_B] is before_b
    assert inventory.rolls[ROLL_A].files["C001/a.mov"].size == 5


def test_a_folder_that_gains_an_mhl_becomes_a_roll_with_everything_inside_it(
    tmp_path: Path,
) -> None:
    two_rolls(tmp_path)
    inventory = kept_volume(tmp_path)
    new_roll = f"{DAY}/Camera_Media/A003R1AB"
    write_files(tmp_path, {f"{new_roll}/C001/c.mov": b"c"})
    inventory.rescan(inventory.unit_of(new_roll))
    inventory.regroup(netflix_rolls(inventory))
    assert new_roll not in inventory.rolls
    write_files(tmp_path, {f"{new_roll}/A003R1AB.mhl": b"<hashlist/>"})

    inventory.rescan(inventory.unit_of(f"{new_roll}/A003R1AB.mhl"))
    fresh = inventory.regroup(netflix_rolls(inventory))

    assert fresh == {new_roll}
    assert set(inventory.rolls[new_roll].files) == {"C001/c.mov", "A003R1AB.mhl"}
    assert inventory == walked_afresh(tmp_path)


def test_a_roll_whose_mhl_is_deleted_goes_back_to_the_rest(tmp_path: Path) -> None:
    two_rolls(tmp_path)
    inventory = kept_volume(tmp_path)
    (tmp_path / ROLL_A / "A001R1AB.mhl").unlink()

    inventory.rescan(inventory.unit_of(f"{ROLL_A}/A001R1AB.mhl"))
    inventory.regroup(netflix_rolls(inventory))

    assert set(inventory.rolls) == {ROLL_B}
    assert f"{ROLL_A}/C001/a.mov" in inventory.outside.files
    assert inventory == walked_afresh(tmp_path)


def test_a_roll_that_was_a_duplicate_becomes_a_roll_when_its_twin_is_deleted(
    tmp_path: Path,
) -> None:
    two_rolls(tmp_path)
    twin = f"{DAY}/Camera_Media/ALEXA/A001R1AB"  # the same roll name in a format folder
    write_files(tmp_path, {f"{twin}/A001R1AB.mhl": b"<hashlist/>", f"{twin}/C/x.mov": b"x"})
    inventory = kept_volume(tmp_path)
    assert set(inventory.rolls) == {ROLL_B}  # both copies of A001R1AB are layout errors
    shutil.rmtree(tmp_path / twin)

    inventory.rescan(inventory.unit_of(twin))
    fresh = inventory.regroup(netflix_rolls(inventory))

    assert fresh == {ROLL_A}
    assert inventory == walked_afresh(tmp_path)


def test_a_deleted_shoot_day_takes_its_rolls_along(tmp_path: Path) -> None:
    two_rolls(tmp_path)
    inventory = kept_volume(tmp_path)
    shutil.rmtree(tmp_path / DAY)

    inventory.rescan(inventory.unit_of(DAY))
    inventory.regroup(netflix_rolls(inventory))

    assert inventory.rolls == {}
    assert inventory == walked_afresh(tmp_path)


def test_a_renamed_roll_folder_is_gone_at_its_old_place_and_found_at_the_new_one(
    tmp_path: Path,
) -> None:
    two_rolls(tmp_path)
    inventory = kept_volume(tmp_path)
    renamed = f"{DAY}/Camera_Media/A009R1AB"
    (tmp_path / ROLL_A).rename(tmp_path / renamed)

    for path in (ROLL_A, renamed):  # a move is reported at both ends
        inventory.rescan(inventory.unit_of(path))
    inventory.regroup(netflix_rolls(inventory))

    assert set(inventory.rolls) == {renamed, ROLL_B}
    assert inventory == walked_afresh(tmp_path)


def created_folder(root: Path, name: str) -> str:
    """The outermost folder that writing `name` below `root` creates (where the event is)."""
    parts = name.split("/")
    for depth in range(1, len(parts)):
        if not (root / "/".join(parts[:depth])).exists():
            return "/".join(parts[:depth])
    return "/".join(parts[:-1])


def test_changes_looked_at_where_events_point_give_what_a_full_walk_gives(tmp_path: Path) -> None:
    # A seeded random sequence of offload-like changes; after each, only the units of the
    # changed paths are walked again, and the result must equal a fresh walk of the volume.
    two_rolls(tmp_path)
    inventory = kept_volume(tmp_path)
    chance = random.Random(20261121)  # noqa: S311 - a reproducible sequence, not a secret
    folders = [ROLL_A, ROLL_B, f"{DAY}/Camera_Media/A003R1AB", f"{DAY}/Camera_Media", DAY]
    for step in range(60):
        folder = chance.choice(folders)
        action = chance.choice(["write", "grow", "delete", "mhl", "unmhl", "mkdir", "rmtree"])
        changed: list[str] = []
        target = tmp_path / folder
        if action == "write":
            name = f"{folder}/C{step % 3}/f{step}.mov"
            changed += [created_folder(tmp_path, name), name]
            write_files(tmp_path, {name: b"x" * step})
        elif action == "grow":
            present = sorted(p for p in target.rglob("*.mov")) if target.is_dir() else []
            if present:
                with present[0].open("ab") as grown:
                    grown.write(b"more")
                changed.append(present[0].relative_to(tmp_path).as_posix())
        elif action == "delete":
            present = sorted(p for p in target.rglob("*.mov")) if target.is_dir() else []
            if present:
                present[-1].unlink()
                changed.append(present[-1].relative_to(tmp_path).as_posix())
        elif action == "mhl":
            name = f"{folder}/{folder.rsplit('/', 1)[-1]}.mhl"
            changed += [created_folder(tmp_path, name), name]
            write_files(tmp_path, {name: b"<hashlist/>"})
        elif action == "unmhl":
            for mhl in target.glob("*.mhl") if target.is_dir() else []:
                mhl.unlink()
                changed.append(mhl.relative_to(tmp_path).as_posix())
        elif action == "mkdir":
            name = f"{folder}/NEW{step}/deep/n.mov"
            changed.append(created_folder(tmp_path, name))
            write_files(tmp_path, {name: b"n"})
        elif action == "rmtree" and target.is_dir() and folder != DAY:
            shutil.rmtree(target)
            changed.append(folder)
        known = set(inventory.rolls)
        for path in changed:
            inventory.rescan(inventory.unit_of(path))
        inventory.regroup(netflix_rolls(inventory))
        assert inventory == walked_afresh(tmp_path), f"step {step}: {action} in {folder}"
        rewalked = VolumeScan.walk(tmp_path, known)  # the safety net, knowing the old rolls
        rewalked.regroup(netflix_rolls(rewalked))
        assert rewalked == walked_afresh(tmp_path), f"step {step}: full walk"


def test_what_lies_outside_the_rolls_is_found_from_the_rest_alone(tmp_path: Path) -> None:
    two_rolls(tmp_path)
    write_files(
        tmp_path,
        {
            "stray.mov": b"s",
            ".DS_Store": b"h",
            f"{DAY}/Camera_Media/UNKNOWN/deep/x.mov": b"u",
            f"{DAY}/Camera_Media/notes.txt": b"n",
            f"{DAY}/Reports/more/r.pdf": b"r",
        },
    )
    inventory = kept_volume(tmp_path)
    rolls = set(inventory.rolls)
    from_whole_walk = unaccounted(scan_tree(tmp_path), rolls, {"Reports"})

    assert unaccounted(inventory.outside, rolls, {"Reports"}) == from_whole_walk
    assert from_whole_walk == [
        f"{DAY}/Camera_Media/UNKNOWN/",
        f"{DAY}/Camera_Media/notes.txt",
        "stray.mov",
    ]
