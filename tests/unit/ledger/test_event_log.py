"""Specification: the event log stores what happened as a kind and its facts, never prose; read
back, each event says the sentence rollkeeper has always said, in `core.words`' one voice.

An event recorded as prose (by an older rollkeeper) reads as it was written; a kind or severity
this rollkeeper does not know reads back too, as it was stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from rollkeeper.core import happened
from rollkeeper.core.clearance import Blocker, DriveVerdict, Level
from rollkeeper.core.events import FACTS, RECORDED_TEXT, EventKind, Severity
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.ledger.rows import RecordedEvent, VerifiedFile
from rollkeeper.ledger.store import Ledger

from tests.unit.ledger.records import CLIP, ROLL_ID, seen, started, store_roll


def mount(ledger: Ledger, label: str = "RAID_A", fs_uuid: str = "UUID-A") -> int:
    return ledger.volume_mounted(
        label=label, role="raid", fs_uuid=fs_uuid, subpath="", mount_path=f"/Volumes/{label}"
    ).id


def observe(ledger: Ledger, volume_id: int, fingerprint: str = "fp-1") -> None:
    ledger.observe_copy(seen(volume_id, fingerprint))


def verifying(ledger: Ledger) -> int:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    uploading = started(volume_id, uploading=True)
    ledger.set_copy_state(ROLL_ID, volume_id, CopyState.VERIFYING, event=uploading)
    return volume_id


def evidence() -> list[VerifiedFile]:
    return [VerifiedFile(CLIP, 3, {"xxh64": "ab"}, "ok", {"xxh64": "ab"}, 7, 9)]


def verified(ledger: Ledger, volume_id: int) -> None:
    proven = happened.copy_verified(ROLL_ID, volume_id, label="RAID_A", files=1, problems=[])
    ledger.record_verification(
        ROLL_ID, volume_id, CopyState.VERIFIED, evidence(), problems=[], event=proven
    )


def uploaded(ledger: Ledger) -> int:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    store_roll(ledger, volume_id, manifest="p/m.mhl")
    return volume_id


def clearance(ledger: Ledger, *, clear: bool) -> int:
    """A verdict on RAID_A, recorded with the event that grants (or revokes) its clearance."""
    volume_id = mount(ledger)
    level = "raid" if clear else "none"
    event = happened.clearance(volume_id, _verdict(clear=clear))
    ledger.record_clearance(
        volume_id=volume_id, clear=clear, level=level, verdict={}, evidence={}, event=event
    )
    return volume_id


def old_row(ledger: Ledger, kind: str, severity: str, message: str, data: str) -> None:
    """An event as an older rollkeeper wrote it: its sentence in the message column."""
    ledger.db.execute(
        "INSERT INTO events (at, kind, severity, message, data) "
        "VALUES ('2026-11-21T00:00:00+00:00', ?, ?, ?, ?)",
        (kind, severity, message, data),
    )


def stored(ledger: Ledger, kind: str) -> tuple[str, str, dict[str, Any]]:
    """The last event of `kind` as its row holds it: severity, message column, facts."""
    severity, message, data = ledger.db.execute(
        "SELECT severity, message, data FROM events WHERE kind = ? ORDER BY id DESC LIMIT 1",
        (kind,),
    ).fetchone()
    return severity, message, json.loads(data)


def last(ledger: Ledger, kind: str) -> RecordedEvent:
    return [e for e in ledger.events() if e.kind == kind][-1]


def outbox(ledger: Ledger) -> list[str]:
    rows = ledger.db.execute(
        "SELECT e.kind FROM outbox o JOIN events e ON e.id = o.event_id ORDER BY o.id"
    )
    return [row[0] for row in rows]


# --- what the ledger records itself: facts in, today's sentences out -----------------------------


Situation = Callable[[Ledger], None]


def _remounted_elsewhere(ledger: Ledger) -> None:
    mount(ledger)
    ledger.volume_mounted(
        label="RAID_A", role="raid", fs_uuid="UUID-A", subpath="", mount_path="/Volumes/RAID_A 1"
    )


def _namesake(ledger: Ledger) -> None:
    ledger.volume_unmounted(mount(ledger, "SHUTTLE_01", "U1"))
    mount(ledger, "SHUTTLE_01", "U2")


def _unmounted(ledger: Ledger) -> None:
    ledger.volume_unmounted(mount(ledger))


def _layout_problem(ledger: Ledger) -> None:
    ledger.volume_scanned(mount(ledger), ["error: 2026112: not a shoot day"])


def _layout_problem_after_a_change(ledger: Ledger) -> None:
    ledger.volume_layout_changed(mount(ledger), ["warning: x: stray file"], [])


def _discovered(ledger: Ledger) -> None:
    observe(ledger, mount(ledger))


def _verified_as(ledger: Ledger, label: str, fs_uuid: str, fingerprint: str, xxh: str) -> None:
    volume_id = mount(ledger, label, fs_uuid)
    observe(ledger, volume_id, fingerprint)
    ledger.set_copy_state(ROLL_ID, volume_id, CopyState.VERIFYING, event=started(volume_id))
    proven = happened.copy_verified(ROLL_ID, volume_id, label=label, files=1, problems=[])
    files = [VerifiedFile(CLIP, 3, {"xxh64": xxh}, "ok", {"xxh64": xxh}, 7, 9)]
    ledger.record_verification(
        ROLL_ID, volume_id, CopyState.VERIFIED, files, problems=[], event=proven
    )


def _conflict(ledger: Ledger) -> None:
    _verified_as(ledger, "RAID_A", "U1", "fp-1", "ab")
    _verified_as(ledger, "SHUTTLE_01", "U2", "fp-2", "cd")


def _now_verifying(ledger: Ledger) -> None:
    verifying(ledger)


def _mhl_changed_after_verification(ledger: Ledger) -> None:
    volume_id = verifying(ledger)
    verified(ledger, volume_id)
    observe(ledger, volume_id, "fp-2")


def _mhl_changed_before_verification(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id, "fp-1")
    observe(ledger, volume_id, "fp-2")


def _back(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    gone = happened.copy_gone(ROLL_ID, volume_id, label="RAID_A", folder=ROLL_ID, proven=False)
    ledger.set_copy_state(ROLL_ID, volume_id, CopyState.GONE, event=gone)
    observe(ledger, volume_id)


def _interrupted_by_a_stop(ledger: Ledger) -> None:
    verifying(ledger)
    ledger.resume_interrupted()


def _discarded(ledger: Ledger) -> None:
    volume_id = verifying(ledger)
    observe(ledger, volume_id, "fp-2")
    verified(ledger, volume_id)


def _upload_started(ledger: Ledger) -> None:
    volume_id = verifying(ledger)
    ledger.upload_started(ROLL_ID, volume_id, target="s3://footage", key_prefix="p/", bytes_total=3)


def _object_missing(ledger: Ledger) -> None:
    uploaded(ledger)
    ledger.objects_missing(ROLL_ID, ["A001C001.mov", "A001C002.mov"], "SHUTTLE_03")


def _archive_answer(state: str, *, overdue: bool = False) -> Situation:
    def answer(ledger: Ledger) -> None:
        uploaded(ledger)
        ledger.record_archive_check(
            ROLL_ID, provider="glacier", state=state, reasons=["restore not yet asked"],
            objects={}, next_check_at="2026-11-22T00:00:00+00:00", overdue=overdue,
        )  # fmt: skip

    return answer


#: Each situation the ledger words itself, the kind it records, and the sentence it has always
#: said (written out as the ledger wrote its prose before events carried facts).
TODAYS_SENTENCES = [
    pytest.param(_remounted_elsewhere, "volume_mounted",
                 "RAID_A (raid) mounted at /Volumes/RAID_A 1", id="mounted"),
    pytest.param(_namesake, "volume_namesake",
                 "SHUTTLE_01 at /Volumes/SHUTTLE_01 is a different drive from the SHUTTLE_01 "
                 "seen before (its filesystem UUID differs); they are tracked separately",
                 id="namesake"),
    pytest.param(_unmounted, "volume_unmounted", "RAID_A is no longer mounted", id="unmounted"),
    pytest.param(_layout_problem, "layout_problem", "error: 2026112: not a shoot day",
                 id="layout-problem"),
    pytest.param(_layout_problem_after_a_change, "layout_problem", "warning: x: stray file",
                 id="layout-problem-after-a-change"),
    pytest.param(_discovered, "copy_discovered", f"roll {ROLL_ID} found in {ROLL_ID}",
                 id="discovered"),
    pytest.param(_conflict, "copy_differs",
                 f"CONFLICT: SHUTTLE_01 holds a different {ROLL_ID.rsplit('/', 1)[-1]} than the "
                 "one verified first (to be stored), read from RAID_A: 1 file(s) differ: "
                 f"{CLIP}. The copy on SHUTTLE_01 is not uploaded and SHUTTLE_01 is kept; "
                 "rename one of the two roll folders so that it becomes a roll of its own",
                 id="conflict"),
    pytest.param(_now_verifying, "roll_state", f"roll {ROLL_ID} is now verifying",
                 id="roll-state"),
    pytest.param(_mhl_changed_after_verification, "copy_mhl_changed",
                 f"the MHL of roll {ROLL_ID} in {ROLL_ID} changed after it was verified; it "
                 "will be verified again", id="mhl-changed-after-verification"),
    pytest.param(_mhl_changed_before_verification, "copy_mhl_changed",
                 f"the MHL of roll {ROLL_ID} in {ROLL_ID} changed",
                 id="mhl-changed-before-verification"),
    pytest.param(_back, "copy_back",
                 f"roll {ROLL_ID} is back in {ROLL_ID}; it will be verified again", id="back"),
    pytest.param(_interrupted_by_a_stop, "verify_interrupted",
                 f"verification of roll {ROLL_ID} on RAID_A did not finish before the last "
                 "stop; it starts again", id="interrupted-by-a-stop"),
    pytest.param(_discarded, "verify_discarded",
                 f"a verification of roll {ROLL_ID} finished after the copy changed (now "
                 "settling); its result was not kept", id="discarded"),
    pytest.param(_upload_started, "upload_started",
                 f"uploading roll {ROLL_ID} (3 bytes) to s3://footage", id="upload-started"),
    pytest.param(_object_missing, "object_missing",
                 f"STORED OBJECT MISSING: roll {ROLL_ID}: A001C001.mov, A001C002.mov are gone "
                 "from storage or changed there (found while re-checking SHUTTLE_03); the roll "
                 "is uploaded again", id="object-missing"),
    pytest.param(_archive_answer("archived"), "archive_done",
                 f"ARCHIVED: roll {ROLL_ID}: the archival copy of every object is verified "
                 "(glacier)", id="archived"),
    pytest.param(_archive_answer("failed"), "archive_failed",
                 f"ARCHIVE FAILED: roll {ROLL_ID} (glacier): restore not yet asked",
                 id="archive-failed"),
    pytest.param(_archive_answer("pending", overdue=True), "archive_overdue",
                 f"ARCHIVE OVERDUE: roll {ROLL_ID} still has no verified archival copy "
                 "(glacier: restore not yet asked)", id="archive-overdue"),
]  # fmt: skip


@pytest.mark.parametrize(("situation", "kind", "sentence"), TODAYS_SENTENCES)
def test_an_event_the_ledger_records_reads_back_as_the_sentence_it_always_said(
    ledger: Ledger, situation: Situation, kind: str, sentence: str
) -> None:
    situation(ledger)
    assert last(ledger, kind).message == sentence


@pytest.mark.parametrize(("situation", "kind", "sentence"), TODAYS_SENTENCES)
def test_an_event_the_ledger_records_stores_its_facts_and_no_prose(
    ledger: Ledger, situation: Situation, kind: str, sentence: str
) -> None:
    situation(ledger)
    _, _, facts = stored(ledger, kind)
    shape: Any = FACTS[EventKind(kind)]  # a TypedDict class: its keys are known at run time
    assert (
        shape.__required_keys__ <= set(facts) <= shape.__required_keys__ | shape.__optional_keys__
    )
    assert [m for (m,) in ledger.db.execute("SELECT message FROM events") if m] == []


def test_a_roll_state_keeps_the_from_and_to_it_always_stored(ledger: Ledger) -> None:
    _now_verifying(ledger)
    severity, _, facts = stored(ledger, "roll_state")
    assert (severity, facts) == ("info", {"from": "discovered", "to": "verifying",
                                         "copies_disagree": False})  # fmt: skip


def test_missing_stored_objects_keep_their_upload_error_as_it_was(ledger: Ledger) -> None:
    _object_missing(ledger)
    upload = ledger.roll_upload(ROLL_ID)
    assert upload is not None
    assert upload.last_error == "stored objects missing: A001C001.mov, A001C002.mov"


# --- reading back -------------------------------------------------------------------------------


def test_a_read_back_event_carries_the_typed_event_with_its_facts(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    (event,) = ledger.events()
    assert event.event == happened.volume_mounted(
        volume_id, label="RAID_A", role="raid", mount_path="/Volumes/RAID_A"
    )
    assert event.message == "RAID_A (raid) mounted at /Volumes/RAID_A"


def test_a_read_back_event_keeps_its_stored_kind_severity_and_facts_text(ledger: Ledger) -> None:
    _conflict(ledger)
    event = last(ledger, "copy_differs")
    assert (event.kind, event.severity) == ("copy_differs", "alarm")
    assert json.loads(event.data)["paths"] == [CLIP]


def test_an_event_recorded_as_prose_reads_as_written_and_keeps_its_sentence_as_a_fact(
    ledger: Ledger,
) -> None:
    old_row(ledger, "copy_state", "info", "ready, in the caller's words", '{"state": "ready"}')
    event = last(ledger, "copy_state")
    assert event.message == "ready, in the caller's words"
    assert event.event is not None
    assert event.event.facts == {"state": "ready", RECORDED_TEXT: "ready, in the caller's words"}


def test_an_event_of_a_kind_this_rollkeeper_does_not_know_reads_back_as_stored(
    ledger: Ledger,
) -> None:
    old_row(ledger, "note", "warning", "hello", '{"a": 1}')
    (event,) = ledger.events()
    assert (event.kind, event.severity, event.message, event.event) == (
        "note", "warning", "hello", None,
    )  # fmt: skip


def test_an_event_of_a_severity_this_rollkeeper_does_not_know_reads_back_as_stored(
    ledger: Ledger,
) -> None:
    old_row(ledger, "copy_state", "debug", "quietly", '{"state": "ready"}')
    (event,) = ledger.events()
    assert (event.severity, event.message, event.event) == ("debug", "quietly", None)


def test_an_old_row_without_prose_or_facts_reads_as_its_empty_sentence(ledger: Ledger) -> None:
    old_row(ledger, "target_unusable", "alarm", "", "{}")
    (event,) = ledger.events()
    assert (event.kind, event.message) == ("target_unusable", "")


# --- what callers tell: an `Event`, stored as its facts, not prose ------------------------------


def test_record_stores_the_events_facts_and_no_prose(ledger: Ledger) -> None:
    ledger.record(happened.upload_abandoned("p/A001C001.mov"))
    assert stored(ledger, "upload_abandoned") == ("warning", "", {"key": "p/A001C001.mov"})
    assert ledger.events()[-1].message == "aborted an abandoned upload of p/A001C001.mov"


def test_record_of_an_alarm_stores_its_facts_and_no_prose(ledger: Ledger) -> None:
    ledger.record(happened.target_unusable("bucket footage is gone"))
    assert stored(ledger, "target_unusable") == ("alarm", "", {"problem": "bucket footage is gone"})
    assert ledger.events()[-1].message == "bucket footage is gone"


def test_set_copy_state_given_an_event_stores_its_facts_and_no_prose(ledger: Ledger) -> None:
    volume_id = verifying(ledger)
    severity, message, facts = stored(ledger, "copy_state")
    assert (severity, message, facts) == (
        "info",
        "",
        dict(started(volume_id, uploading=True).facts),
    )
    assert last(ledger, "copy_state").message == (
        f"roll {ROLL_ID} on RAID_A is ready (every listed file present and quiet); verifying and "
        "uploading in one pass"
    )


def test_set_copy_state_given_an_event_takes_its_kind_and_severity(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    gone = happened.copy_gone(ROLL_ID, volume_id, label="RAID_A", folder=ROLL_ID, proven=True)
    ledger.set_copy_state(ROLL_ID, volume_id, CopyState.GONE, event=gone)
    assert stored(ledger, "copy_gone") == ("alarm", "", dict(gone.facts))
    assert outbox(ledger) == ["copy_gone"]


def test_record_verification_given_an_event_stores_its_facts_and_no_prose(ledger: Ledger) -> None:
    volume_id = verifying(ledger)
    proven = happened.copy_verified(ROLL_ID, volume_id, label="RAID_A", files=1, problems=[])
    ledger.record_verification(
        ROLL_ID, volume_id, CopyState.VERIFIED, evidence(), problems=[], event=proven
    )
    assert stored(ledger, "copy_verified") == ("info", "", dict(proven.facts))
    assert last(ledger, "copy_verified").message == f"roll {ROLL_ID} on RAID_A: verified, 1 files"


def test_record_transfer_given_an_event_stores_its_facts_and_no_prose(ledger: Ledger) -> None:
    uploaded(ledger)
    severity, message, facts = stored(ledger, "upload_done")
    assert (severity, message) == ("info", "")
    assert facts == {"stage": "uploaded", "manifest": "p/m.mhl", "problems": [],
                     "label": "RAID_A", "files": 1}  # fmt: skip
    assert last(ledger, "upload_done").message == (
        f"UPLOADED: roll {ROLL_ID} from RAID_A: 1 files stored and proven; manifest p/m.mhl"
    )


def _verdict(*, clear: bool) -> DriveVerdict:
    blocking = () if clear else (Blocker(ROLL_ID, "not yet archived"),)
    level: Level = "raid" if clear else "none"
    return DriveVerdict("RAID_A", "raid", clear, level, blocking, ())


def test_record_clearance_given_an_event_stores_its_facts_and_no_prose(ledger: Ledger) -> None:
    clearance(ledger, clear=True)
    severity, message, facts = stored(ledger, "clearance_granted")
    assert (severity, message) == ("info", "")
    assert (facts["level"], facts["clear"]) == ("raid", True)  # what it always stored, kept
    assert last(ledger, "clearance_granted").message == (
        "YOU MAY ERASE RAID_A (raid; RAID level: uploaded, proven and archived)"
    )


def test_record_clearance_without_an_event_tells_nobody(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    ledger.record_clearance(volume_id=volume_id, clear=True, level="raid", verdict={}, evidence={})
    assert [e.kind for e in ledger.events()] == ["volume_mounted"]
    assert ledger.last_drive_clearance(volume_id) is not None


# --- the outbox ---------------------------------------------------------------------------------


def test_an_alarm_goes_to_the_outbox(ledger: Ledger) -> None:
    ledger.record(happened.target_unusable("bucket footage is gone"))
    assert outbox(ledger) == ["target_unusable"]


def test_good_news_a_person_must_hear_goes_to_the_outbox(ledger: Ledger) -> None:
    uploaded(ledger)
    ledger.record_archive_check(
        ROLL_ID, provider="glacier", state="archived", reasons=[], objects={},
        next_check_at="2026-11-22T00:00:00+00:00", overdue=False,
    )  # fmt: skip
    assert outbox(ledger) == ["upload_done", "archive_done"]


def test_a_revoked_clearance_goes_to_the_outbox(ledger: Ledger) -> None:
    clearance(ledger, clear=False)
    assert outbox(ledger) == ["clearance_revoked"]
    assert stored(ledger, "clearance_revoked")[0] == Severity.WARNING.value


def test_news_nobody_needs_to_hear_stays_out_of_the_outbox(ledger: Ledger) -> None:
    ledger.record(happened.upload_abandoned("p/A001C001.mov"))
    _interrupted_by_a_stop(ledger)
    assert outbox(ledger) == []


def test_the_newest_event_id_is_zero_in_an_empty_ledger_and_then_the_last_recorded(
    ledger: Ledger,
) -> None:
    assert ledger.newest_event_id() == 0
    ledger.record(happened.target_unusable("the folder is gone"))
    ledger.record(happened.target_unusable("still gone"))
    assert ledger.newest_event_id() == ledger.events()[-1].id
