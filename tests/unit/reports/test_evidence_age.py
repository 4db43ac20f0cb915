"""Specification: how old a verdict's evidence is (`reports.evidence_age`, shown by `status`), and
`clearance` re-proving evidence older than `max_evidence_age` before it answers. The clock is
moved with time-machine; the cart is a real one after one daemon pass (`cart.Cart`)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from rich.console import Console
from rollkeeper.fs.presence import PRESENCE_FILE, Presence, write_presence
from rollkeeper.ledger.object_checks import ListingOutcome
from rollkeeper.ledger.store import now_iso
from rollkeeper.reports.clearance import answer, clearance_document, clearance_text
from rollkeeper.reports.status import load_status
from rollkeeper.reports.status_text import print_status

from tests.unit.reports.cart import A001, Cart

MAX_AGE = 600.0


def daemon_seen(cart: Cart, at: datetime) -> None:
    """The presence file of a daemon (this process) last seen `at`."""
    stamp = at.isoformat(timespec="milliseconds")
    write_presence(cart.state, Presence(pid=os.getpid(), started_at=stamp, seen_at=stamp))


def shuttle(cart: Cart) -> dict[str, Any]:
    document = load_status(cart.state, "none", MAX_AGE)
    clearance: dict[str, Any] = next(v for v in document["volumes"] if v["label"] == "SHUTTLE_01")[
        "clearance"
    ]
    return clearance


def printed(cart: Cart) -> str:
    buffer = io.StringIO()
    print_status(Console(file=buffer, width=200), load_status(cart.state, "none", MAX_AGE))
    return buffer.getvalue()


@pytest.fixture
def later() -> Iterator[datetime]:
    """The clock moved past `max_evidence_age` since the daemon's pass."""
    moment = datetime.now(UTC) + timedelta(seconds=MAX_AGE + 60)
    with time_machine.travel(moment, tick=False):
        yield moment


def test_a_clearance_on_fresh_evidence_from_a_daemon_seen_now_is_not_stale(cart: Cart) -> None:
    daemon_seen(cart, datetime.now(UTC))

    verdict = shuttle(cart)

    assert verdict["clear_to_erase"] and not verdict["stale"]
    assert verdict["as_of"] >= verdict["judged_at"][:10]
    line = next(line for line in printed(cart).splitlines() if line.startswith("  SHUTTLE_01"))
    assert "MAY BE ERASED (as of " in line
    assert "STALE" not in line


def test_a_clearance_whose_evidence_is_older_than_the_limit_is_stale(
    cart: Cart, later: datetime
) -> None:
    daemon_seen(cart, later)  # the daemon runs, but nothing re-checked the objects since

    verdict = shuttle(cart)

    assert verdict["clear_to_erase"] and verdict["stale"]
    line = next(line for line in printed(cart).splitlines() if line.startswith("  SHUTTLE_01"))
    assert "MAY BE ERASED (as of " in line
    assert line.rstrip().endswith("STALE (ask `rollkeeper clearance`)")


def test_a_clearance_from_a_daemon_not_seen_for_longer_than_the_limit_is_stale(
    cart: Cart,
) -> None:
    daemon_seen(cart, datetime.now(UTC) - timedelta(seconds=MAX_AGE + 1))
    assert shuttle(cart)["stale"]


def test_a_clearance_after_the_clock_was_set_back_an_hour_is_stale(cart: Cart) -> None:
    """Evidence recorded at a time still to come cannot be aged: it is not believed."""
    daemon_seen(cart, datetime.now(UTC))
    earlier = datetime.now(UTC) - timedelta(hours=1)
    with time_machine.travel(earlier, tick=False):
        daemon_seen(cart, earlier)  # the daemon goes on beating, on the new clock
        assert shuttle(cart)["stale"]


def test_a_clearance_beside_no_presence_file_is_stale(cart: Cart) -> None:
    (cart.state / PRESENCE_FILE).unlink()
    assert shuttle(cart)["stale"]


def test_clearance_looks_stale_objects_up_again_before_it_answers(
    cart: Cart, later: datetime
) -> None:
    cart.stored("Clips/A001C002.mov").unlink()
    judges = replace(cart.parts().judges(), max_evidence_age=MAX_AGE)

    (verdict,) = answer(cart.state, "SHUTTLE_01", judges).verdicts

    assert not verdict.clear_to_erase
    assert "A001C002.mov" in " ".join(b.reason for b in verdict.blocking)
    assert [e.kind for e in cart.events("object_missing")] == ["object_missing"]


def test_clearance_on_fresh_evidence_answers_without_looking_each_object_up(cart: Cart) -> None:
    """Within `max_evidence_age` the last listing (here: the upload's proof) stands: an object
    deleted a moment ago is found by the next listing, not by this answer."""
    cart.stored("Clips/A001C002.mov").unlink()
    judges = replace(cart.parts().judges(), max_evidence_age=MAX_AGE)

    (verdict,) = answer(cart.state, "SHUTTLE_01", judges).verdicts

    assert verdict.clear_to_erase


