"""Specification: erase clearance is derived from evidence, fails closed, explains every "no"."""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rollkeeper.core.clearance import (
    DEFAULT_POLICY,
    ArchiveStatus,
    CopyFileEvidence,
    DriveEvidence,
    DriveVerdict,
    FileEvidence,
    Policy,
    RollEvidence,
    RollOnDrive,
    judge_drive,
    judge_roll,
)
from rollkeeper.core.lifecycle import FAILED_COPY_STATES, FAILED_ROLL_STATES, CopyState, RollState

CLEARABLE = (RollState.UPLOADED.value, RollState.ARCHIVED.value)
CARD_FACTS = ("verified", "stored_proven", "source_unchanged", "object_present")
COPY_FACTS = ("verified", "unchanged")
LENIENT_ARCHIVE = Policy(archive_required_for_raid=False)


# --------------------------------------------------------------------------------------------
# Builders: everything proven, then each test takes one fact away.


def proven_file(path: str = "Clips/C001.mov", **facts: Any) -> FileEvidence:
    base = FileEvidence(
        path=path,
        listed_in_mhl=True,
        hidden=False,
        verified=True,
        stored_proven=True,
        archived=True,
        source_unchanged=True,
        object_present=True,
    )
    return replace(base, **facts)


def proven_roll(roll_id: str = "A001R1AB", *files: FileEvidence, **fields: Any) -> RollEvidence:
    base = RollEvidence(
        roll_id=roll_id,
        state=RollState.UPLOADED.value,
        problems=(),
        files=files or (proven_file("Clips/C001.mov"), proven_file("Clips/C002.mov")),
        manifest_written=True,
        archive="archived",
        onset_copies=3,
    )
    return replace(base, **fields)


def proven_copy_file(path: str, **facts: Any) -> CopyFileEvidence:
    base = CopyFileEvidence(
        path=path, listed_in_mhl=True, hidden=False, verified=True, unchanged=True
    )
    return replace(base, **facts)


def on_drive(roll: RollEvidence, **fields: Any) -> RollOnDrive:
    base = RollOnDrive(
        roll=roll,
        copy_state=CopyState.VERIFIED.value,
        extras=(),
        copy_files=tuple(proven_copy_file(f.path) for f in roll.files if f.listed_in_mhl),
    )
    return replace(base, **fields)


def proven_drive(
    label: str = "SHUTTLE_01", role: str = "rotation", *rolls: RollOnDrive, **fields: Any
) -> DriveEvidence:
    base = DriveEvidence(
        label=label,
        role=cast(Any, role),
        volume_id=7,
        mounted=True,
        fully_scanned=True,
        problems=(),
        unaccounted=(),
        rolls=rolls or (on_drive(proven_roll("A001R1AB")), on_drive(proven_roll("B001R2CD"))),
    )
    return replace(base, **fields)


def reasons_of(verdict: DriveVerdict) -> list[str]:
    return [b.reason for b in verdict.blocking]


# --------------------------------------------------------------------------------------------
# Roll level


def test_a_fully_proven_roll_is_cards_clear_and_raid_clear() -> None:
    verdict = judge_roll(proven_roll())
    assert verdict.cards_clear
    assert verdict.raid_clear
    assert verdict.reasons == ()
    assert verdict.raid_reasons == ()
    assert verdict.warnings == ()


def test_default_policy_is_the_safe_one() -> None:
    assert Policy() == DEFAULT_POLICY
    assert DEFAULT_POLICY.extras_block_drive is True
    assert DEFAULT_POLICY.min_onset_copies == 3
    assert DEFAULT_POLICY.archive_required_for_raid is True


def test_a_file_not_yet_uploaded_blocks_the_roll_and_is_named() -> None:
    roll = proven_roll("A001R1AB", proven_file("Clips/C003.mov", stored_proven=None))
    verdict = judge_roll(roll)
    assert not verdict.cards_clear
    assert not verdict.raid_clear
    assert verdict.reasons == ("A001R1AB: Clips/C003.mov not yet uploaded and proven in storage",)


