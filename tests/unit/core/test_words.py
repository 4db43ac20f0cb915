"""Specification: every sentence a person reads about an event comes from one place, in the
words rollkeeper has always used."""

from __future__ import annotations

import pytest
from rollkeeper.core import happened
from rollkeeper.core.clearance import Blocker, DriveVerdict, Level, RollVerdict
from rollkeeper.core.events import EventKind, Severity
from rollkeeper.core.layout import LayoutProblem
from rollkeeper.core.lifecycle import CopyState, RollState, UploadStage
from rollkeeper.core.words import (
    WORDED_KINDS,
    describe,
    describe_roll,
    file_short,
    layout_problem,
    read_file_short,
    revoked,
    say,
    still_settling,
    unreadable,
)


def _verdict(*, level: Level = "none", reasons: int = 0) -> DriveVerdict:
    return DriveVerdict(
        label="SHUTTLE_03",
        role="rotation",
        clear_to_erase=reasons == 0 and level != "none",
        level=level,
        blocking=tuple(Blocker(f"A00{i}R1AB", f"reason {i}") for i in range(reasons)),
        warnings=(),
    )


def test_a_drive_clear_at_the_cards_level_may_be_erased_as_uploaded_and_proven() -> None:
    assert describe(_verdict(level="cards")) == (
        "YOU MAY ERASE SHUTTLE_03 (rotation; cards level: uploaded and proven)"
    )


def test_a_drive_clear_at_the_raid_level_says_it_is_archived_too() -> None:
    assert describe(_verdict(level="raid")) == (
        "YOU MAY ERASE SHUTTLE_03 (rotation; RAID level: uploaded, proven and archived)"
    )


def test_a_blocked_drive_names_each_reason() -> None:
    assert describe(_verdict(reasons=2)) == ("SHUTTLE_03 may NOT be erased: reason 0; reason 1")


def test_a_blocked_drive_names_five_reasons_and_counts_the_rest() -> None:
    assert describe(_verdict(reasons=7)) == (
        "SHUTTLE_03 may NOT be erased: reason 0; reason 1; reason 2; reason 3; reason 4"
        " (and 2 more)"
    )


def test_a_revoked_clearance_is_announced_as_such() -> None:
    assert revoked("SHUTTLE_03 may NOT be erased: x") == (
        "CLEARANCE REVOKED: SHUTTLE_03 may NOT be erased: x"
    )


# --- every event, in the words rollkeeper has always used ------------------------------------
# The expected sentences are what the ledger and the daemon wrote before events carried facts:
# an event worded from its facts must read exactly the same.

ROLL = "20261121/Camera_Media/A001R1AB"
FOLDER = "Shoot/20261121/Camera_Media/A001R1AB"
VOLUME = 3


def test_a_mounted_volume_is_named_with_its_role_and_mount_point() -> None:
    event = happened.volume_mounted(
        VOLUME, label="RAID_A", role="raid", mount_path="/Volumes/RAID_A"
    )
    assert say(event) == "RAID_A (raid) mounted at /Volumes/RAID_A"


def test_an_unmounted_volume_is_no_longer_mounted() -> None:
    assert say(happened.volume_unmounted(VOLUME, label="RAID_A")) == "RAID_A is no longer mounted"


def test_a_namesake_volume_is_said_to_be_a_different_drive() -> None:
    event = happened.volume_namesake(
        VOLUME, label="SHUTTLE_01", role="rotation", mount_path="/Volumes/SHUTTLE_01"
    )
    assert say(event) == (
        "SHUTTLE_01 at /Volumes/SHUTTLE_01 is a different drive from the SHUTTLE_01 seen before "
        "(its filesystem UUID differs); they are tracked separately"
    )


def test_a_layout_problem_is_said_as_the_scan_lists_it() -> None:
    problem = "warning: Shoot/A001R1AB: no shoot day folder above the roll"
    assert say(happened.layout_problem(VOLUME, problem)) == problem


def test_a_failed_watch_is_said_as_the_watcher_put_it() -> None:
    problem = "inotify watch limit reached"
    assert say(happened.watch_failed(VOLUME, problem)) == problem


def test_a_roll_state_change_names_the_new_state() -> None:
    event = happened.roll_state(
        ROLL, before="verifying", after=RollState.VERIFIED, copies_disagree=False
    )
    assert say(event) == f"roll {ROLL} is now verified"


