"""Specification: what a listing of stored objects says about them, and when evidence is stale
(`core.clearance.freshness`): plain data in, findings out, no I/O, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rollkeeper.core.clearance import RollEvidence, judge_roll
from rollkeeper.core.clearance.evidence import FileEvidence
from rollkeeper.core.clearance.freshness import (
    FUTURE_TOLERANCE,
    ListedObject,
    RecheckTimes,
    RecordedObject,
    compare_listing,
    is_stale,
    listing_digest,
    oldest,
    recheck_due,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
KEY = "Day01/Camera_Media/A001R1AB/Clips/A001C001.mov"


def stored(etag: str | None = '"abc"', state: str = "stored") -> RecordedObject:
    return RecordedObject("Clips/A001C001.mov", KEY, 100, etag, state)


def listed(size: int = 100, etag: str | None = '"abc"') -> ListedObject:
    return ListedObject(KEY, size, etag)


def test_an_object_listed_as_stored_is_found_as_stored() -> None:
    findings = compare_listing([stored()], [listed()])
    assert not findings.alarming
    assert (findings.missing, findings.changed, findings.restored) == ((), (), ())


def test_an_etag_compares_without_its_quotes() -> None:
    assert not compare_listing([stored('"abc"')], [listed(etag="abc")]).alarming


def test_an_object_not_in_the_listing_is_missing() -> None:
    assert compare_listing([stored()], []).missing == ("Clips/A001C001.mov",)


def test_an_object_of_another_size_is_changed() -> None:
    assert compare_listing([stored()], [listed(size=99)]).changed == ("Clips/A001C001.mov",)


def test_an_object_with_another_etag_of_the_same_size_is_a_suspect_for_its_checksum() -> None:
    findings = compare_listing([stored()], [listed(etag='"def"')])
    assert findings.suspect == ("Clips/A001C001.mov",)
    assert findings.changed == ()


def test_a_suspect_settled_as_other_bytes_is_changed() -> None:
    findings = compare_listing([stored()], [listed(etag='"def"')])
    settled = findings.settled(["Clips/A001C001.mov"], {})
    assert (settled.changed, settled.suspect, settled.alarming) == (
        ("Clips/A001C001.mov",), (), True,
    )  # fmt: skip


def test_a_suspect_settled_as_the_same_bytes_takes_its_new_etag_as_the_baseline() -> None:
    findings = compare_listing([stored()], [listed(etag='"def"')])
    settled = findings.settled([], {"Clips/A001C001.mov": '"def"'})
    assert not settled.alarming
    assert settled.baselines == {"Clips/A001C001.mov": '"def"'}


def test_an_object_known_changed_is_not_found_changed_again() -> None:
    findings = compare_listing([stored(state="changed")], [listed(etag='"def"')])
    assert not findings.alarming


def test_an_object_known_changed_and_now_as_stored_is_restored() -> None:
    findings = compare_listing([stored(state="changed")], [listed()])
    assert findings.restored == ("Clips/A001C001.mov",)


def test_an_object_known_changed_and_then_gone_is_missing() -> None:
    assert compare_listing([stored(state="changed")], []).missing == ("Clips/A001C001.mov",)


def test_an_object_without_a_recorded_etag_takes_the_first_one_listed_as_its_baseline() -> None:
    findings = compare_listing([stored(etag=None)], [listed(etag="1700:42")])
    assert not findings.alarming
    assert findings.baselines == {"Clips/A001C001.mov": "1700:42"}


def test_objects_not_stored_are_not_compared() -> None:
    for state in ("missing", "failed", "uploading", "conflict"):
        assert not compare_listing([stored(state=state)], []).alarming


def test_evidence_never_checked_is_stale() -> None:
    assert is_stale(None, NOW, 600)


def test_evidence_checked_within_the_age_is_fresh_and_older_is_stale() -> None:
    assert not is_stale(NOW - timedelta(seconds=600), NOW, 600)
    assert is_stale(NOW - timedelta(seconds=601), NOW, 600)


def test_evidence_checked_at_a_time_still_to_come_is_stale_the_clock_was_set_back() -> None:
    assert is_stale(NOW + timedelta(minutes=30), NOW, 600)


def test_evidence_a_few_seconds_ahead_is_not_a_clock_set_back() -> None:
    assert not is_stale(NOW + timedelta(seconds=FUTURE_TOLERANCE), NOW, 600)


def test_the_oldest_evidence_is_the_age_and_one_never_checked_makes_it_unknown() -> None:
    earlier = NOW - timedelta(minutes=5)
    assert oldest([NOW, earlier]) == earlier
    assert oldest([NOW, None]) is None
    assert oldest([]) is None


def due(
    checked: datetime | None, archived: datetime | None = None, *, cleared: bool = False
) -> bool:
    times = RecheckTimes(checked, archived)
    return recheck_due(times, NOW, interval=3600, max_age=600, cleared=cleared)


def test_a_roll_never_listed_is_due() -> None:
    assert due(None)


def test_a_roll_is_due_once_its_last_listing_is_older_than_the_interval() -> None:
    assert not due(NOW - timedelta(minutes=59))
    assert due(NOW - timedelta(minutes=60))


def test_a_roll_a_clearance_rests_on_is_due_at_half_the_evidence_age() -> None:
    assert not due(NOW - timedelta(minutes=4), cleared=True)
    assert due(NOW - timedelta(minutes=5), cleared=True)


def test_a_roll_whose_archive_was_polled_since_its_last_listing_is_due() -> None:
    assert due(NOW - timedelta(minutes=1), NOW - timedelta(seconds=10))
    assert not due(NOW - timedelta(minutes=1), NOW - timedelta(minutes=2))


def test_a_roll_listed_at_a_time_still_to_come_is_due_the_clock_was_set_back() -> None:
    assert due(NOW + timedelta(hours=1))


def test_a_poll_recorded_in_the_same_millisecond_as_the_listing_makes_it_due() -> None:
    """The ledger keeps milliseconds: at the same one, the poll may have come after."""
    listed = NOW - timedelta(minutes=1)
    assert due(listed, listed)


def roll(problem: str | None) -> RollEvidence:
    file = FileEvidence("a.mov", True, False, True, True, None, True, None if problem else True)
    return RollEvidence(
        roll_id="R", state="uploaded", problems=(), files=(file,), manifest_written=True,
        archive="none", onset_copies=3, storage_problem=problem,
    )  # fmt: skip


def test_storage_that_cannot_be_checked_keeps_the_cards_with_one_reason() -> None:
    verdict = judge_roll(roll("listing x failed (AccessDenied)"))
    assert not verdict.cards_clear and not verdict.raid_clear
    assert verdict.reasons == (
        "R: keep — storage cannot be checked: listing x failed (AccessDenied)",
    )


def test_storage_checked_clears_the_cards() -> None:
    assert judge_roll(roll(None)).cards_clear


def test_a_listing_digest_does_not_depend_on_the_order_objects_were_listed_in() -> None:
    other = ListedObject(KEY + ".xml", 7, '"def"')
    assert listing_digest([listed(), other]) == listing_digest([other, listed()])


def test_another_size_etag_or_key_makes_another_listing_digest() -> None:
    digests = {
        listing_digest([listed()]),
        listing_digest([listed(size=101)]),
        listing_digest([listed(etag='"abd"')]),
        listing_digest([listed(etag=None)]),
        listing_digest([ListedObject(KEY + "x", 100, '"abc"')]),
        listing_digest([listed(), listed()]),
        listing_digest([]),
    }
    assert len(digests) == 7