@pytest.mark.parametrize("fact", CARD_FACTS)
@pytest.mark.parametrize("value", [None, False])
def test_any_unproven_card_fact_blocks_both_levels(fact: str, value: bool | None) -> None:
    roll = proven_roll(
        "A001R1AB", proven_file("Clips/C001.mov"), proven_file("Clips/C002.mov", **{fact: value})
    )
    verdict = judge_roll(roll)
    assert not verdict.cards_clear
    assert not verdict.raid_clear
    assert len(verdict.reasons) == 1
    assert verdict.reasons[0].startswith("A001R1AB: Clips/C002.mov ")


def test_a_failed_verification_is_told_apart_from_a_missing_one() -> None:
    unknown = judge_roll(proven_roll("R", proven_file("a.mov", verified=None)))
    failed = judge_roll(proven_roll("R", proven_file("a.mov", verified=False)))
    assert unknown.reasons == ("R: a.mov not yet verified against the MHL",)
    assert failed.reasons == ("R: a.mov failed verification against the MHL hash",)


def test_a_changed_source_is_named_as_such() -> None:
    verdict = judge_roll(proven_roll("R", proven_file("a.mov", source_unchanged=False)))
    assert verdict.reasons == (
        "R: a.mov changed on disk since verification (size, mtime or inode differ)",
    )


def test_a_missing_stored_object_is_named_as_such() -> None:
    verdict = judge_roll(proven_roll("R", proven_file("a.mov", object_present=False)))
    assert verdict.reasons == ("R: a.mov missing from storage or changed there since the upload",)


def test_a_fact_that_is_truthy_but_not_true_does_not_count_as_proven() -> None:
    verdict = judge_roll(proven_roll("R", proven_file("a.mov", verified=cast(Any, 1))))
    assert not verdict.cards_clear


def test_only_the_first_unproven_fact_of_a_file_is_reported() -> None:
    file = proven_file("a.mov", verified=False, stored_proven=None, object_present=None)
    verdict = judge_roll(proven_roll("R", file))
    assert verdict.reasons == ("R: a.mov failed verification against the MHL hash",)


def test_many_files_with_the_same_gap_make_one_reason_with_a_count() -> None:
    files = tuple(proven_file(f"Clips/C{i:03}.mov", stored_proven=None) for i in range(8, 0, -1))
    verdict = judge_roll(proven_roll("R", *files))
    assert verdict.reasons == (
        "R: 8 files not yet uploaded and proven in storage: Clips/C001.mov, Clips/C002.mov, "
        "Clips/C003.mov, Clips/C004.mov, Clips/C005.mov and 3 more",
    )


def test_a_roll_with_no_files_is_never_clear() -> None:
    verdict = judge_roll(replace(proven_roll(), files=()))
    assert not verdict.cards_clear
    assert not verdict.raid_clear
    assert any("no files listed" in r for r in verdict.reasons)


def test_a_roll_with_only_hidden_and_extra_files_is_never_clear() -> None:
    files = (
        proven_file(".DS_Store", hidden=True),
        proven_file("Clips/extra.mov", listed_in_mhl=False),
    )
    verdict = judge_roll(proven_roll("R", *files))
    assert not verdict.cards_clear
    assert any("no files listed" in r for r in verdict.reasons)


@pytest.mark.parametrize("state", sorted(FAILED_ROLL_STATES))
def test_a_roll_in_a_failure_state_is_never_clear(state: RollState) -> None:
    verdict = judge_roll(proven_roll("R", state=state.value))
    assert not verdict.cards_clear
    assert not verdict.raid_clear
    assert verdict.reasons == (
        f"R: roll is in failure state {state.value.upper()}; a failed roll is never cleared",
    )