def test_copies_that_disagree_are_a_conflict() -> None:
    event = happened.roll_state(
        ROLL, before="verified", after=RollState.CONFLICT, copies_disagree=True
    )
    assert say(event) == (
        f"CONFLICT: roll {ROLL} exists on several volumes with different MHL content; "
        "it will not be processed until the copies agree"
    )


def test_a_conflict_of_the_upload_alone_is_a_plain_state_change() -> None:
    event = happened.roll_state(
        ROLL, before="uploading", after=RollState.CONFLICT, copies_disagree=False
    )
    assert say(event) == f"roll {ROLL} is now conflict"


def test_a_discovered_copy_names_its_folder() -> None:
    event = happened.copy_discovered(ROLL, VOLUME, folder=FOLDER)
    assert say(event) == (
        "roll 20261121/Camera_Media/A001R1AB found in Shoot/20261121/Camera_Media/A001R1AB"
    )


def test_a_copy_back_is_verified_again() -> None:
    event = happened.copy_back(ROLL, VOLUME, folder=FOLDER)
    assert say(event) == f"roll {ROLL} is back in {FOLDER}; it will be verified again"


def test_a_changed_mhl_of_an_unproven_copy_is_just_changed() -> None:
    event = happened.mhl_changed(ROLL, VOLUME, folder=FOLDER, proven=False)
    assert say(event) == f"the MHL of roll {ROLL} in {FOLDER} changed"


def test_a_changed_mhl_of_a_proven_copy_says_it_is_verified_again() -> None:
    event = happened.mhl_changed(ROLL, VOLUME, folder=FOLDER, proven=True)
    assert say(event) == (
        f"the MHL of roll {ROLL} in {FOLDER} changed after it was verified; "
        "it will be verified again"
    )


def test_an_mhl_that_reads_again_is_said_so() -> None:
    assert say(happened.mhl_reads_again(ROLL, VOLUME)) == f"roll {ROLL}: its MHL reads again"


def test_a_ready_copy_is_verified_and_uploaded_in_one_pass() -> None:
    event = happened.verification_started(
        ROLL, VOLUME, label="SHUTTLE_01", retry=False, uploading=True
    )
    assert say(event) == (
        f"roll {ROLL} on SHUTTLE_01 is ready (every listed file present and quiet); "
        "verifying and uploading in one pass"
    )


def test_a_copy_due_for_another_upload_attempt_says_so() -> None:
    event = happened.verification_started(
        ROLL, VOLUME, label="SHUTTLE_01", retry=True, uploading=False
    )
    assert say(event) == (
        f"roll {ROLL} on SHUTTLE_01 is due for another upload attempt "
        "(every listed file present and quiet); verifying"
    )


def test_a_verified_copy_counts_its_files() -> None:
    event = happened.copy_verified(ROLL, VOLUME, label="SHUTTLE_01", files=12, problems=[])
    assert say(event) == f"roll {ROLL} on SHUTTLE_01: verified, 12 files"


def test_a_failed_verification_names_its_state_and_first_five_problems() -> None:
    problems = [f"mismatch A001C00{i}.mov" for i in range(1, 8)]
    event = happened.verification_failed(
        ROLL, VOLUME, state=CopyState.MISMATCH, label="SHUTTLE_01", problems=problems
    )
    assert say(event) == (
        f"MISMATCH: roll {ROLL} on SHUTTLE_01: mismatch A001C001.mov; mismatch A001C002.mov; "
        "mismatch A001C003.mov; mismatch A001C004.mov; mismatch A001C005.mov"
    )


def test_an_unreadable_mhl_is_said_with_its_error() -> None:
    event = happened.mhl_unreadable(
        ROLL, VOLUME, label="SHUTTLE_01", error="A001R1AB.mhl: not well-formed (line 3)"
    )
    assert say(event) == f"roll {ROLL} on SHUTTLE_01: A001R1AB.mhl: not well-formed (line 3)"


