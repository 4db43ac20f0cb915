"""Specification: the scheduled re-check of stored objects by listing (`runtime.rechecks`) on a
folder target: what a listing finds is recorded by the loop; a folder's files are compared by
size and by their mtime and inode as first listed (a rewrite changes them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rollkeeper.reports.status import load_status
from rollkeeper.runtime.rechecks import ObjectRechecks
from rollkeeper.runtime.roll_listings import list_rolls

from tests.unit.runtime.conftest import A001, Cart, CartMaker, uploaded_to_a_folder


@pytest.fixture
def uploaded(make_cart: CartMaker, tmp_path: Path) -> Cart:
    """RAID_A's roll verified, uploaded to a folder, proven; its objects listed every pass."""
    return uploaded_to_a_folder(make_cart, tmp_path / "store", "0s")


def rechecks(cart: Cart) -> ObjectRechecks:
    return cart.service.steps.judging.rechecks


def stored_clip(tmp_path: Path) -> Path:
    return tmp_path / "store" / "show" / A001 / "Clips" / "A001C001.mov"


def states(cart: Cart) -> dict[str, str]:
    return {path: u.state for path, u in cart.ledger.file_uploads(A001).items()}


def test_a_listing_records_when_storage_was_checked_and_the_first_tokens_seen(
    uploaded: Cart,
) -> None:
    rechecks(uploaded).step(force=True)

    upload = uploaded.ledger.roll_upload(A001)
    assert upload is not None and upload.objects_checked_at is not None
    files = uploaded.ledger.file_uploads(A001).values()
    assert all(f.listed_etag and f.checked_at == upload.objects_checked_at for f in files)
    assert "object_missing" not in uploaded.kinds()


def test_a_folder_file_gone_is_missing_and_the_roll_is_to_be_uploaded_again(
    uploaded: Cart, tmp_path: Path
) -> None:
    stored_clip(tmp_path).unlink()

    rechecks(uploaded).step(force=True)

    assert states(uploaded)["Clips/A001C001.mov"] == "missing"
    upload = uploaded.ledger.roll_upload(A001)
    assert upload is not None and upload.state == "upload_failed"
    assert uploaded.said("object_missing") == [
        f"STORED OBJECT MISSING: roll {A001}: Clips/A001C001.mov is gone from storage (found "
        "by listing it); every clearance resting on it is withdrawn, and the roll is uploaded "
        "again from a mounted copy once that copy is verified again"
    ]


def test_a_folder_file_rewritten_with_the_same_size_is_changed_once_and_kept(
    uploaded: Cart, tmp_path: Path
) -> None:
    rechecks(uploaded).step(force=True)  # the first listing: the baseline
    clip = stored_clip(tmp_path)
    other = bytes(reversed(clip.read_bytes()))
    clip.write_bytes(other)
    os.utime(clip, ns=(1, 1))

    rechecks(uploaded).step(force=True)
    rechecks(uploaded).step(force=True)

    assert states(uploaded)["Clips/A001C001.mov"] == "changed"
    assert uploaded.kinds().count("object_changed") == 1
    assert clip.read_bytes() == other
    upload = uploaded.ledger.roll_upload(A001)
    assert upload is not None and upload.state == "conflict"
    assert upload.next_attempt_at is None  # never uploaded over


def test_a_folder_file_rewritten_with_the_very_same_bytes_is_not_changed(
    uploaded: Cart, tmp_path: Path
) -> None:
    """Another mtime alone is settled by reading the file back: the same bytes are kept as
    stored, under their new mtime."""
    rechecks(uploaded).step(force=True)
    clip = stored_clip(tmp_path)
    clip.write_bytes(clip.read_bytes())
    os.utime(clip, ns=(1, 1))

    rechecks(uploaded).step(force=True)
    rechecks(uploaded).step(force=True)

    assert set(states(uploaded).values()) == {"stored"}
    assert "object_changed" not in uploaded.kinds()
    listed = uploaded.ledger.file_uploads(A001)["Clips/A001C001.mov"].listed_etag
    assert listed is not None and listed.startswith("1:")


def test_a_target_folder_not_there_is_storage_that_cannot_be_checked_said_once(
    uploaded: Cart, tmp_path: Path
) -> None:
    (tmp_path / "store").rename(tmp_path / "store-away")

    rechecks(uploaded).step(force=True)
    rechecks(uploaded).step(force=True)

    assert uploaded.kinds().count("storage_unchecked") == 1
    upload = uploaded.ledger.roll_upload(A001)
    assert upload is not None and upload.state == "uploaded"
    assert upload.objects_check_error and "does not exist or is not mounted" in (
        upload.objects_check_error
    )
    assert set(states(uploaded).values()) == {"stored"}  # nothing taken for missing


def test_a_listing_started_before_the_roll_was_uploaded_again_is_not_recorded(
    uploaded: Cart, tmp_path: Path
) -> None:
    stored_clip(tmp_path).unlink()
    job = rechecks(uploaded)
    assert job.target is not None
    outcomes = list_rolls(job.target, job.due())
    uploaded.ledger.db.execute(
        "UPDATE roll_uploads SET finished_at = '9999-01-01T00:00:00.000+00:00'"
    )

    assert not uploaded.ledger.record_listing(outcomes[0])
    assert "object_missing" not in uploaded.kinds()


def test_a_listing_of_the_same_upload_is_recorded_after_the_clock_was_set_back(
    uploaded: Cart,
) -> None:
    """The upload finished at a time the clock has not reached again: its listing still counts
    (by which upload it was of, not by the clock)."""
    uploaded.ledger.db.execute(
        "UPDATE roll_uploads SET finished_at = '9999-01-01T00:00:00.000+00:00'"
    )
    job = rechecks(uploaded)
    assert job.target is not None
    (outcome,) = list_rolls(job.target, job.due())

    uploaded.ledger.record_listing(outcome)

    upload = uploaded.ledger.roll_upload(A001)
    assert upload is not None and upload.objects_checked_at == outcome.checked_at


def test_a_roll_is_listed_again_once_its_archive_status_was_polled(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = uploaded_to_a_folder(make_cart, tmp_path / "store", "1h")
    rechecks(cart).step(force=True)
    assert rechecks(cart).due() == []  # listed at upload, an hour to go

    cart.ledger.record_archive_check(
        A001, provider="fs-copy", state="pending", reasons=[], objects={},
        next_check_at="9999-01-01T00:00:00+00:00", overdue=False,
    )  # fmt: skip

    assert [due.roll_id for due in rechecks(cart).due()] == [A001]


def test_status_says_a_roll_held_back_by_a_changed_object_is_so_and_how_to_replace_it(
    uploaded: Cart, tmp_path: Path
) -> None:
    rechecks(uploaded).step(force=True)
    clip = stored_clip(tmp_path)
    clip.write_bytes(b"y" * clip.stat().st_size)

    rechecks(uploaded).step(force=True)

    (roll,) = load_status(tmp_path / "state")["rolls"]
    assert roll["state"] == "conflict"
    assert roll["problems"][0] == (
        "CONFLICT: stored objects changed in storage: Clips/A001C001.mov; move them aside to "
        "upload the roll again"
    )
