"""Specification: every kind of event carries documented facts, plain JSON, and says how loud it is.

The facts of each kind are named once (`core.event_facts`, by kind in `core.events.FACTS`); every
constructor in `core.happened` builds exactly that shape, so a channel reading an event (or the
ledger storing one) can rely on it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from rollkeeper.core import happened
from rollkeeper.core.clearance import Blocker, DriveVerdict
from rollkeeper.core.events import (
    DEFAULT_SEVERITY,
    FACTS,
    RECORDED_TEXT,
    SEVERITY_FROM_FACTS,
    Event,
    EventKind,
    Severity,
)
from rollkeeper.core.lifecycle import CopyState, RollState, UploadStage
from rollkeeper.core.words import say

ROLL = "20261121/Camera_Media/A001R1AB"
FOLDER = "Shoot/20261121/Camera_Media/A001R1AB"
VOLUME = 3
CLEAR = DriveVerdict("SHUTTLE_03", "rotation", True, "cards", (), ())
BLOCKED = DriveVerdict(
    "SHUTTLE_03", "rotation", False, "none", (Blocker(ROLL, "not uploaded"),), ()
)

#: One event of every situation each constructor words.
SAMPLES: tuple[Event, ...] = (
    happened.volume_mounted(VOLUME, label="RAID_A", role="raid", mount_path="/Volumes/RAID_A"),
    happened.volume_namesake(VOLUME, label="RAID_A", role="raid", mount_path="/Volumes/RAID_A"),
    happened.volume_unmounted(VOLUME, label="RAID_A"),
    happened.layout_problem(VOLUME, "warning: .: two MHLs"),
    happened.watch_failed(VOLUME, "inotify watch limit reached"),
    happened.roll_state(ROLL, before="verified", after=RollState.CONFLICT, copies_disagree=True),
    happened.copy_discovered(ROLL, VOLUME, folder=FOLDER),
    happened.mhl_reads_again(ROLL, VOLUME),
    happened.verification_started(ROLL, VOLUME, label="RAID_A", retry=False, uploading=True),
    happened.copy_verified(ROLL, VOLUME, label="RAID_A", files=3, problems=[]),
    happened.verification_failed(
        ROLL, VOLUME, state=CopyState.MISMATCH, label="RAID_A", problems=["mismatch x.mov"]
    ),
    happened.mhl_unreadable(ROLL, VOLUME, label="RAID_A", error="not well-formed"),
    happened.quiet_but_incomplete(ROLL, VOLUME, label="RAID_A", waiting_for=["x.mov (missing)"]),
    happened.copy_stale(ROLL, VOLUME, label="RAID_A", proven=True, changes=["x.mov (changed)"]),
    happened.copy_gone(ROLL, VOLUME, label="RAID_A", folder=FOLDER, proven=True),
    happened.copy_back(ROLL, VOLUME, folder=FOLDER),
    happened.copy_erased(ROLL, VOLUME, label="SHUTTLE_01", onset_copies=1),
    happened.copy_differs(
        ROLL,
        VOLUME,
        label="SHUTTLE_02",
        content_label="RAID_A",
        stored=True,
        paths=["Clips/C001.mov"],
    ),
    happened.reverify_requested(ROLL, VOLUME, label="RAID_A"),
    happened.volume_erased(
        VOLUME, label="SHUTTLE_01", how="wiped", cleared=True, rolls=["A001R1AB"]
    ),
    happened.mhl_changed(ROLL, VOLUME, folder=FOLDER, proven=True),
    happened.interrupted_by_stop(ROLL, VOLUME),
    happened.verification_interrupted(ROLL, VOLUME, label="RAID_A", error="I/O error"),
    happened.verification_discarded(ROLL, VOLUME, now=CopyState.SETTLING),
    happened.internal_error(ROLL, VOLUME, error=KeyError("size"), retry_seconds=60.0),
    happened.target_unusable("bucket missing"),
    happened.target_adopted("folder /mnt/nas", identity="ab12", marker=".m.json", written=True),
    happened.target_usable("folder /mnt/nas"),
    happened.storage_waiting(ROLL, VOLUME, label="RAID_A", problem="TARGET full: 0 bytes free"),
    happened.space_low(
        "target folder /mnt/nas", free=10, needed=20, roll_id=ROLL, roll_bytes=5, fits=False
    ),
    happened.upload_started(ROLL, VOLUME, target="s3://footage", bytes_total=10),
    happened.upload_done(
        ROLL, VOLUME, label="RAID_A", files=3, manifest="show/A001R1AB.mhl", problems=[]
    ),
    happened.upload_failed(
        ROLL,
        VOLUME,
        stage=UploadStage.UPLOAD_FAILED,
        label="RAID_A",
        manifest=None,
        problems=["x.mov: reset"],
        upload_problems=["x.mov: reset"],
    ),
    happened.upload_abandoned("show/x.mov"),
    happened.objects_missing(ROLL, paths=["x.mov"], drive="SHUTTLE_03"),
    happened.objects_changed(ROLL, paths=["x.mov"]),
    happened.storage_unchecked(ROLL, "s3://b/ at http://127.0.0.1:1: listing x failed (403)"),
    happened.archive_unusable("no replication configured", provider="s3-replication"),
    happened.archived(ROLL, provider="s3-replication"),
    happened.archive_failed(ROLL, provider="s3-replication", reasons=["x.mov: FAILED"]),
    happened.archive_overdue(ROLL, provider="s3-replication", reasons=[], state="pending"),
    happened.summary_asked("20261121", occasion="daily"),
    happened.clearance(VOLUME, CLEAR),
    happened.clearance(VOLUME, BLOCKED),
)

ALARMS = {
    EventKind.COPY_FAILED,
    EventKind.INTERNAL_ERROR,
    EventKind.TARGET_UNUSABLE,
    EventKind.UPLOAD_FAILED,
    EventKind.OBJECT_MISSING,
    EventKind.ARCHIVE_FAILED,
    EventKind.ARCHIVE_OVERDUE,
}


def _named(event: Event) -> str:
    return f"{event.kind.value}:{sorted(event.facts)}"


def test_every_kind_of_event_has_a_constructor() -> None:
    assert {event.kind for event in SAMPLES} == set(EventKind)


def test_every_kind_of_event_documents_its_facts() -> None:
    assert set(FACTS) == set(EventKind)


def test_every_kind_of_event_has_a_default_severity_or_one_its_facts_decide() -> None:
    assert set(DEFAULT_SEVERITY) | SEVERITY_FROM_FACTS == set(EventKind)
    assert not set(DEFAULT_SEVERITY) & SEVERITY_FROM_FACTS


@pytest.mark.parametrize("event", SAMPLES, ids=_named)
def test_an_event_carries_exactly_the_facts_documented_for_its_kind(event: Event) -> None:
    shape: Any = FACTS[event.kind]  # a TypedDict class: its keys are known at run time
    assert shape.__required_keys__ <= set(event.facts)
    assert set(event.facts) <= shape.__required_keys__ | shape.__optional_keys__


@pytest.mark.parametrize("event", SAMPLES, ids=_named)
def test_an_event_reads_the_same_after_its_facts_went_through_json(event: Event) -> None:
    stored = json.loads(json.dumps(event.facts))
    assert say(replace(event, facts=stored)) == say(event)


@pytest.mark.parametrize("event", [e for e in SAMPLES if e.kind in DEFAULT_SEVERITY], ids=_named)
def test_an_event_of_a_kind_with_a_default_severity_has_it(event: Event) -> None:
    assert event.severity is DEFAULT_SEVERITY[event.kind]


def test_alarm_kinds_are_alarms() -> None:
    assert {kind for kind in ALARMS if DEFAULT_SEVERITY[kind] is Severity.ALARM} == ALARMS


def test_an_alarm_is_announced() -> None:
    assert all(e.announced for e in SAMPLES if e.kind in ALARMS)


def test_good_news_is_announced_too() -> None:
    announced = {e.kind for e in SAMPLES if e.announced and e.severity is not Severity.ALARM}
    assert announced == {
        EventKind.UPLOAD_DONE,
        EventKind.ARCHIVE_DONE,
        EventKind.CLEARANCE_GRANTED,
        EventKind.CLEARANCE_REVOKED,
        EventKind.LAYOUT_PROBLEM,
        EventKind.DAY_SUMMARY,
    }


def test_copies_that_disagree_are_an_alarm() -> None:
    event = happened.roll_state(
        ROLL, before="verified", after=RollState.CONFLICT, copies_disagree=True
    )
    assert event.severity is Severity.ALARM


def test_a_plain_roll_state_change_is_information() -> None:
    event = happened.roll_state(
        ROLL, before="verified", after=RollState.UPLOADING, copies_disagree=False
    )
    assert event.severity is Severity.INFO


def test_a_conflict_of_the_upload_alone_is_no_alarm_of_its_own() -> None:
    event = happened.roll_state(
        ROLL, before="uploading", after=RollState.CONFLICT, copies_disagree=False
    )
    assert event.severity is Severity.INFO


@pytest.mark.parametrize(
    ("proven", "severity"), [(True, Severity.ALARM), (False, Severity.WARNING)]
)
def test_a_changed_copy_is_an_alarm_only_when_it_had_been_proven(
    proven: bool, severity: Severity
) -> None:
    assert happened.mhl_changed(ROLL, VOLUME, folder=FOLDER, proven=proven).severity is severity
    stale = happened.copy_stale(ROLL, VOLUME, label="RAID_A", proven=proven, changes=[])
    assert stale.severity is severity


@pytest.mark.parametrize("proven", [True, False])
def test_a_copy_lost_from_a_drive_never_cleared_is_always_an_alarm(proven: bool) -> None:
    gone = happened.copy_gone(ROLL, VOLUME, label="RAID_A", folder=FOLDER, proven=proven)
    assert gone.severity is Severity.ALARM


def test_an_erased_drive_is_news_when_it_was_cleared_and_a_warning_when_it_was_not() -> None:
    cleared = happened.volume_erased(VOLUME, label="S", how="wiped", cleared=True, rolls=[])
    forced = happened.volume_erased(VOLUME, label="S", how="told", cleared=False, rolls=[])
    assert (cleared.severity, forced.severity) == (Severity.INFO, Severity.WARNING)


def test_no_archive_configured_is_a_warning_not_an_alarm() -> None:
    assert happened.archive_unusable("none", provider="none").severity is Severity.WARNING
    assert happened.archive_unusable("x", provider="glacier").severity is Severity.ALARM


def test_a_granted_clearance_is_information_and_a_revoked_one_a_warning() -> None:
    assert happened.clearance(VOLUME, CLEAR).severity is Severity.INFO
    assert happened.clearance(VOLUME, BLOCKED).severity is Severity.WARNING


def test_long_lists_are_kept_to_their_first_entries_with_the_count() -> None:
    paths = [f"A001C{i:03}.mov" for i in range(100)]
    event = happened.objects_missing(ROLL, paths=paths, drive="SHUTTLE_03")
    assert event.facts["paths"] == paths[: happened.LISTED]
    assert event.facts["missing_count"] == 100


def test_an_event_read_back_keeps_its_recorded_sentence_as_a_fact() -> None:
    event = happened.recorded(
        EventKind.VOLUME_UNMOUNTED,
        Severity.INFO,
        roll_id=None,
        volume_id=VOLUME,
        text="RAID_A is no longer mounted",
        facts={},
    )
    assert event.facts == {RECORDED_TEXT: "RAID_A is no longer mounted"}
    assert (event.kind, event.volume_id) == (EventKind.VOLUME_UNMOUNTED, VOLUME)


def test_only_a_rolls_upload_and_archive_are_good_news_that_may_wait() -> None:
    waiting = {e.kind for e in SAMPLES if e.good_news}
    assert waiting == {EventKind.UPLOAD_DONE, EventKind.ARCHIVE_DONE}