def test_a_quiet_incomplete_copy_names_the_first_three_files_it_waits_for() -> None:
    waiting = [f"A001C00{i}.mov (missing)" for i in range(1, 6)]
    event = happened.quiet_but_incomplete(ROLL, VOLUME, label="SHUTTLE_01", waiting_for=waiting)
    assert say(event) == (
        f"INCOMPLETE: roll {ROLL} on SHUTTLE_01 has been quiet but is waiting for 5 file(s): "
        "A001C001.mov (missing), A001C002.mov (missing), A001C003.mov (missing), …"
    )


def test_a_copy_refused_for_a_link_leaving_the_roll_names_the_file_and_what_to_do() -> None:
    event = happened.link_leaves_roll(ROLL, VOLUME, label="SHUTTLE_01", links=["Clips/X.mov"])
    assert event.severity is Severity.ALARM
    assert say(event) == (
        f"REFUSED: roll {ROLL} on SHUTTLE_01: Clips/X.mov is a symbolic link to somewhere "
        "outside the roll; copy the file itself, not a link"
    )


def test_a_file_still_waited_for_is_said_with_the_bytes_present_and_listed() -> None:
    assert file_short("Clips/A.mov", 11, 1221) == "Clips/A.mov (11 of 1221 bytes)"
    assert file_short("Clips/A.mov", None, 1221) == "Clips/A.mov (missing; 1221 bytes listed)"
    assert file_short("Clips/A.mov", None, None) == "Clips/A.mov (missing)"


@pytest.mark.parametrize(("have", "want"), [(11, 1221), (None, 1221), (None, None), (0, None)])
def test_a_file_still_waited_for_reads_back_as_its_path_and_bytes(
    have: int | None, want: int | None
) -> None:
    line = file_short("Clips/A (1).mov", have, want)
    assert read_file_short(line) == ("Clips/A (1).mov", have, want)


def test_a_line_that_is_not_a_file_waited_for_reads_back_as_nothing() -> None:
    assert read_file_short("mismatch Clips/A.mov (xxh64 differs)") is None


def test_a_quiet_copy_short_of_one_file_names_it_alone() -> None:
    event = happened.quiet_but_incomplete(
        ROLL, VOLUME, label="SHUTTLE_01", waiting_for=["A001C001.mov (10 of 20 bytes)"]
    )
    assert say(event) == (
        f"INCOMPLETE: roll {ROLL} on SHUTTLE_01 has been quiet but is waiting for 1 file(s): "
        "A001C001.mov (10 of 20 bytes)"
    )


def test_a_stale_proven_copy_names_the_first_five_changes() -> None:
    changes = [f"A001C00{i}.mov (changed)" for i in range(1, 7)]
    event = happened.copy_stale(ROLL, VOLUME, label="SHUTTLE_01", proven=True, changes=changes)
    assert say(event) == (
        f"STALE: roll {ROLL} on SHUTTLE_01 changed after it was verified (A001C001.mov "
        "(changed), A001C002.mov (changed), A001C003.mov (changed), A001C004.mov (changed), "
        "A001C005.mov (changed)); it will be verified again"
    )


def test_a_stale_unproven_copy_changed_after_it_was_checked() -> None:
    event = happened.copy_stale(
        ROLL, VOLUME, label="SHUTTLE_01", proven=False, changes=["new.mov (new file)"]
    )
    assert say(event) == (
        f"STALE: roll {ROLL} on SHUTTLE_01 changed after it was checked (new.mov (new file)); "
        "it will be verified again"
    )


def test_a_gone_proven_copy_says_it_was_verified() -> None:
    event = happened.copy_gone(ROLL, VOLUME, label="SHUTTLE_01", folder=FOLDER, proven=True)
    assert say(event) == (
        f"roll {ROLL}: its MHL or folder {FOLDER} disappeared from SHUTTLE_01 after it was verified"
    )


def test_a_gone_unproven_copy_just_disappeared() -> None:
    event = happened.copy_gone(ROLL, VOLUME, label="SHUTTLE_01", folder=FOLDER, proven=False)
    assert say(event) == f"roll {ROLL}: its MHL or folder {FOLDER} disappeared from SHUTTLE_01"


def test_a_verification_cut_short_by_a_stop_starts_again_on_its_drive() -> None:
    assert say(happened.interrupted_by_stop(ROLL, VOLUME, label="SHUTTLE_01")) == (
        f"verification of roll {ROLL} on SHUTTLE_01 did not finish before the last stop; it "
        "starts again"
    )


