"""Specification: a drive may be erased only when every roll and copy on it is proven."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest
from rollkeeper.core.clearance import (
    Policy,
    judge_drive,
)
from rollkeeper.core.lifecycle import FAILED_COPY_STATES, CopyState, RollState

from tests.unit.core.clearance_cases import (
    on_drive,
    proven_copy_file,
    proven_drive,
    proven_file,
    proven_roll,
    reasons_of,
)

# --------------------------------------------------------------------------------------------
# Drive level


def test_a_rotation_drive_whose_rolls_are_all_cards_clear_may_be_erased() -> None:
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation"))
    assert verdict.clear_to_erase
    assert verdict.level == "cards"
    assert verdict.blocking == ()
    assert (verdict.label, verdict.role) == ("SHUTTLE_01", "rotation")


def test_a_rotation_drive_does_not_wait_for_the_archive() -> None:
    roll = proven_roll("A001R1AB", archive="pending")
    assert judge_drive(proven_drive("SHUTTLE_01", "rotation", on_drive(roll))).clear_to_erase


def test_a_raid_whose_rolls_are_all_archived_may_be_erased() -> None:
    verdict = judge_drive(proven_drive("RAID_A", "raid"))
    assert verdict.clear_to_erase
    assert verdict.level == "raid"


def test_a_raid_waits_for_every_roll_to_be_archived() -> None:
    pending = on_drive(proven_roll("B001R2CD", archive="pending"))
    verdict = judge_drive(
        proven_drive("RAID_A", "raid", on_drive(proven_roll("A001R1AB")), pending)
    )
    assert not verdict.clear_to_erase
    assert verdict.level == "none"
    assert [(b.roll_id, b.reason) for b in verdict.blocking] == [
        ("B001R2CD", "B001R2CD: archival copy not yet made and verified")
    ]


def test_a_raid_is_never_cleared_without_an_archive_tier() -> None:
    roll = on_drive(proven_roll("A001R1AB", archive="none"))
    verdict = judge_drive(proven_drive("RAID_A", "raid", roll))
    assert not verdict.clear_to_erase
    assert "no archive tier is configured" in reasons_of(verdict)[0]


def test_a_drive_with_no_rolls_is_not_clear() -> None:
    verdict = judge_drive(replace(proven_drive("SHUTTLE_01"), rolls=()))
    assert not verdict.clear_to_erase
    assert reasons_of(verdict) == [
        "SHUTTLE_01: nothing on it has been proven (no rolls found); "
        "an empty drive is not vouched for"
    ]


def test_an_unmounted_drive_is_not_clear() -> None:
    verdict = judge_drive(proven_drive("SHUTTLE_01", mounted=False))
    assert not verdict.clear_to_erase
    assert reasons_of(verdict) == ["SHUTTLE_01: not mounted, so its contents cannot be re-checked"]


def test_a_drive_not_fully_scanned_since_it_was_mounted_is_not_clear() -> None:
    verdict = judge_drive(proven_drive("RAID_A", "raid", fully_scanned=False))
    assert not verdict.clear_to_erase
    assert verdict.blocking[0].roll_id is None
    assert reasons_of(verdict) == ["RAID_A: not fully scanned since it was mounted"]


def test_a_scan_problem_blocks_the_drive() -> None:
    problem = "20230510_Day05/Camera_Media/A002R1AB/A002R1AB.mhl: not well-formed XML (line 3)"
    verdict = judge_drive(proven_drive("SHUTTLE_01", problems=(problem,)))
    assert not verdict.clear_to_erase
    assert reasons_of(verdict) == [f"SHUTTLE_01: {problem}"]


def test_an_unknown_folder_blocks_the_drive() -> None:
    verdict = judge_drive(proven_drive("SHUTTLE_01", unaccounted=("Temp/",)))
    assert not verdict.clear_to_erase
    assert reasons_of(verdict) == ["SHUTTLE_01: unknown folder 'Temp' is not in any roll"]


def test_an_unknown_file_blocks_the_drive() -> None:
    verdict = judge_drive(proven_drive("SHUTTLE_01", unaccounted=("20230510_Day05/notes.mov",)))
    assert reasons_of(verdict) == [
        "SHUTTLE_01: unknown file '20230510_Day05/notes.mov' is not in any roll"
    ]


def test_hidden_and_system_files_outside_rolls_never_block() -> None:
    hidden = (
        ".Spotlight-V100/",
        ".fseventsd/",
        "._Temp",
        "Thumbs.db",
        "Day/.DS_Store",
        "$RECYCLE.BIN/",
    )
    assert judge_drive(proven_drive(unaccounted=hidden)).clear_to_erase


def test_a_reports_folder_does_not_block() -> None:
    reports = ("20230510_Day05/Reports/", "20230510_Day05/Reports/camera_report.pdf")
    assert judge_drive(proven_drive(unaccounted=reports)).clear_to_erase


def test_a_folder_named_like_reports_in_another_casing_blocks() -> None:
    assert not judge_drive(proven_drive(unaccounted=("20230510_Day05/reports/",))).clear_to_erase


def test_an_extra_file_in_a_roll_folder_blocks_the_drive() -> None:
    roll = on_drive(proven_roll("A001R1AB"), extras=("Clips/C099.mov",))
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", roll))
    assert not verdict.clear_to_erase
    assert [(b.roll_id, b.reason) for b in verdict.blocking] == [
        (
            "A001R1AB",
            "A001R1AB: Clips/C099.mov on SHUTTLE_01 is not in the MHL and was never backed up",
        )
    ]


def test_an_extra_among_the_copy_files_blocks_the_drive() -> None:
    roll = proven_roll("A001R1AB")
    extra = proven_copy_file("Clips/C099.mov", listed_in_mhl=False, verified=None)
    placed = on_drive(roll, copy_files=(*on_drive(roll).copy_files, extra))
    assert not judge_drive(proven_drive("SHUTTLE_01", "rotation", placed)).clear_to_erase


def test_hidden_extras_never_block_the_drive() -> None:
    roll = proven_roll("A001R1AB")
    junk = proven_copy_file("Clips/._C001.mov", listed_in_mhl=False, hidden=True, verified=None)
    placed = on_drive(
        roll, extras=(".DS_Store", "Clips/.DS_Store"), copy_files=(*on_drive(roll).copy_files, junk)
    )
    assert judge_drive(proven_drive("SHUTTLE_01", "rotation", placed)).clear_to_erase


def test_extras_only_warn_when_the_policy_lets_them() -> None:
    roll = on_drive(proven_roll("A001R1AB"), extras=("Clips/a.mov", "Clips/b.mov"))
    verdict = judge_drive(
        proven_drive("SHUTTLE_01", "rotation", roll), Policy(extras_block_drive=False)
    )
    assert verdict.clear_to_erase
    assert verdict.warnings == (
        "A001R1AB: 2 files on SHUTTLE_01 are not in the MHL and die with the drive "
        "(extras_block_drive is off): Clips/a.mov, Clips/b.mov",
    )


@pytest.mark.parametrize(
    "state", [s for s in CopyState if s not in (CopyState.VERIFIED, CopyState.ERASED)]
)
def test_a_copy_on_this_drive_that_is_not_verified_blocks_it(state: CopyState) -> None:
    roll = on_drive(proven_roll("A001R1AB"), copy_state=state.value)
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", roll))
    assert not verdict.clear_to_erase
    assert verdict.blocking[0].roll_id == "A001R1AB"
    assert "the copy on SHUTTLE_01" in verdict.blocking[0].reason
    if state in FAILED_COPY_STATES:
        assert "never cleared" in verdict.blocking[0].reason


def test_the_copy_on_this_drive_must_itself_be_verified_file_by_file() -> None:
    roll = proven_roll("A001R1AB", proven_file("Clips/C001.mov"))
    placed = on_drive(roll, copy_files=(proven_copy_file("Clips/C001.mov", verified=None),))
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", placed))
    assert reasons_of(verdict) == ["A001R1AB: Clips/C001.mov not yet verified on SHUTTLE_01"]


def test_a_copy_file_changed_since_verification_blocks_the_drive() -> None:
    roll = proven_roll("A001R1AB", proven_file("Clips/C001.mov"))
    placed = on_drive(roll, copy_files=(proven_copy_file("Clips/C001.mov", unchanged=False),))
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", placed))
    assert reasons_of(verdict) == [
        "A001R1AB: Clips/C001.mov changed on SHUTTLE_01 since verification "
        "(size, mtime or inode differ)"
    ]


def test_a_listed_file_without_a_record_on_this_drive_blocks_it() -> None:
    roll = proven_roll("A001R1AB", proven_file("Clips/C001.mov"), proven_file("Clips/C002.mov"))
    placed = on_drive(roll, copy_files=(proven_copy_file("Clips/C001.mov"),))
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", placed))
    assert reasons_of(verdict) == [
        "A001R1AB: Clips/C002.mov without a verification record on SHUTTLE_01"
    ]


def test_a_copy_file_the_roll_does_not_list_blocks_the_drive() -> None:
    roll = proven_roll("A001R1AB", proven_file("Clips/C001.mov"))
    copies = (proven_copy_file("Clips/C001.mov"), proven_copy_file("Clips/C002.mov"))
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", on_drive(roll, copy_files=copies)))
    assert not verdict.clear_to_erase
    assert "not in the roll's MHL evidence" in reasons_of(verdict)[0]


def test_a_copy_file_matches_its_roll_file_under_unicode_normalisation() -> None:
    roll = proven_roll("S001", proven_file(unicodedata.normalize("NFC", "Café.wav")))
    copies = (proven_copy_file(unicodedata.normalize("NFD", "Café.wav")),)
    assert judge_drive(
        proven_drive("SHUTTLE_01", "rotation", on_drive(roll, copy_files=copies))
    ).clear_to_erase


def test_a_failed_roll_blocks_every_drive_it_is_on() -> None:
    roll = proven_roll("A001R1AB", state=RollState.MISMATCH.value)
    for role in ("rotation", "raid"):
        assert not judge_drive(proven_drive("X", role, on_drive(roll))).clear_to_erase


def test_a_stored_object_not_re_checked_blocks_the_drive() -> None:
    roll = proven_roll("A001R1AB", proven_file("Clips/C001.mov", object_present=None))
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", on_drive(roll)))
    assert reasons_of(verdict) == ["A001R1AB: Clips/C001.mov not re-checked in storage"]


def test_one_unclear_roll_blocks_the_whole_drive_and_only_it_is_named() -> None:
    good = on_drive(proven_roll("A001R1AB"))
    bad = on_drive(proven_roll("A002R1AB", proven_file("Clips/C003.mov", stored_proven=None)))
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", good, bad))
    assert not verdict.clear_to_erase
    assert [b.roll_id for b in verdict.blocking] == ["A002R1AB"]
    assert verdict.blocking[0].reason.startswith("A002R1AB: Clips/C003.mov not yet uploaded")


def test_roll_warnings_reach_the_drive_once() -> None:
    roll = proven_roll("A001R1AB", onset_copies=1)
    verdict = judge_drive(proven_drive("SHUTTLE_01", "rotation", on_drive(roll), on_drive(roll)))
    assert verdict.clear_to_erase
    assert verdict.warnings == ("A001R1AB: only 1 on-set copy; the production's rule is 3",)


def test_a_drive_of_unknown_role_is_not_clear() -> None:
    verdict = judge_drive(proven_drive("X", "backup"))
    assert not verdict.clear_to_erase
    assert verdict.level == "none"
    assert "unknown drive role 'backup'" in reasons_of(verdict)[0]