@pytest.mark.parametrize(
    "state",
    [
        s
        for s in RollState
        if s not in FAILED_ROLL_STATES and s not in (RollState.UPLOADED, RollState.ARCHIVED)
    ],
)
def test_a_roll_not_yet_uploaded_is_not_clear(state: RollState) -> None:
    verdict = judge_roll(proven_roll("R", state=state.value))
    assert not verdict.cards_clear
    assert verdict.reasons == (f"R: not yet uploaded and proven (state: {state.value})",)


def test_a_roll_in_an_unknown_state_is_not_clear() -> None:
    verdict = judge_roll(proven_roll("R", state="teleported"))
    assert not verdict.cards_clear
    assert verdict.reasons == ("R: unknown roll state 'teleported'; it is not cleared",)


def test_a_roll_that_moved_on_to_archived_stays_clear() -> None:
    assert judge_roll(proven_roll(state=RollState.ARCHIVED.value)).raid_clear


def test_a_recorded_problem_blocks_the_roll() -> None:
    verdict = judge_roll(proven_roll("R", problems=("RAID_A: Clips/C001.mov unreadable",)))
    assert not verdict.cards_clear
    assert verdict.reasons == ("R: problem recorded: RAID_A: Clips/C001.mov unreadable",)


def test_an_unwritten_manifest_blocks_the_roll() -> None:
    verdict = judge_roll(proven_roll("R", manifest_written=False))
    assert not verdict.cards_clear
    assert verdict.reasons == ("R: the roll's manifest has not been written to storage",)


def test_an_extra_file_does_not_block_the_roll_but_warns() -> None:
    extra = proven_file("Clips/notes.txt", listed_in_mhl=False, verified=None, stored_proven=None)
    verdict = judge_roll(proven_roll("R", proven_file("Clips/C001.mov"), extra))
    assert verdict.cards_clear
    assert verdict.warnings == (
        "R: Clips/notes.txt not in the MHL, so not covered by this clearance",
    )


def test_a_hidden_file_never_blocks_the_roll() -> None:
    junk = proven_file("Clips/._C001.mov", hidden=True, verified=None, stored_proven=False)
    assert judge_roll(proven_roll("R", proven_file("Clips/C001.mov"), junk)).raid_clear


def test_a_file_marked_hidden_whose_name_is_not_hidden_must_still_be_proven() -> None:
    mislabelled = proven_file("Clips/C002.mov", hidden=True, stored_proven=None)
    verdict = judge_roll(proven_roll("R", proven_file("Clips/C001.mov"), mislabelled))
    assert not verdict.cards_clear


def test_the_same_file_listed_twice_under_unicode_normalisation_blocks_the_roll() -> None:
    nfc = unicodedata.normalize("NFC", "Clips/Café.wav")
    nfd = unicodedata.normalize("NFD", "Clips/Café.wav")
    verdict = judge_roll(proven_roll("R", proven_file(nfc), proven_file(nfd)))
    assert not verdict.cards_clear
    assert any("listed more than once" in r for r in verdict.reasons)


@pytest.mark.parametrize(
    ("archive", "reason"),
    [
        ("pending", "R: archival copy not yet made and verified"),
        ("failed", "R: archival copy failed verification"),
        ("unknown", "R: archive status unknown"),
    ],
)
def test_an_unarchived_roll_is_cards_clear_but_not_raid_clear(archive: str, reason: str) -> None:
    verdict = judge_roll(proven_roll("R", archive=archive))
    assert verdict.cards_clear
    assert not verdict.raid_clear
    assert verdict.raid_reasons == (reason,)


def test_without_an_archive_tier_a_roll_is_never_raid_clear() -> None:
    verdict = judge_roll(proven_roll("R", archive="none"))
    assert verdict.cards_clear
    assert not verdict.raid_clear
    assert len(verdict.raid_reasons) == 1
    assert "no archive tier is configured" in verdict.raid_reasons[0]