def test_a_verification_cut_short_by_a_stop_recorded_without_its_drive_is_said_without_it() -> None:
    assert say(happened.interrupted_by_stop(ROLL, VOLUME)) == (
        f"verification of roll {ROLL} did not finish before the last stop; it starts again"
    )


def test_a_verification_whose_volume_went_away_resumes_when_it_is_back() -> None:
    event = happened.verification_interrupted(ROLL, VOLUME, label="SHUTTLE_01", error=None)
    assert say(event) == (
        f"verification of roll {ROLL} interrupted (SHUTTLE_01 went away during verification); "
        "it resumes when the volume is back"
    )


def test_an_interrupted_verification_names_its_error() -> None:
    event = happened.verification_interrupted(
        ROLL, VOLUME, label="SHUTTLE_01", error="[Errno 5] Input/output error"
    )
    assert say(event) == (
        f"verification of roll {ROLL} on SHUTTLE_01 interrupted ([Errno 5] Input/output "
        "error); it resumes when the volume is back"
    )


def test_a_discarded_verification_names_the_copy_state_now() -> None:
    event = happened.verification_discarded(ROLL, VOLUME, now=CopyState.SETTLING)
    assert say(event) == (
        f"a verification of roll {ROLL} finished after the copy changed (now settling); "
        "its result was not kept"
    )


def test_an_internal_error_names_the_error_and_when_it_is_tried_again() -> None:
    event = happened.internal_error(ROLL, VOLUME, error=KeyError("size"), retry_seconds=60.0)
    assert say(event) == (
        f"internal error while processing roll {ROLL} (KeyError: 'size'); it is tried again in 60s"
    )


def test_an_unusable_target_is_said_as_the_target_put_it() -> None:
    problem = "bucket no-such-bucket-here does not exist"
    assert say(happened.target_unusable(problem)) == problem


def test_a_verified_roll_waiting_for_storage_says_so_with_the_targets_reason() -> None:
    event = happened.storage_waiting(
        ROLL, VOLUME, label="RAID_A", problem="s3://footage at http://x: checking failed"
    )
    assert say(event) == (
        f"roll {ROLL} from RAID_A: verified — waiting for storage "
        "(TARGET: s3://footage at http://x: checking failed)"
    )
    assert event.severity is Severity.WARNING


def test_a_reason_that_blames_the_target_already_is_not_blamed_twice() -> None:
    event = happened.storage_waiting(
        ROLL, VOLUME, label="RAID_A", problem="TARGET full: 0 bytes free on /mnt/nas"
    )
    assert say(event) == (
        f"roll {ROLL} from RAID_A: verified — waiting for storage "
        "(TARGET full: 0 bytes free on /mnt/nas)"
    )


def test_an_adopted_target_names_its_identity_and_marker() -> None:
    event = happened.target_adopted(
        "folder /mnt/nas", identity="ab12", marker=".rollkeeper-target.json", written=True
    )
    assert say(event) == (
        "TARGET adopted: folder /mnt/nas is this cart's storage from now on (identity ab12, "
        "marker .rollkeeper-target.json written)"
    )


def test_a_target_usable_again_says_the_waiting_rolls_go_now() -> None:
    assert say(happened.target_usable("folder /mnt/nas")) == (
        "TARGET usable again: folder /mnt/nas; rolls waiting for storage are uploaded now"
    )


def test_a_started_upload_names_its_size_and_target() -> None:
    event = happened.upload_started(ROLL, VOLUME, target="s3://footage/show", bytes_total=1048576)
    assert say(event) == f"uploading roll {ROLL} (1048576 bytes) to s3://footage/show"


def test_a_done_upload_counts_the_stored_files_and_names_the_manifest() -> None:
    event = happened.upload_done(
        ROLL, VOLUME, label="SHUTTLE_01", files=12, manifest="show/A001R1AB.mhl", problems=[]
    )
    assert say(event) == (
        f"UPLOADED: roll {ROLL} from SHUTTLE_01: 12 files stored and proven; "
        "manifest show/A001R1AB.mhl"
    )


def test_a_failed_upload_names_its_stage_and_the_upload_problems() -> None:
    event = happened.upload_failed(
        ROLL,
        VOLUME,
        stage=UploadStage.UPLOAD_FAILED,
        label="SHUTTLE_01",
        manifest=None,
        problems=["extra: notes.txt", "BAD.mov: connection reset"],
        upload_problems=["BAD.mov: connection reset"],
    )
    assert say(event) == f"UPLOAD_FAILED: roll {ROLL} from SHUTTLE_01: BAD.mov: connection reset"


