"""Specification: a roll's CARDS_CLEAR and RAID_CLEAR fail closed and explain every "no"."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any, cast

import pytest
from rollkeeper.core.clearance import (
    DEFAULT_POLICY,
    Policy,
    judge_roll,
)
from rollkeeper.core.lifecycle import FAILED_ROLL_STATES, RollState

from tests.unit.core.clearance_cases import (
    CARD_FACTS,
    LENIENT_ARCHIVE,
    proven_file,
    proven_roll,
)

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


def test_a_roll_not_yet_uploaded_and_without_evidence_is_explained_by_its_state_alone() -> None:
    verdict = judge_roll(replace(proven_roll("R"), files=(), state="discovered"))
    assert not verdict.cards_clear
    assert not any("no files listed" in r for r in verdict.reasons)
    assert "R: not yet uploaded and proven (state: discovered)" in verdict.reasons
