"""Specification: the verification engine judges every file of every roll below a path.

`mhl.verify.verify_path` finds the rolls (a roll, a shoot day or a whole volume), reads each
listed file once (every hash of an entry from that one read, files in parallel) and gives every
file a status and every roll a verdict. Extras and hidden files never fail a roll.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest
import xxhash
from rollkeeper.core.errors import BadInputError
from rollkeeper.mhl.hashing import CHUNK_SIZE
from rollkeeper.mhl.model import HashKind, SourceFormat
from rollkeeper.mhl.verify import FileStatus, RollVerdict, verify_path

from tests.builders import (
    asc_roll,
    clip,
    legacy_entry,
    legacy_mhl,
    sealed_legacy_roll,
    write_files,
    xxh64_hex,
)
from tests.verification import by_path, only_roll, statuses

CLIPS = {
    "A001C001_261121_R1AB.mov": clip(1, 30_000),
    "A001C002_261121_R1AB.mov": clip(2, 12_345),
    "CLIP/A001C003_261121_R1AB.mov": clip(3, 4_096),
}


def md5_hex(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


def write_legacy(root: Path, entries: list[str], name: str = "A001.mhl") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    mhl = root / name
    mhl.write_text(legacy_mhl(entries), encoding="utf-8")
    return mhl


@pytest.fixture
def roll(tmp_path: Path) -> Path:
    """A camera roll sealed with a legacy xxhash64be MHL, all files intact."""
    root = tmp_path / "A001R1AB"
    sealed_legacy_roll(root, CLIPS)
    return root


# --- file statuses -------------------------------------------------------------------------------


def test_a_roll_whose_files_all_match_is_verified(roll: Path) -> None:
    result = only_roll(roll)
    assert result.verdict is RollVerdict.VERIFIED
    assert statuses(result) == dict.fromkeys(CLIPS, FileStatus.OK)
    assert result.error is None


def test_an_ok_file_reports_its_expected_and_actual_hash_and_size(roll: Path) -> None:
    content = CLIPS["A001C001_261121_R1AB.mov"]
    file = by_path(only_roll(roll))["A001C001_261121_R1AB.mov"]
    assert file.expected == file.actual == {HashKind.XXH64: xxh64_hex(content)}
    assert file.expected_size == file.actual_size == len(content)
    assert file.detail is None
    assert file.disk_name is None


def test_a_file_whose_content_changed_is_a_mismatch_with_both_hashes(roll: Path) -> None:
    changed = bytearray(CLIPS["A001C002_261121_R1AB.mov"])
    changed[5000] ^= 0x01  # one bit, same size
    (roll / "A001C002_261121_R1AB.mov").write_bytes(changed)
    result = only_roll(roll)
    file = by_path(result)["A001C002_261121_R1AB.mov"]
    assert file.status is FileStatus.MISMATCH
    assert file.expected == {HashKind.XXH64: xxh64_hex(CLIPS["A001C002_261121_R1AB.mov"])}
    assert file.actual == {HashKind.XXH64: xxh64_hex(bytes(changed))}
    assert result.verdict is RollVerdict.FAILED


def test_a_file_that_is_gone_is_missing_and_fails_the_roll(roll: Path) -> None:
    (roll / "CLIP" / "A001C003_261121_R1AB.mov").unlink()
    result = only_roll(roll)
    file = by_path(result)["CLIP/A001C003_261121_R1AB.mov"]
    assert (file.status, file.actual_size, file.actual) == (FileStatus.MISSING, None, {})
    assert result.verdict is RollVerdict.FAILED


def test_a_file_of_another_size_is_size_differs_and_is_not_read(roll: Path) -> None:
    with (roll / "A001C001_261121_R1AB.mov").open("ab") as handle:
        handle.write(b"tail")
    result = only_roll(roll)
    file = by_path(result)["A001C001_261121_R1AB.mov"]
    assert file.status is FileStatus.SIZE_DIFFERS
    assert (file.expected_size, file.actual_size) == (30_000, 30_004)
    assert file.actual == {}  # judged by its size alone: no time spent hashing it
    assert result.bytes_hashed == sum(len(c) for c in CLIPS.values()) - 30_000
    assert result.verdict is RollVerdict.FAILED


def test_a_file_no_mhl_lists_is_extra_and_does_not_fail_the_roll(roll: Path) -> None:
    (roll / "CLIP" / "notes.txt").write_bytes(b"focus puller notes")
    result = only_roll(roll)
    file = by_path(result)["CLIP/notes.txt"]
    assert (file.status, file.actual_size, file.detail) == (FileStatus.EXTRA, 18, None)
    assert result.verdict is RollVerdict.VERIFIED


def test_a_listed_file_that_is_a_dangling_symlink_is_unreadable(roll: Path) -> None:
    clip_path = roll / "A001C001_261121_R1AB.mov"
    clip_path.unlink()
    clip_path.symlink_to(roll / "nowhere.mov")
    result = only_roll(roll)
    file = by_path(result)["A001C001_261121_R1AB.mov"]
    assert file.status is FileStatus.UNREADABLE
    assert file.detail == "No such file or directory"
    assert result.verdict is RollVerdict.FAILED


def test_a_symlink_that_stays_inside_the_roll_is_followed_and_verified(roll: Path) -> None:
    original = roll / "CLIP" / "A001C003_261121_R1AB.mov"
    original.rename(roll / "CLIP" / "real.mov")
    original.symlink_to("real.mov")
    result = only_roll(roll)
    assert by_path(result)["CLIP/A001C003_261121_R1AB.mov"].status is FileStatus.OK
    assert result.verdict is RollVerdict.VERIFIED


def test_a_hidden_file_beside_the_media_is_ignored(roll: Path) -> None:
    (roll / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    result = only_roll(roll)
    file = by_path(result)[".DS_Store"]
    assert file.status is FileStatus.IGNORED
    assert file.detail == "hidden or system file"
    assert result.verdict is RollVerdict.VERIFIED


def test_the_mhl_itself_is_neither_extra_nor_ignored(roll: Path) -> None:
    assert all(not f.path.endswith(".mhl") for f in only_roll(roll).files)


def test_files_are_reported_in_mhl_order_then_extras_by_name(tmp_path: Path) -> None:
    files = {"b.mov": b"b", "a.mov": b"a", "c.mov": b"c"}
    root = tmp_path / "A001"
    sealed_legacy_roll(root, files)
    write_files(root, {"z.txt": b"z", "y.txt": b"y"})
    assert [f.path for f in only_roll(root).files] == ["b.mov", "a.mov", "c.mov", "y.txt", "z.txt"]


# --- several hashes, size-only entries, legacy encodings -----------------------------------------


def test_an_entry_with_md5_and_xxhash64be_has_both_verified_from_one_read(tmp_path: Path) -> None:
    content = clip(9, 3 * 1024 * 1024 + 17)
    root = tmp_path / "A001"
    write_files(root, {"a.mov": content})
    write_legacy(
        root,
        [
            legacy_entry(
                "a.mov",
                len(content),
                f"<md5>{md5_hex(content)}</md5><xxhash64be>{xxh64_hex(content)}</xxhash64be>",
            )
        ],
    )
    result = only_roll(root)
    file = by_path(result)["a.mov"]
    assert file.status is FileStatus.OK
    assert file.actual == {HashKind.MD5: md5_hex(content), HashKind.XXH64: xxh64_hex(content)}
    assert result.bytes_hashed == len(content)  # read once, not once per hash


def test_one_wrong_hash_of_two_makes_a_mismatch_and_both_actual_values_are_shown(
    tmp_path: Path,
) -> None:
    content = b"take 4, the good one"
    root = tmp_path / "A001"
    write_files(root, {"a.mov": content})
    wrong_md5 = md5_hex(b"take 3")
    write_legacy(
        root,
        [
            legacy_entry(
                "a.mov",
                len(content),
                f"<md5>{wrong_md5}</md5><xxhash64be>{xxh64_hex(content)}</xxhash64be>",
            )
        ],
    )
    file = by_path(only_roll(root))["a.mov"]
    assert file.status is FileStatus.MISMATCH
    assert file.expected[HashKind.MD5] == wrong_md5
    assert file.actual == {HashKind.MD5: md5_hex(content), HashKind.XXH64: xxh64_hex(content)}


def test_a_size_only_entry_is_checked_by_size_and_never_read(tmp_path: Path) -> None:
    root = tmp_path / "S001"
    write_files(root, {"good.wav": b"12345", "bad.wav": b"123"})
    write_legacy(
        root, [legacy_entry("good.wav", 5, "<null/>"), legacy_entry("bad.wav", 5, "<null/>")]
    )
    result = only_roll(root)
    assert statuses(result) == {"good.wav": FileStatus.OK, "bad.wav": FileStatus.SIZE_DIFFERS}
    assert result.bytes_hashed == 0


def test_legacy_little_endian_xxhash64_and_decimal_xxhash_verify(tmp_path: Path) -> None:
    content = clip(12, 5000)
    little = xxhash.xxh64(content).intdigest().to_bytes(8, "little").hex()
    decimal = f"{xxhash.xxh32(content).intdigest():010d}"
    root = tmp_path / "A001"
    write_files(root, {"le.mov": content, "x32.mov": content})
    write_legacy(
        root,
        [
            legacy_entry("le.mov", len(content), f"<xxhash64>{little}</xxhash64>"),
            legacy_entry("x32.mov", len(content), f"<xxhash>{decimal}</xxhash>"),
        ],
    )
    result = only_roll(root)
    assert statuses(result) == {"le.mov": FileStatus.OK, "x32.mov": FileStatus.OK}


def test_a_windows_path_in_a_legacy_mhl_finds_the_file(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    write_files(root, {"CLIP/a.mov": b"abc"})
    write_legacy(root, [legacy_entry("CLIP\\a.mov", 3, f"<md5>{md5_hex(b'abc')}</md5>")])
    assert statuses(only_roll(root)) == {"CLIP/a.mov": FileStatus.OK}


# --- names ---------------------------------------------------------------------------------------


def test_a_name_stored_nfd_on_disk_matches_its_nfc_spelling_in_the_mhl(tmp_path: Path) -> None:
    root = tmp_path / "S001"
    sealed_legacy_roll(root, {"Szene_caf\u00e9.wav": b"room tone"})
    (root / "Szene_caf\u00e9.wav").rename(root / "Szene_cafe\u0301.wav")
    if "Szene_cafe\u0301.wav" not in os.listdir(root):
        pytest.skip("this filesystem does not keep the NFD spelling it was given")
    file = by_path(only_roll(root))["Szene_caf\u00e9.wav"]
    assert file.status is FileStatus.OK
    assert file.disk_name == "Szene_cafe\u0301.wav"


def test_names_differing_only_in_case_do_not_match(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.MOV": b"x"})
    (root / "A001C001.MOV").rename(root / "a001c001.mov")
    result = only_roll(root)
    assert statuses(result) == {
        "A001C001.MOV": FileStatus.MISSING,
        "a001c001.mov": FileStatus.EXTRA,
    }


# --- ASC MHL -------------------------------------------------------------------------------------


def test_a_roll_with_an_asc_history_is_verified(tmp_path: Path) -> None:
    root = tmp_path / "A002"
    asc_roll(root, {"CLIP/a.mov": b"abc", "b.mov": b"defg"})
    result = only_roll(root)
    assert result.verdict is RollVerdict.VERIFIED
    assert statuses(result) == {"CLIP/a.mov": FileStatus.OK, "b.mov": FileStatus.OK}
    assert result.manifest is not None
    assert result.manifest.formats == {SourceFormat.ASC}
    assert result.manifest.warnings == []


def test_a_file_the_newest_generation_records_as_failed_is_known_bad(tmp_path: Path) -> None:
    root = tmp_path / "A002"
    asc_roll(root, {"a.mov": b"abc", "b.mov": b"defg"}, failed=frozenset({"b.mov"}))
    result = only_roll(root)
    file = by_path(result)["b.mov"]
    assert file.status is FileStatus.KNOWN_BAD
    assert file.detail == "the newest ASC MHL generation records this file as failed"
    assert result.verdict is RollVerdict.FAILED


def test_a_file_matching_the_asc_ignore_list_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "A002"
    asc_roll(root, {"a.mov": b"abc"}, ignore=("*.lrf",))
    (root / "proxy.lrf").write_bytes(b"low-res")
    file = by_path(only_roll(root))["proxy.lrf"]
    assert (file.status, file.detail) == (FileStatus.IGNORED, "matches the ASC MHL ignore list")


# --- which rolls a path holds --------------------------------------------------------------------


def shoot_day(tmp_path: Path) -> Path:
    day = tmp_path / "20261121_EP103_Day05_MU"
    sealed_legacy_roll(day / "Camera_Media" / "ARRI" / "A001R1AB", {"a.mxf": b"a" * 100})
    sealed_legacy_roll(day / "Camera_Media" / "ARRI" / "B001R2CD", {"b.mxf": b"b" * 200})
    sealed_legacy_roll(day / "Sound_Media" / "S001", {"s.wav": b"s" * 300})
    write_files(day, {"Reports/day05.pdf": b"%PDF"})
    return day


def test_a_shoot_day_holds_one_result_per_roll_each_with_its_own_verdict(tmp_path: Path) -> None:
    day = shoot_day(tmp_path)
    (day / "Camera_Media" / "ARRI" / "B001R2CD" / "b.mxf").write_bytes(b"B" * 200)
    results = verify_path(day)
    verdicts = {r.root.relative_to(day).as_posix(): r.verdict for r in results}
    assert verdicts == {
        "Camera_Media/ARRI/A001R1AB": RollVerdict.VERIFIED,
        "Camera_Media/ARRI/B001R2CD": RollVerdict.FAILED,
        "Sound_Media/S001": RollVerdict.VERIFIED,
    }


def test_each_roll_counts_only_its_own_files_and_bytes(tmp_path: Path) -> None:
    results = verify_path(shoot_day(tmp_path))
    assert sorted((r.root.name, [f.path for f in r.files], r.bytes_hashed) for r in results) == [
        ("A001R1AB", ["a.mxf"], 100),
        ("B001R2CD", ["b.mxf"], 200),
        ("S001", ["s.wav"], 300),
    ]


def test_a_whole_volume_finds_every_roll_of_every_day(tmp_path: Path) -> None:
    volume = tmp_path / "RAID"
    sealed_legacy_roll(volume / "20261120_Day04" / "Sound_Media" / "S001", {"s.wav": b"1"})
    sealed_legacy_roll(volume / "20261121_Day05" / "Camera_Media" / "A001R1AB", {"a.mxf": b"2"})
    results = verify_path(volume)
    assert sorted(r.root.relative_to(volume).as_posix() for r in results) == [
        "20261120_Day04/Sound_Media/S001",
        "20261121_Day05/Camera_Media/A001R1AB",
    ]
    assert {r.verdict for r in results} == {RollVerdict.VERIFIED}


def test_an_mhl_in_a_subfolder_of_a_roll_belongs_to_that_roll(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"a.mov": b"a"})
    sealed_legacy_roll(root / "CARD2", {"b.mov": b"b"})
    result = only_roll(root)
    assert result.root == root
    assert statuses(result) == {"a.mov": FileStatus.OK, "CARD2/b.mov": FileStatus.OK}


def test_a_roll_copy_in_the_volume_trash_is_not_a_roll(tmp_path: Path) -> None:
    volume = tmp_path / "RAID"
    sealed_legacy_roll(volume / "A001", {"a.mov": b"a"})
    trashed = volume / ".Trashes" / "501" / "A000"
    sealed_legacy_roll(trashed, {"old.mov": b"o"})
    (trashed / "old.mov").unlink()
    results = verify_path(volume)
    assert [r.root for r in results] == [volume / "A001"]
    assert results[0].verdict is RollVerdict.VERIFIED


def test_the_path_of_the_mhl_file_verifies_its_roll(roll: Path) -> None:
    mhl = next(roll.glob("*.mhl"))
    assert only_roll(mhl).root == roll


def test_a_path_that_does_not_exist_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no such file or folder"):
        verify_path(tmp_path / "A009")


def test_a_folder_without_any_mhl_is_bad_input(tmp_path: Path) -> None:
    write_files(tmp_path, {"A001/a.mov": b"x"})
    with pytest.raises(BadInputError, match="no MHL found here or below"):
        verify_path(tmp_path)


def test_an_unreadable_mhl_makes_only_its_own_roll_invalid(tmp_path: Path) -> None:
    sealed_legacy_roll(tmp_path / "A001", {"a.mov": b"a"})
    write_files(tmp_path, {"B001/b.mov": b"b", "B001/B001.mhl": b"<hashlist>"})
    results = {r.root.name: r for r in verify_path(tmp_path)}
    assert results["A001"].verdict is RollVerdict.VERIFIED
    invalid = results["B001"]
    assert invalid.verdict is RollVerdict.INVALID
    assert invalid.error is not None
    assert "B001.mhl: is not well-formed XML" in invalid.error
    assert invalid.files == []


# --- parallel hashing and progress ---------------------------------------------------------------


def test_hashing_on_several_threads_gives_the_same_results_as_on_one(tmp_path: Path) -> None:
    files = {f"CLIP/A001C{n:03d}.mov": clip(n, 1000 + 997 * n) for n in range(24)}
    root = tmp_path / "A001"
    sealed_legacy_roll(root, files)
    for broken in ("CLIP/A001C003.mov", "CLIP/A001C017.mov"):
        damaged = bytearray(files[broken])
        damaged[0] ^= 0xFF
        (root / broken).write_bytes(damaged)

    def summary(jobs: int) -> list[tuple[str, FileStatus, dict[HashKind, str]]]:
        result = only_roll(root, jobs=jobs)
        return [(f.path, f.status, f.actual) for f in result.files]

    serial = summary(1)
    assert summary(8) == serial
    mismatched = [path for path, status, _actual in serial if status is FileStatus.MISMATCH]
    assert mismatched == ["CLIP/A001C003.mov", "CLIP/A001C017.mov"]


class RecordingProgress:
    """A Progress that writes down every call (from whichever thread makes it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[tuple[str, str | int | tuple[int, int]]] = []

    def begin(self, total_bytes: int, total_files: int) -> None:
        with self.lock:
            self.calls.append(("begin", (total_bytes, total_files)))

    def file_started(self, path: str) -> None:
        with self.lock:
            self.calls.append(("file", path))

    def advance(self, count: int) -> None:
        with self.lock:
            self.calls.append(("advance", count))

    def end(self) -> None:
        with self.lock:
            self.calls.append(("end", 0))

    def bytes_per_file(self) -> dict[str, int]:
        """Bytes advanced after each file started (exact when one thread hashes)."""
        totals: dict[str, int] = {}
        current = ""
        for kind, value in self.calls:
            if kind == "file":
                assert isinstance(value, str)
                current = value
                totals[current] = 0
            elif kind == "advance":
                assert isinstance(value, int)
                totals[current] += value
        return totals


def test_progress_is_told_exactly_each_files_byte_count(tmp_path: Path) -> None:
    files = {"big.mov": clip(1, 2 * CHUNK_SIZE + 123), "small.mov": b"12345", "empty.mov": b""}
    root = tmp_path / "A001"
    sealed_legacy_roll(root, files)
    progress = RecordingProgress()
    verify_path(root, jobs=1, progress=progress)
    assert progress.calls[0] == ("begin", (2 * CHUNK_SIZE + 128, 3))
    assert progress.calls[-1] == ("end", 0)
    assert progress.bytes_per_file() == {path: len(c) for path, c in files.items()}


def test_progress_totals_match_across_threads(tmp_path: Path) -> None:
    files = {f"c{n}.mov": clip(n, 5000 * n) for n in range(1, 9)}
    root = tmp_path / "A001"
    sealed_legacy_roll(root, files)
    progress = RecordingProgress()
    result = verify_path(root, jobs=4, progress=progress)[0]
    advanced = sum(v for k, v in progress.calls if k == "advance" and isinstance(v, int))
    assert advanced == result.bytes_hashed == sum(len(c) for c in files.values())
    assert sorted(v for k, v in progress.calls if k == "file") == sorted(files)


def test_files_that_need_no_reading_are_not_announced_to_progress(roll: Path) -> None:
    (roll / "A001C001_261121_R1AB.mov").unlink()
    progress = RecordingProgress()
    verify_path(roll, jobs=1, progress=progress)
    started = [v for k, v in progress.calls if k == "file"]
    assert "A001C001_261121_R1AB.mov" not in started
    assert len(started) == 2