def test_an_abandoned_upload_names_its_key() -> None:
    assert say(happened.upload_abandoned("show/leftover/from-a-crash.mov")) == (
        "aborted an abandoned upload of show/leftover/from-a-crash.mov"
    )


def test_one_missing_object_is_gone() -> None:
    event = happened.objects_missing(ROLL, paths=["A001C001.mov"], drive="SHUTTLE_01")
    assert say(event) == (
        f"STORED OBJECT MISSING: roll {ROLL}: A001C001.mov is gone from storage or changed "
        "there (found while re-checking SHUTTLE_01); the roll is uploaded again"
    )


def test_several_missing_objects_are_gone_and_five_are_named() -> None:
    paths = [f"A001C00{i}.mov" for i in range(1, 8)]
    event = happened.objects_missing(ROLL, paths=paths, drive="SHUTTLE_01")
    assert say(event) == (
        f"STORED OBJECT MISSING: roll {ROLL}: A001C001.mov, A001C002.mov, A001C003.mov, "
        "A001C004.mov, A001C005.mov are gone from storage or changed there "
        "(found while re-checking SHUTTLE_01); the roll is uploaded again"
    )


def test_an_object_found_gone_by_listing_storage_says_what_follows() -> None:
    event = happened.objects_missing(ROLL, paths=["A001C001.mov"], drive="")
    assert say(event) == (
        f"STORED OBJECT MISSING: roll {ROLL}: A001C001.mov is gone from storage (found by "
        "listing it); every clearance resting on it is withdrawn, and the roll is uploaded "
        "again from a mounted copy once that copy is verified again"
    )


def test_an_object_changed_in_storage_says_it_is_never_written_over_and_how_to_replace_it() -> None:
    event = happened.objects_changed(ROLL, paths=["A001C001.mov"])
    assert event.severity is Severity.ALARM
    assert say(event) == (
        f"STORED OBJECT CHANGED: roll {ROLL}: A001C001.mov holds other bytes in storage than "
        "were uploaded; nothing is written over it and no clearance rests on it: move the "
        "object aside (or delete it) to have the roll uploaded again"
    )


def test_storage_that_cannot_be_checked_says_why_and_that_nothing_rests_on_it() -> None:
    event = happened.storage_unchecked(ROLL, "folder /mnt/nas does not exist")
    assert say(event) == (
        f"roll {ROLL}: storage cannot be checked: folder /mnt/nas does not exist; no clearance "
        "rests on it until it can be"
    )


def test_an_unusable_archive_is_said_as_the_provider_put_it() -> None:
    problem = "the bucket has no replication configured"
    assert say(happened.archive_unusable(problem, provider="s3-replication")) == problem


def test_an_archived_roll_names_the_provider() -> None:
    assert say(happened.archived(ROLL, provider="s3-replication")) == (
        f"ARCHIVED: roll {ROLL}: the archival copy of every object is verified (s3-replication)"
    )


def test_a_failed_archive_names_the_provider_and_first_five_reasons() -> None:
    reasons = [f"A001C00{i}.mov: FAILED" for i in range(1, 7)]
    event = happened.archive_failed(ROLL, provider="s3-replication", reasons=reasons)
    assert say(event) == (
        f"ARCHIVE FAILED: roll {ROLL} (s3-replication): A001C001.mov: FAILED; "
        "A001C002.mov: FAILED; A001C003.mov: FAILED; A001C004.mov: FAILED; A001C005.mov: FAILED"
    )


def test_an_overdue_archive_names_its_reasons() -> None:
    event = happened.archive_overdue(
        ROLL, provider="s3-replication", reasons=["A001C001.mov: PENDING"], state="pending"
    )
    assert say(event) == (
        f"ARCHIVE OVERDUE: roll {ROLL} still has no verified archival copy "
        "(s3-replication: A001C001.mov: PENDING)"
    )


def test_an_overdue_archive_without_reasons_names_its_state() -> None:
    event = happened.archive_overdue(ROLL, provider="glacier", reasons=[], state="pending")
    assert say(event) == (
        f"ARCHIVE OVERDUE: roll {ROLL} still has no verified archival copy (glacier: pending)"
    )