def test_an_unarchived_file_blocks_raid_clearance_even_when_the_roll_says_archived() -> None:
    roll = proven_roll("R", proven_file("a.mov"), proven_file("b.mov", archived=None))
    verdict = judge_roll(roll)
    assert verdict.cards_clear
    assert not verdict.raid_clear
    assert verdict.raid_reasons == ("R: b.mov archival copy not yet verified",)


def test_archive_facts_do_not_matter_for_the_cards_level() -> None:
    roll = proven_roll("R", proven_file("a.mov", archived=False), archive="failed")
    assert judge_roll(roll).cards_clear


def test_with_the_archive_not_required_a_pending_archive_is_raid_clear_with_a_warning() -> None:
    roll = proven_roll("R", proven_file("a.mov", archived=None), archive="pending")
    verdict = judge_roll(roll, LENIENT_ARCHIVE)
    assert verdict.raid_clear
    assert verdict.warnings == (
        "R: RAID clearance given without a verified archival copy "
        "(archive_required_for_raid is off)",
    )


def test_with_the_archive_not_required_no_archive_tier_still_never_clears_a_raid() -> None:
    verdict = judge_roll(proven_roll("R", archive="none"), LENIENT_ARCHIVE)
    assert not verdict.raid_clear
    assert "no archive tier is configured" in verdict.raid_reasons[0]


@pytest.mark.parametrize("archive", ["failed", "unknown"])
def test_with_the_archive_not_required_a_failed_or_unknown_archive_still_blocks(
    archive: str,
) -> None:
    assert not judge_roll(proven_roll("R", archive=archive), LENIENT_ARCHIVE).raid_clear


def test_with_the_archive_not_required_a_failed_file_archive_still_blocks() -> None:
    roll = proven_roll("R", proven_file("a.mov", archived=False), archive="pending")
    verdict = judge_roll(roll, LENIENT_ARCHIVE)
    assert not verdict.raid_clear
    assert verdict.raid_reasons == ("R: a.mov archival copy failed verification",)


def test_only_a_literal_false_turns_the_archive_requirement_off() -> None:
    policy = Policy(archive_required_for_raid=cast(Any, 0))
    assert not judge_roll(proven_roll(archive="pending"), policy).raid_clear


def test_too_few_onset_copies_warns_but_does_not_block() -> None:
    verdict = judge_roll(proven_roll("R", onset_copies=2))
    assert verdict.raid_clear
    assert verdict.warnings == ("R: only 2 on-set copies; the production's rule is 3",)


def test_enough_onset_copies_give_no_warning() -> None:
    assert judge_roll(proven_roll(onset_copies=2), Policy(min_onset_copies=2)).warnings == ()


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


@pytest.mark.parametrize("state", [s for s in CopyState if s is not CopyState.VERIFIED])
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


# --------------------------------------------------------------------------------------------
# Properties over random evidence

PATHS = st.sampled_from(
    ("Clips/C001.mov", "Clips/C002.mov", "Clips/C003.mov", "a.wav", ".DS_Store", "Clips/._C001.mov")
)
POLICIES = st.builds(Policy, st.booleans(), st.integers(min_value=0, max_value=4), st.booleans())
#: How healthy a random evidence set is: the odds of each fact being good rather than one bad value.
#: High odds make fully clear evidence common, so "clear" examples are drawn too.
ODDS = st.sampled_from((1, 8, 60, 400, 5000))
T = TypeVar("T")


def pick(draw: st.DrawFn, odds: int, good: T, *bad: T) -> T:
    """`good` with weight `odds`, each of `bad` with weight 1 (shrinks towards `good`)."""
    i = draw(st.integers(min_value=0, max_value=odds + len(bad) - 1))
    return good if i < odds else bad[i - odds]


def fact(draw: st.DrawFn, odds: int) -> bool | None:
    return pick(draw, odds, True, False, None)


def random_file(draw: st.DrawFn, odds: int, path: str) -> FileEvidence:
    return FileEvidence(
        path=path,
        listed_in_mhl=pick(draw, odds, True, False),
        hidden=path.rsplit("/", maxsplit=1)[-1].startswith("."),
        verified=fact(draw, odds),
        stored_proven=fact(draw, odds),
        archived=fact(draw, odds),
        source_unchanged=fact(draw, odds),
        object_present=fact(draw, odds),
    )


