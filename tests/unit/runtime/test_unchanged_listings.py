"""Specification: a roll whose listing is exactly its last one found as recorded is found as
recorded by the listing's digest, its record not read and nothing stamped per file
(`runtime.roll_listings`, `ledger.object_checks`); a listing that differs is listed again and
compared whole, so nothing gone or changed slips past; any change to what is recorded of the
roll's objects forgets the digest. On a folder target, through the loop's own steps."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from rollkeeper.runtime.rechecks import ObjectRechecks
from rollkeeper.runtime.roll_listings import list_rolls

from tests.unit.runtime.conftest import A001, Cart, CartMaker, uploaded_to_a_folder


@pytest.fixture
def listed(make_cart: CartMaker, tmp_path: Path) -> Cart:
    """RAID_A's roll uploaded to a folder, listed once and found as recorded; due again at
    every look."""
    cart = uploaded_to_a_folder(make_cart, tmp_path / "store", "0s")
    rechecks(cart).step(force=True)
    assert digest(cart) is not None
    return cart


def rechecks(cart: Cart) -> ObjectRechecks:
    return cart.service.steps.judging.rechecks


def digest(cart: Cart) -> str | None:
    (candidate,) = cart.ledger.recheck_candidates()
    return candidate.listing_digest


def checked_at(cart: Cart) -> str | None:
    upload = cart.ledger.roll_upload(A001)
    assert upload is not None
    return upload.objects_checked_at


def stored_clip(tmp_path: Path) -> Path:
    return tmp_path / "store" / "show" / A001 / "Clips" / "A001C001.mov"


def relisted_by_the_loop(cart: Cart) -> None:
    """The loop's steps, as it makes them, until the listings it started are recorded (a roll
    whose listing differs from its last is listed again at once)."""
    job = rechecks(cart)
    job.next_look = 0.0
    job.step()
    while job.running is not None:
        job.running.result(timeout=30)
        job.step()


def test_a_roll_found_as_recorded_is_next_listed_against_its_digest_not_its_record(
    listed: Cart,
) -> None:
    (due,) = rechecks(listed).due()

    assert due.recorded is None
    assert due.listing_digest == digest(listed)


def test_the_same_listing_again_is_recorded_as_a_check_of_every_stored_file(
    listed: Cart,
) -> None:
    before, events = checked_at(listed), listed.kinds()

    relisted_by_the_loop(listed)

    after = checked_at(listed)
    assert after is not None and before is not None and after > before
    files = listed.ledger.file_uploads(A001).values()
    assert {f.checked_at for f in files} == {after}
    assert listed.kinds() == events
    assert rechecks(listed).compare_whole == set()


def test_a_file_rewritten_after_a_listing_found_as_recorded_is_compared_whole_and_alarms_once(
    listed: Cart, tmp_path: Path
) -> None:
    clip = stored_clip(tmp_path)
    other = bytes(reversed(clip.read_bytes()))
    clip.write_bytes(other)
    os.utime(clip, ns=(1, 1))

    relisted_by_the_loop(listed)
    relisted_by_the_loop(listed)

    assert listed.ledger.file_uploads(A001)["Clips/A001C001.mov"].state == "changed"
    assert listed.kinds().count("object_changed") == 1
    assert clip.read_bytes() == other  # never written over


def test_a_file_gone_after_a_listing_found_as_recorded_is_found_missing(
    listed: Cart, tmp_path: Path
) -> None:
    stored_clip(tmp_path).unlink()

    relisted_by_the_loop(listed)

    upload = listed.ledger.roll_upload(A001)
    assert upload is not None and upload.state == "upload_failed"
    assert listed.kinds().count("object_missing") == 1
    gone = listed.ledger.file_uploads(A001)["Clips/A001C001.mov"]
    assert gone.state == "missing"
    assert gone.checked_at != upload.objects_checked_at  # its own last check, not the roll's


def test_an_object_added_under_the_roll_is_compared_whole_and_alarms_nothing(
    listed: Cart, tmp_path: Path
) -> None:
    first = digest(listed)
    (stored_clip(tmp_path).parent / "notes.txt").write_text("left by someone\n")

    relisted_by_the_loop(listed)

    assert listed.kinds().count("object_missing") == listed.kinds().count("object_changed") == 0
    assert digest(listed) not in (None, first)  # the new listing, found as recorded


def test_a_change_to_a_stored_objects_record_by_another_program_forgets_the_digest(
    listed: Cart, tmp_path: Path
) -> None:
    with sqlite3.connect(tmp_path / "state" / "ledger.sqlite3") as db:
        db.execute("UPDATE uploads SET size = size + 1 WHERE path = 'Clips/A001C001.mov'")
    db.close()

    assert digest(listed) is None
    (due,) = rechecks(listed).due()
    assert due.recorded is not None


def test_a_stamp_of_when_a_file_was_updated_keeps_the_digest(listed: Cart, tmp_path: Path) -> None:
    """Only what a listing is compared with forgets it: key, size, ETag, state."""
    with sqlite3.connect(tmp_path / "state" / "ledger.sqlite3") as db:
        db.execute("UPDATE uploads SET updated_at = '2026-01-01T00:00:00+00:00'")
    db.close()

    assert digest(listed) is not None


def test_a_file_of_the_roll_recorded_anew_forgets_the_digest(listed: Cart, tmp_path: Path) -> None:
    """As an upload records its files (replacing the rows an earlier attempt left)."""
    with sqlite3.connect(tmp_path / "state" / "ledger.sqlite3") as db:
        db.execute("INSERT OR REPLACE INTO uploads SELECT * FROM uploads LIMIT 1")
    db.close()

    assert digest(listed) is None


def test_a_listing_found_as_last_time_is_not_recorded_once_the_record_changed_meanwhile(
    listed: Cart, tmp_path: Path
) -> None:
    """Told by a digest whose record another write changed while the listing ran: the roll
    stays due, and is compared whole."""
    job = rechecks(listed)
    assert job.target is not None
    before = checked_at(listed)
    (outcome,) = list_rolls(job.target, job.due())
    assert outcome.as_last_found
    with sqlite3.connect(tmp_path / "state" / "ledger.sqlite3") as db:
        db.execute("UPDATE uploads SET listed_etag = 'x' WHERE path = 'Clips/A001C001.mov'")
    db.close()

    assert not listed.ledger.record_listing(outcome)
    assert checked_at(listed) == before
    (due,) = job.due()
    assert due.recorded is not None
