"""Specification: when an offload is finished (pure rules over an MHL, the files and the clock)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from rollkeeper.core.files import FileInfo
from rollkeeper.core.readiness import Readiness, assess, last_change_ns, shortfall
from rollkeeper.mhl.model import ExpectedHash, HashKind, MhlEntry, RollManifest, SourceFormat

ROOT = Path("/Volumes/RAID_A/20261121/Camera_Media/A001R1AB")
MHL = ROOT / "A001R1AB_2026-11-21_100000.mhl"
NOW = 1_800_000_000.0
SECOND = 1_000_000_000


def entry(path: str, size: int | None, *, known_bad: bool = False) -> MhlEntry:
    return MhlEntry(
        path=path,
        size=size,
        hashes=(ExpectedHash(HashKind.XXH64, "0" * 16),),
        source_format=SourceFormat.LEGACY,
        mhl_file=MHL,
        known_bad=known_bad,
    )


def manifest(*entries: MhlEntry) -> RollManifest:
    return RollManifest(root=ROOT, entries={e.key: e for e in entries}, mhl_files=[MHL])


def on_disk(size: int, *, ctime_s: float = NOW - 3600, mtime_s: float | None = None) -> FileInfo:
    mtime = ctime_s if mtime_s is None else mtime_s
    return FileInfo(
        size=size, mtime_ns=int(mtime * SECOND), inode=1, ctime_ns=int(ctime_s * SECOND)
    )


TWO_CLIPS = manifest(entry("Clips/C001.mov", 1000), entry("Clips/C002.mov", 2000))
BOTH_PRESENT = {"Clips/C001.mov": on_disk(1000), "Clips/C002.mov": on_disk(2000)}


def verdict(
    roll: RollManifest, files: dict[str, FileInfo], *, quiet_for: float = 60, settle: float = 30
) -> Readiness:
    return assess(roll, files, last_change=NOW - quiet_for, now=NOW, settle=settle)


# --- which files are still awaited ----------------------------------------------------------------


def test_roll_with_every_listed_file_at_its_size_and_quiet_is_ready() -> None:
    result = verdict(TWO_CLIPS, BOTH_PRESENT)
    assert result == Readiness(True, "all listed files present and quiet", settled=True)


def test_missing_listed_file_is_waited_for_by_name() -> None:
    result = verdict(TWO_CLIPS, {"Clips/C001.mov": on_disk(1000)})
    assert not result.ready
    assert result.waiting_for == ("Clips/C002.mov (missing; 2000 bytes listed)",)
    assert result.reason == "waiting for 1 file(s): Clips/C002.mov (missing; 2000 bytes listed)"


def test_short_file_is_waited_for_with_its_size_and_the_listed_size() -> None:
    result = verdict(TWO_CLIPS, {**BOTH_PRESENT, "Clips/C002.mov": on_disk(512)})
    assert not result.ready
    assert result.waiting_for == ("Clips/C002.mov (512 of 2000 bytes)",)


def test_file_larger_than_listed_is_not_ready() -> None:
    result = verdict(TWO_CLIPS, {**BOTH_PRESENT, "Clips/C001.mov": on_disk(1001)})
    assert result.waiting_for == ("Clips/C001.mov (1001 of 1000 bytes)",)


def test_file_listed_without_a_size_only_needs_to_exist() -> None:
    roll = manifest(entry("S001_T01.wav", None))
    assert verdict(roll, {"S001_T01.wav": on_disk(7)}).ready


def test_hidden_and_system_files_listed_in_the_mhl_are_not_waited_for() -> None:
    roll = manifest(
        entry("Clips/C001.mov", 1000), entry(".DS_Store", 6148), entry("Clips/Thumbs.db", 10)
    )
    assert verdict(roll, {"Clips/C001.mov": on_disk(1000)}).ready


def test_entries_already_known_bad_are_not_waited_for() -> None:
    roll = manifest(entry("Clips/C001.mov", 1000), entry("Clips/C002.mov", 2000, known_bad=True))
    assert shortfall(roll, {"Clips/C001.mov": on_disk(1000)}) == []


def test_files_on_disk_that_the_mhl_does_not_list_do_not_block_readiness() -> None:
    files = {**BOTH_PRESENT, "Clips/C003.mov": on_disk(5), "notes.txt": on_disk(1)}
    assert verdict(TWO_CLIPS, files).ready


def test_decomposed_unicode_name_on_disk_matches_the_composed_name_in_the_mhl() -> None:
    composed = unicodedata.normalize("NFC", "Clips/Café.mov")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    roll = manifest(entry(composed, 10))
    assert verdict(roll, {decomposed: on_disk(10)}).ready


def test_name_differing_only_in_case_is_still_missing() -> None:
    roll = manifest(entry("Clips/C001.mov", 10))
    assert shortfall(roll, {"clips/c001.MOV": on_disk(10)}) == [
        "Clips/C001.mov (missing; 10 bytes listed)"
    ]


def test_reason_names_at_most_three_files_then_an_ellipsis() -> None:
    roll = manifest(*(entry(f"C00{n}.mov", 1) for n in range(1, 6)))
    result = verdict(roll, {})
    assert len(result.waiting_for) == 5
    assert result.reason == (
        "waiting for 5 file(s): C001.mov (missing; 1 bytes listed), "
        "C002.mov (missing; 1 bytes listed), C003.mov (missing; 1 bytes listed), …"
    )


# --- settling ------------------------------------------------------------------------------------


def test_complete_roll_that_changed_recently_is_settling_and_says_how_long_it_was_quiet() -> None:
    result = verdict(TWO_CLIPS, BOTH_PRESENT, quiet_for=12, settle=30)
    assert result == Readiness(False, "settling: quiet for 12s of 30s")


def test_roll_quiet_for_exactly_the_settle_time_is_ready() -> None:
    assert verdict(TWO_CLIPS, BOTH_PRESENT, quiet_for=30, settle=30).ready


def test_zero_settle_time_makes_a_complete_roll_ready_at_once() -> None:
    assert verdict(TWO_CLIPS, BOTH_PRESENT, quiet_for=0, settle=0).ready


def test_change_stamped_after_now_is_not_settled() -> None:
    result = verdict(TWO_CLIPS, BOTH_PRESENT, quiet_for=-600, settle=30)
    assert not result.ready
    assert not result.settled


def test_incomplete_roll_that_has_settled_says_so_so_it_can_be_failed() -> None:
    result = verdict(TWO_CLIPS, {"Clips/C001.mov": on_disk(1000)}, quiet_for=60, settle=30)
    assert (result.ready, result.settled) == (False, True)


def test_incomplete_roll_still_changing_is_not_settled() -> None:
    result = verdict(TWO_CLIPS, {"Clips/C001.mov": on_disk(1000)}, quiet_for=5, settle=30)
    assert (result.ready, result.settled) == (False, False)


# --- the time of the last change ------------------------------------------------------------------


def test_last_change_is_the_newest_ctime_among_the_files() -> None:
    files = {"a": on_disk(1, ctime_s=NOW - 100), "b": on_disk(1, ctime_s=NOW - 10)}
    assert last_change_ns(files) == int((NOW - 10) * SECOND)


def test_last_change_of_no_files_is_zero() -> None:
    assert last_change_ns({}) == 0


def test_old_mtime_preserved_by_the_copy_tool_does_not_hide_a_fresh_copy() -> None:
    files = {"a": on_disk(1, ctime_s=NOW - 5, mtime_s=NOW - 86400)}
    assert last_change_ns(files) == int((NOW - 5) * SECOND)


def test_future_mtime_from_a_camera_clock_does_not_delay_settling() -> None:
    files = {"Clips/C001.mov": on_disk(1000, ctime_s=NOW - 60, mtime_s=NOW + 8 * 3600)}
    roll = manifest(entry("Clips/C001.mov", 1000))
    result = assess(roll, files, last_change=last_change_ns(files) / SECOND, now=NOW, settle=30)
    assert result.ready


def test_mtime_is_used_where_the_filesystem_gives_no_ctime() -> None:
    files = {"a": FileInfo(size=1, mtime_ns=42 * SECOND, inode=1, ctime_ns=0)}
    assert last_change_ns(files) == 42 * SECOND