def test_a_granted_clearance_is_worded_as_its_verdict() -> None:
    verdict = _verdict(level="cards")
    assert say(happened.clearance(VOLUME, verdict)) == describe(verdict)
    assert say(happened.clearance(VOLUME, verdict)) == (
        "YOU MAY ERASE SHUTTLE_03 (rotation; cards level: uploaded and proven)"
    )


def test_a_revoked_clearance_is_announced_with_its_reasons() -> None:
    event = happened.clearance(VOLUME, _verdict(reasons=7))
    assert say(event) == (
        "CLEARANCE REVOKED: SHUTTLE_03 may NOT be erased: reason 0; reason 1; reason 2; "
        "reason 3; reason 4 (and 2 more)"
    )


def test_a_blocked_drive_with_more_reasons_than_the_event_keeps_counts_them_all() -> None:
    event = happened.clearance(VOLUME, _verdict(reasons=30))
    assert say(event).endswith("reason 4 (and 25 more)")


def test_every_kind_of_event_has_its_words() -> None:
    assert set(EventKind) == WORDED_KINDS


def test_an_event_recorded_as_prose_reads_as_it_was_written() -> None:
    event = happened.recorded(
        EventKind.COPY_STATE,
        Severity.INFO,
        roll_id=ROLL,
        volume_id=VOLUME,
        text="roll A001R1AB: as an older rollkeeper put it",
        facts={"state": "settling"},
    )
    assert say(event) == "roll A001R1AB: as an older rollkeeper put it"


def test_an_event_read_back_without_prose_is_worded_from_its_facts() -> None:
    event = happened.recorded(
        EventKind.COPY_DISCOVERED,
        Severity.INFO,
        roll_id=ROLL,
        volume_id=VOLUME,
        text="",
        facts={"folder": FOLDER},
    )
    assert say(event) == f"roll {ROLL} found in {FOLDER}"


def test_the_scan_lists_a_layout_problem_with_its_severity_and_folder() -> None:
    problem = LayoutProblem(folder="", message="two MHLs claim this folder", severity="warning")
    assert layout_problem(problem) == "warning: .: two MHLs claim this folder"


def test_the_scan_lists_an_unreadable_path_with_its_error() -> None:
    assert unreadable("Shoot/A001", "[Errno 13] Permission denied") == (
        "error: Shoot/A001: cannot be read ([Errno 13] Permission denied)"
    )


def _roll_verdict(cards: bool, raid: bool, reasons: tuple[str, ...] = ()) -> RollVerdict:
    raid_reasons = () if raid else (f"{ROLL}: archival copy not yet made and verified",)
    return RollVerdict(ROLL, cards, raid, reasons, raid_reasons, ())


def test_a_roll_clear_at_both_levels_may_have_cards_and_raid_copies_erased() -> None:
    assert describe_roll(_roll_verdict(True, True)) == (
        f"YOU MAY ERASE the cards and the RAID copies of {ROLL} (uploaded, proven, archived)"
    )


def test_a_roll_clear_at_the_cards_level_keeps_its_raid_copies_and_says_why() -> None:
    assert describe_roll(_roll_verdict(True, False)) == (
        f"YOU MAY ERASE the cards of {ROLL} (uploaded and proven); KEEP its RAID copies: "
        "archival copy not yet made and verified"
    )


def test_a_roll_not_clear_keeps_everything_with_its_first_reason_and_how_many_more() -> None:
    reasons = (f"{ROLL}: keep — storage cannot be checked: denied", f"{ROLL}: other")
    assert describe_roll(_roll_verdict(False, False, reasons)) == (
        f"KEEP the cards and the RAID copies of {ROLL}: keep — storage cannot be checked: "
        "denied (and 1 more)"
    )


def test_run_once_names_at_most_five_rolls_still_settling_and_how_long_it_waited() -> None:
    rolls = [f"20261121_Day01/Camera_Media/A00{n}R1AB" for n in range(1, 8)]

    assert still_settling(rolls, 90.0) == (
        "Still settling after 90 s, not yet verified: 7 roll(s): "
        + ", ".join(rolls[:5])
        + ", …; run again later, or with a longer --wait"
    )
