"""Specification: a roll's content identity is its set of (relative path, size, hash); a drive
holding other content under a stored roll's name is kept, one holding the same content clears,
and copies recorded erased neither count nor block."""

from __future__ import annotations

from rollkeeper.core.clearance import judge_drive
from rollkeeper.core.lifecycle import CopyState, differing_paths

from tests.unit.core.clearance_cases import on_drive, proven_drive, proven_roll

STORED = {"Clips/C001.mov": (10, {"xxh64": "aa"}), "Clips/C002.mov": (20, {"xxh64": "bb"})}


def test_the_same_paths_sizes_and_hashes_are_the_same_content() -> None:
    assert differing_paths(STORED, dict(STORED)) == []


def test_another_hash_another_size_or_a_path_in_one_only_differs() -> None:
    other = {
        "Clips/C001.mov": (10, {"xxh64": "ff"}),
        "Clips/C002.mov": (21, {"xxh64": "bb"}),
        "Clips/C003.mov": (5, {"xxh64": "cc"}),
    }
    assert differing_paths(STORED, other) == ["Clips/C001.mov", "Clips/C002.mov", "Clips/C003.mov"]


def test_copies_sealed_with_no_hash_kind_in_common_are_not_proven_the_same() -> None:
    other = {path: (size, {"md5": "00"}) for path, (size, _) in STORED.items()}
    assert differing_paths(STORED, other) == sorted(STORED)


def test_a_drive_holding_other_content_under_the_stored_rolls_name_is_kept_naming_the_other() -> (
    None
):
    held = on_drive(proven_roll("20261121/Camera_Media/A001R1AB"), same_content=False)
    verdict = judge_drive(proven_drive("SHUTTLE_02", "rotation", held))
    assert not verdict.clear_to_erase
    assert [b.reason for b in verdict.blocking] == [
        "20261121/Camera_Media/A001R1AB: keep — SHUTTLE_02 holds a different A001R1AB than the "
        "one stored (the stored one was read from RAID_A)"
    ]


def test_a_drive_whose_copy_is_not_known_to_hold_the_stored_content_is_kept() -> None:
    held = on_drive(proven_roll("A001R1AB"), same_content=None)
    verdict = judge_drive(proven_drive("SHUTTLE_02", "rotation", held))
    assert [b.reason for b in verdict.blocking] == [
        "A001R1AB: the copy on SHUTTLE_02 is not known to hold the A001R1AB that is stored"
    ]


def test_a_drive_holding_the_stored_content_clears() -> None:
    held = on_drive(proven_roll("A001R1AB"), same_content=True)
    assert judge_drive(proven_drive("SHUTTLE_01", "rotation", held)).clear_to_erase


def test_a_copy_recorded_erased_neither_blocks_nor_counts_for_its_drive() -> None:
    erased = on_drive(proven_roll("A001R1AB"), copy_state=CopyState.ERASED.value, same_content=None)
    new = on_drive(proven_roll("B001R1AB"))
    assert judge_drive(proven_drive("SHUTTLE_01", "rotation", erased, new)).clear_to_erase


def test_a_drive_holding_only_erased_copies_is_an_empty_drive() -> None:
    erased = on_drive(proven_roll("A001R1AB"), copy_state=CopyState.ERASED.value)
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", erased))
    assert [b.reason for b in verdict.blocking] == [
        "SHUTTLE_01: nothing on it has been proven (no rolls found); an empty drive is not "
        "vouched for"
    ]