def random_roll(draw: st.DrawFn, odds: int, roll_id: str) -> RollEvidence:
    paths = draw(st.lists(PATHS, max_size=4, unique=True))
    other_states = (*(s.value for s in RollState), "??")
    archive: ArchiveStatus = pick(draw, odds, "archived", "none", "pending", "failed", "unknown")
    return RollEvidence(
        roll_id=roll_id,
        state=pick(draw, odds, draw(st.sampled_from(CLEARABLE)), *other_states),
        problems=pick(draw, odds, (), ("unreadable folder",)),
        files=tuple(random_file(draw, odds, p) for p in paths),
        manifest_written=pick(draw, odds, True, False),
        archive=archive,
        onset_copies=draw(st.integers(min_value=0, max_value=4)),
    )


def random_roll_on_drive(draw: st.DrawFn, odds: int, roll_id: str) -> RollOnDrive:
    roll = random_roll(draw, odds, roll_id)
    copies = [
        CopyFileEvidence(f.path, f.listed_in_mhl, f.hidden, fact(draw, odds), fact(draw, odds))
        for f in roll.files
        if pick(draw, odds, True, False)  # sometimes no record on this drive
    ]
    return RollOnDrive(
        roll=roll,
        copy_state=pick(draw, odds, CopyState.VERIFIED.value, *(s.value for s in CopyState)),
        extras=pick(draw, odds, (), (".DS_Store",), ("Clips/C099.mov",)),
        copy_files=tuple(copies),
    )


@st.composite
def roll_evidence(draw: st.DrawFn) -> RollEvidence:
    return random_roll(draw, draw(ODDS), "A001R1AB")


@st.composite
def drive_evidence(draw: st.DrawFn) -> DriveEvidence:
    odds = draw(ODDS)
    count = draw(st.integers(min_value=0, max_value=3))
    return DriveEvidence(
        label="SHUTTLE_01",
        role=draw(st.sampled_from(("rotation", "raid"))),
        volume_id=1,
        mounted=pick(draw, odds, True, False),
        fully_scanned=pick(draw, odds, True, False),
        problems=pick(draw, odds, (), ("layout error",)),
        unaccounted=pick(
            draw,
            odds,
            (),
            ("Reports/",),
            (".Trashes/",),
            ("Day/Reports/x.pdf",),
            ("Temp/",),
            ("x.mov",),
        ),
        rolls=tuple(random_roll_on_drive(draw, odds, f"R{i}") for i in range(count)),
    )


def listed(files: tuple[Any, ...]) -> list[Any]:
    return [f for f in files if f.listed_in_mhl and not f.hidden]


def roll_facts_all_true(roll: RollEvidence, *, raid: bool) -> bool:
    files = listed(roll.files)
    facts = CARD_FACTS + (("archived",) if raid else ())
    return (
        roll.state in CLEARABLE
        and not roll.problems
        and roll.manifest_written is True
        and bool(files)
        and all(getattr(f, fact) is True for f in files for fact in facts)
        and (not raid or roll.archive == "archived")
    )


def drive_facts_all_true(drive: DriveEvidence) -> bool:
    if not (drive.mounted and drive.fully_scanned and not drive.problems and drive.rolls):
        return False
    if any(u in ("Temp/", "x.mov") for u in drive.unaccounted):
        return False
    for placed in drive.rolls:
        records = {c.path: c for c in placed.copy_files}
        if not roll_facts_all_true(placed.roll, raid=drive.role == "raid"):
            return False
        if placed.copy_state != CopyState.VERIFIED.value or "Clips/C099.mov" in placed.extras:
            return False
        if any(c.listed_in_mhl is False and not c.hidden for c in placed.copy_files):
            return False
        for f in listed(placed.roll.files):
            record = records.get(f.path)
            if record is None or record.verified is not True or record.unchanged is not True:
                return False
    return True