def test_fresh_evidence_from_storage_no_longer_there_clears_nothing(cart: Cart) -> None:
    """Fresh evidence is trusted only from storage that still proves it is the target: the
    target folder taken away (an unmounted NAS) withdraws the clearance at once."""
    cart.store.rename(cart.store.with_name("nas-away"))
    judges = replace(cart.parts().judges(), max_evidence_age=MAX_AGE)

    (verdict,) = answer(cart.state, "SHUTTLE_01", judges).verdicts

    assert not verdict.clear_to_erase
    assert any("storage cannot be checked" in b.reason for b in verdict.blocking)


def test_a_roll_whose_objects_are_gone_with_no_copy_mounted_names_the_drives_to_mount(
    tmp_path: Path,
) -> None:
    cart = Cart(tmp_path, clearance='recheck_interval = "0s"')
    cart.offload()
    cart.run()
    cart.stored("Clips/A001C002.mov").unlink()
    cart.run()  # the listing finds it gone
    for drive in (cart.raid, cart.shuttle):
        drive.rename(drive.with_name(drive.name + "-away"))
    cart.run()  # both drives gone: nothing to upload it again from

    (roll,) = load_status(cart.state, "none", MAX_AGE)["rolls"]

    assert roll["state"] == "upload_failed"
    assert roll["problems"][-1] == (
        "stored objects missing: mount RAID_A or SHUTTLE_01 to verify the copy there again and "
        "upload the roll again"
    )


def listing_failed(cart: Cart) -> None:
    """The daemon's last listing of the roll could not check storage."""
    with cart.ledger() as ledger:
        outcome = ListingOutcome(A001, now_iso(), problem="folder /nas is not mounted")
        assert ledger.record_listing(outcome)


def test_clearance_after_a_failed_listing_looks_the_objects_up_even_on_fresh_evidence(
    cart: Cart,
) -> None:
    listing_failed(cart)
    judges = replace(cart.parts().judges(), max_evidence_age=MAX_AGE)

    (verdict,) = answer(cart.state, "SHUTTLE_01", judges).verdicts

    assert verdict.clear_to_erase  # the store answers now: every object is there


def test_clearance_after_a_failed_listing_with_storage_still_away_keeps_the_drive(
    cart: Cart,
) -> None:
    listing_failed(cart)
    cart.store.rename(cart.store.with_name("nas-away"))
    judges = replace(cart.parts().judges(), max_evidence_age=MAX_AGE)

    (verdict,) = answer(cart.state, "SHUTTLE_01", judges).verdicts

    assert not verdict.clear_to_erase
    (blocker,) = verdict.blocking
    assert "keep — storage cannot be checked: target folder " in blocker.reason
    assert not cart.events("object_missing")


def test_a_drive_answer_says_when_each_piece_of_its_evidence_was_checked(cart: Cart) -> None:
    judges = replace(cart.parts().judges(), max_evidence_age=MAX_AGE)

    view = answer(cart.state, "SHUTTLE_01", judges)

    (checked,) = view.checked
    assert checked.mhl_verification is not None and checked.stored_objects is not None
    assert checked.source_files is not None  # the drive is mounted: its files were re-stat'ed
    assert checked.archive_copy is None  # no archive tier: never
    text = clearance_text(view)
    assert f"  checked: MHL verification {checked.mhl_verification}; source files " in text
    assert f"stored objects {checked.stored_objects}; archive copy never" in text
    (drive,) = clearance_document(view)["drives"]
    assert drive["checked_at"]["stored_objects"] == checked.stored_objects


def test_a_drive_answer_on_stale_evidence_counts_its_objects_as_looked_up_now(
    cart: Cart, later: datetime
) -> None:
    judges = replace(cart.parts().judges(), max_evidence_age=MAX_AGE)

    (checked,) = answer(cart.state, "SHUTTLE_01", judges).checked

    assert checked.stored_objects is not None
    assert datetime.fromisoformat(checked.stored_objects) >= later - timedelta(seconds=1)


def test_a_drive_answer_on_fresh_evidence_says_its_objects_were_checked_when_last_listed(
    cart: Cart,
) -> None:
    """Reading the target's marker proves the storage, not each object: the answer does not
    pretend the objects were looked up now."""
    judges = replace(cart.parts().judges(), max_evidence_age=MAX_AGE)
    with cart.ledger() as ledger:
        listed = [u.checked_at for u in ledger.file_uploads(A001).values() if u.state == "stored"]

    (checked,) = answer(cart.state, "SHUTTLE_01", judges).checked

    assert None not in listed and checked.stored_objects == min(u for u in listed if u)
