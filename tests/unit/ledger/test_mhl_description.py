"""Specification: each copy's MHL format and MHL files' digests, recorded as a scan reads them.

They are what the roll report shows; the copy's state and proof belong to the MHL's promises
(its fingerprint), so a description that changes alone is recorded without touching them.
"""

from __future__ import annotations

from dataclasses import replace

from rollkeeper.core.lifecycle import CopyState
from rollkeeper.ledger.store import Ledger

from tests.unit.ledger.records import ROLL_ID, mount_rotation, seen, store_roll

DIGESTS = (("A001R1AB_2026-11-21_100000.mhl", "0123456789abcdef"),)


def test_a_new_copy_is_recorded_with_its_mhl_description(ledger: Ledger) -> None:
    volume = mount_rotation(ledger, "SHUTTLE_01", "U1")
    copy = ledger.observe_copy(replace(seen(volume), mhl_format="legacy", mhl_digests=DIGESTS))
    assert (copy.mhl_format, copy.mhl_digests) == ("legacy", DIGESTS)


def test_a_description_that_changes_alone_keeps_the_copys_state_and_proof(ledger: Ledger) -> None:
    volume = mount_rotation(ledger, "SHUTTLE_01", "U1")
    ledger.observe_copy(seen(volume))  # seen before descriptions were recorded
    store_roll(ledger, volume)
    events = len(ledger.events())
    copy = ledger.observe_copy(replace(seen(volume), mhl_format="legacy", mhl_digests=DIGESTS))
    assert (copy.mhl_format, copy.mhl_digests) == ("legacy", DIGESTS)
    assert copy.state is CopyState.VERIFIED
    assert copy.verified_at is not None
    assert len(ledger.events()) == events  # nothing to tell
    assert ledger.verified_files(ROLL_ID, volume) != []


def test_an_unchanged_description_costs_no_write(ledger: Ledger) -> None:
    volume = mount_rotation(ledger, "SHUTTLE_01", "U1")
    described = replace(seen(volume), mhl_format="legacy", mhl_digests=DIGESTS)
    ledger.observe_copy(described)
    before = ledger.db.total_changes
    ledger.observe_copy(described)
    assert ledger.db.total_changes == before


def test_a_reading_without_a_description_leaves_the_recorded_one(ledger: Ledger) -> None:
    volume = mount_rotation(ledger, "SHUTTLE_01", "U1")
    ledger.observe_copy(replace(seen(volume), mhl_format="asc", mhl_digests=DIGESTS))
    copy = ledger.observe_copy(seen(volume))
    assert (copy.mhl_format, copy.mhl_digests) == ("asc", DIGESTS)