PROPERTY = settings(max_examples=80, deadline=None)


@PROPERTY
@given(roll_evidence())
def test_property_roll_clearance_requires_every_fact_true(roll: RollEvidence) -> None:
    verdict = judge_roll(roll)
    assert verdict.cards_clear == roll_facts_all_true(roll, raid=False)
    assert verdict.raid_clear == roll_facts_all_true(roll, raid=True)


@PROPERTY
@given(roll_evidence(), POLICIES)
def test_property_every_roll_no_has_a_reason(roll: RollEvidence, policy: Policy) -> None:
    verdict = judge_roll(roll, policy)
    assert verdict.cards_clear == (not verdict.reasons)
    assert verdict.raid_clear == (verdict.cards_clear and not verdict.raid_reasons)
    assert all(r.startswith(f"{roll.roll_id}: ") for r in verdict.reasons + verdict.raid_reasons)


@PROPERTY
@given(
    st.lists(PATHS.filter(lambda p: not p.split("/")[-1].startswith(".")), min_size=1, unique=True),
    st.data(),
)
def test_property_any_missing_or_failed_fact_refuses_the_roll(
    paths: list[str], data: st.DataObject
) -> None:
    roll = proven_roll("R", *(proven_file(p) for p in paths))
    assert judge_roll(roll).raid_clear
    victim = data.draw(st.integers(min_value=0, max_value=len(paths) - 1))
    fact = data.draw(st.sampled_from((*CARD_FACTS, "archived")))
    value = data.draw(st.sampled_from((None, False)))
    files = list(roll.files)
    files[victim] = replace(files[victim], **cast(dict[str, Any], {fact: value}))
    verdict = judge_roll(replace(roll, files=tuple(files)))
    assert not verdict.raid_clear
    assert verdict.cards_clear == (fact == "archived")


@PROPERTY
@given(drive_evidence())
def test_property_drive_clearance_requires_every_fact_true(drive: DriveEvidence) -> None:
    verdict = judge_drive(drive)
    assert verdict.clear_to_erase == drive_facts_all_true(drive)


@PROPERTY
@given(drive_evidence(), POLICIES)
def test_property_every_drive_no_has_a_reason_and_a_level_of_none(
    drive: DriveEvidence, policy: Policy
) -> None:
    verdict = judge_drive(drive, policy)
    assert verdict.clear_to_erase == (not verdict.blocking)
    assert all(b.reason for b in verdict.blocking)
    expected_level = (
        ("raid" if drive.role == "raid" else "cards") if verdict.clear_to_erase else "none"
    )
    assert verdict.level == expected_level


@PROPERTY
@given(drive_evidence(), POLICIES)
def test_property_verdicts_are_deterministic(drive: DriveEvidence, policy: Policy) -> None:
    assert judge_drive(drive, policy) == judge_drive(copy.deepcopy(drive), policy)
    for placed in drive.rolls:
        assert judge_roll(placed.roll, policy) == judge_roll(copy.deepcopy(placed.roll), policy)


def _set_roll(drive: DriveEvidence, index: int, **fields: Any) -> DriveEvidence:
    rolls = list(drive.rolls)
    rolls[index] = replace(rolls[index], roll=replace(rolls[index].roll, **fields))
    return replace(drive, rolls=tuple(rolls))


def _set_copy(drive: DriveEvidence, index: int, **fields: Any) -> DriveEvidence:
    rolls = list(drive.rolls)
    rolls[index] = replace(rolls[index], **fields)
    return replace(drive, rolls=tuple(rolls))


def _set_file_fact(fact: str) -> Mutation:
    def mutate(drive: DriveEvidence, index: int, file: int, value: Any) -> DriveEvidence:
        files = list(drive.rolls[index].roll.files)
        files[file] = replace(files[file], **{fact: value})
        return _set_roll(drive, index, files=tuple(files))

    return mutate


def _set_copy_file_fact(fact: str) -> Mutation:
    def mutate(drive: DriveEvidence, index: int, file: int, value: Any) -> DriveEvidence:
        files = list(drive.rolls[index].copy_files)
        files[file] = replace(files[file], **{fact: value})
        return _set_copy(drive, index, copy_files=tuple(files))

    return mutate


def _drop_copy_file(drive: DriveEvidence, index: int, file: int, value: Any) -> DriveEvidence:
    files = list(drive.rolls[index].copy_files)
    del files[file]
    return _set_copy(drive, index, copy_files=tuple(files))


#: (drive, roll index, file index, None or False) -> the drive with one more blocking fact
Mutation = Callable[[DriveEvidence, int, int, Any], DriveEvidence]

BLOCKING_FACTS: dict[str, Mutation] = {
    "unmounted": lambda d, i, j, v: replace(d, mounted=v),
    "not fully scanned": lambda d, i, j, v: replace(d, fully_scanned=v),
    "scan problem": lambda d, i, j, v: replace(d, problems=(*d.problems, "unreadable folder X")),
    "unknown folder": lambda d, i, j, v: replace(d, unaccounted=(*d.unaccounted, "Temp/")),
    "unknown file": lambda d, i, j, v: replace(d, unaccounted=(*d.unaccounted, "clip.mov")),
    "no rolls": lambda d, i, j, v: replace(d, rolls=()),
    "roll failed": lambda d, i, j, v: _set_roll(d, i, state=RollState.CONFLICT.value),
    "roll not uploaded": lambda d, i, j, v: _set_roll(d, i, state=RollState.VERIFIED.value),
    "roll problem": lambda d, i, j, v: _set_roll(d, i, problems=("something",)),
    "manifest": lambda d, i, j, v: _set_roll(d, i, manifest_written=v),
    "roll empty": lambda d, i, j, v: _set_roll(d, i, files=()),
    **{f"file {fact}": _set_file_fact(fact) for fact in CARD_FACTS},
    "copy state": lambda d, i, j, v: _set_copy(d, i, copy_state=CopyState.VERIFYING.value),
    "copy extra": lambda d, i, j, v: _set_copy(d, i, extras=("Clips/C099.mov",)),
    **{f"copy file {fact}": _set_copy_file_fact(fact) for fact in COPY_FACTS},
    "copy file missing": _drop_copy_file,
}


@PROPERTY
@given(
    st.sampled_from(("rotation", "raid")),
    st.integers(min_value=1, max_value=3),
    st.sampled_from(sorted(BLOCKING_FACTS)),
    st.sampled_from((None, False)),
    st.data(),
)
def test_property_adding_a_blocking_fact_to_a_clear_drive_removes_clearance(
    role: str, count: int, name: str, value: bool | None, data: st.DataObject
) -> None:
    drive = proven_drive("D", role, *(on_drive(proven_roll(f"R{i}")) for i in range(count)))
    assert judge_drive(drive).clear_to_erase
    index = data.draw(st.integers(min_value=0, max_value=count - 1))
    file = data.draw(st.integers(min_value=0, max_value=len(drive.rolls[index].roll.files) - 1))
    verdict = judge_drive(BLOCKING_FACTS[name](drive, index, file, value))
    assert not verdict.clear_to_erase
    assert verdict.level == "none"
    assert verdict.blocking


@PROPERTY
@given(
    st.integers(min_value=1, max_value=3), st.sampled_from(("none", "pending", "failed", "unknown"))
)
def test_property_a_raid_never_clears_while_any_roll_is_unarchived(
    count: int, archive: str
) -> None:
    rolls = [on_drive(proven_roll(f"R{i}")) for i in range(count)]
    rolls[-1] = on_drive(proven_roll("LAST", archive=archive))
    assert not judge_drive(proven_drive("RAID_A", "raid", *rolls)).clear_to_erase
