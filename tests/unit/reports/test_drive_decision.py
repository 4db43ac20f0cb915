"""Specification: judging one drive (`reports.drive_decision`): on the recorded evidence first,
and only when that says "clear", once more with every file and stored object re-checked live;
a verdict that changes is recorded, and announced when it grants or revokes a clearance.

The evidence is a real cart's (`cart.Cart`), left by one daemon pass, which has already judged
and announced each drive once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rollkeeper.core.clearance import DEFAULT_POLICY, Blocker, DriveVerdict, Policy
from rollkeeper.ledger.rows import FileUpload
from rollkeeper.reports.drive_decision import (
    Judges,
    judge,
    object_check,
    record_judgment,
    verdict_changed,
)
from rollkeeper.transfer.fs_target import FolderTarget

from tests.unit.reports.cart import A001, Cart


@dataclass(frozen=True)
class Decision:
    verdict: DriveVerdict
    changed: bool


def decide(
    cart: Cart, label: str, *, policy: Policy = DEFAULT_POLICY, record: bool = True
) -> Decision:
    """Judge the drive `label` as the daemon does; record the judgment unless told not to."""
    judges = Judges(cart.parts().target, "none", policy)
    with cart.ledger() as ledger:
        judgment = judge(ledger, cart.volume(label), judges)
        if record:
            return Decision(judgment.verdict, record_judgment(ledger, judgment))
        return Decision(judgment.verdict, verdict_changed(ledger, judgment))


# --- the object check -----------------------------------------------------------------------------


def upload_of(cart: Cart, path: str) -> FileUpload:
    with cart.ledger() as ledger:
        return ledger.file_uploads(A001)[path]


def test_a_stored_object_with_its_proven_size_is_still_there(cart: Cart) -> None:
    check = object_check(FolderTarget(cart.store, "crc64nvme"))
    assert check(upload_of(cart, "Clips/A001C001.mov")) is True


def test_a_deleted_object_is_not_there(cart: Cart) -> None:
    cart.stored("Clips/A001C001.mov").unlink()
    check = object_check(FolderTarget(cart.store, "crc64nvme"))
    assert check(upload_of(cart, "Clips/A001C001.mov")) is False


def test_an_object_of_another_size_is_not_the_one_proven(cart: Cart) -> None:
    cart.stored("Clips/A001C001.mov").write_bytes(b"shorter")
    check = object_check(FolderTarget(cart.store, "crc64nvme"))
    assert check(upload_of(cart, "Clips/A001C001.mov")) is False


def test_an_object_on_a_target_that_cannot_be_reached_is_unknown_not_gone(cart: Cart) -> None:
    """Not proven (no clearance), yet not "missing" either: nothing is uploaded again to a
    target that cannot even be checked."""
    check = object_check(FolderTarget(cart.store.parent / "unmounted", "crc64nvme"))
    assert check(upload_of(cart, "Clips/A001C001.mov")) is None


# --- deciding -------------------------------------------------------------------------------------


def test_a_clear_drive_judged_again_unchanged_records_and_announces_nothing(cart: Cart) -> None:
    before = cart.clearances_recorded("SHUTTLE_01")
    decision = decide(cart, "SHUTTLE_01")
    assert decision.verdict.clear_to_erase
    assert not decision.changed
    assert cart.clearances_recorded("SHUTTLE_01") == before
    assert len(cart.events("clearance_granted")) == 1


def test_a_clear_drive_whose_stored_object_is_gone_is_revoked_and_the_object_reported(
    cart: Cart,
) -> None:
    cart.stored("Clips/A001C002.mov").unlink()
    decision = decide(cart, "SHUTTLE_01")
    assert not decision.verdict.clear_to_erase
    assert decision.changed
    (revoked,) = cart.events("clearance_revoked")
    assert revoked.message.startswith("CLEARANCE REVOKED: SHUTTLE_01 may NOT be erased: ")
    (missing,) = cart.events("object_missing")
    assert "Clips/A001C002.mov" in missing.message


def test_a_file_changed_on_the_drive_since_it_was_verified_revokes_the_clearance(
    cart: Cart,
) -> None:
    touched = cart.shuttle / A001 / "Clips/A001C002.mov"
    os.utime(touched, ns=(0, touched.stat().st_mtime_ns + 1_000_000_000))
    decision = decide(cart, "SHUTTLE_01")
    assert not decision.verdict.clear_to_erase
    assert "A001C002.mov" in "; ".join(b.reason for b in decision.verdict.blocking)
    assert len(cart.events("clearance_revoked")) == 1


def test_without_recording_a_changed_verdict_leaves_the_ledger_as_it_was(cart: Cart) -> None:
    before = cart.clearances_recorded("SHUTTLE_01")
    cart.stored("Clips/A001C002.mov").unlink()
    decision = decide(cart, "SHUTTLE_01", record=False)
    assert decision.changed
    assert cart.clearances_recorded("SHUTTLE_01") == before
    assert cart.events("clearance_revoked") == []
    assert cart.events("object_missing") == []


def test_a_drive_refused_on_the_recorded_evidence_is_not_re_checked_live(cart: Cart) -> None:
    cart.stored("Clips/A001C002.mov").unlink()
    decision = decide(cart, "RAID_A")  # no archive tier: refused before any live look
    assert not decision.verdict.clear_to_erase
    assert cart.events("object_missing") == []


def test_a_verdict_that_becomes_clear_is_announced_as_granted(tmp_path: Path) -> None:
    cart = Cart(tmp_path)
    cart.offload()
    (cart.shuttle / A001 / "notes.txt").write_text("a file no MHL lists")
    cart.run()  # the extra file blocks the shuttle under the default policy
    assert cart.events("clearance_granted") == []

    decision = decide(cart, "SHUTTLE_01", policy=Policy(extras_block_drive=False))

    assert decision.verdict.clear_to_erase
    assert decision.changed
    (granted,) = cart.events("clearance_granted")
    assert (
        granted.message == "YOU MAY ERASE SHUTTLE_01 (rotation; cards level: uploaded and proven)"
    )


def judged_again_with(cart: Cart, label: str, **changes: Any) -> bool:
    """Judge the drive, then record that judgment with its verdict changed as given."""
    judges = Judges(cart.parts().target, "none", DEFAULT_POLICY)
    with cart.ledger() as ledger:
        judgment = judge(ledger, cart.volume(label), judges)
        record_judgment(ledger, judgment)
        altered = replace(judgment, verdict=replace(judgment.verdict, **changes))
        return record_judgment(ledger, altered)


def last_verdict(cart: Cart, label: str) -> dict[str, Any]:
    with cart.ledger() as ledger:
        last = ledger.last_drive_clearance(cart.volume(label).id)
    assert last is not None
    return dict(json.loads(last.verdict))


def test_a_refused_drive_whose_reasons_changed_is_recorded_with_them_and_told_to_nobody(
    cart: Cart,
) -> None:
    judges = Judges(cart.parts().target, "none", DEFAULT_POLICY)
    with cart.ledger() as ledger:
        blocking = judge(ledger, cart.volume("RAID_A"), judges).verdict.blocking
    events_before = len(cart.events("clearance_granted") + cart.events("clearance_revoked"))
    now_blocking = (*blocking[:1], Blocker(A001, "a reason that came up since"))

    assert judged_again_with(cart, "RAID_A", blocking=now_blocking)

    assert [b["reason"] for b in last_verdict(cart, "RAID_A")["blocking"]] == [
        b.reason for b in now_blocking
    ]
    assert len(cart.events("clearance_granted") + cart.events("clearance_revoked")) == (
        events_before
    )


def test_a_clear_drive_whose_warnings_changed_is_recorded_but_not_announced_again(
    cart: Cart,
) -> None:
    before = cart.clearances_recorded("SHUTTLE_01")

    assert judged_again_with(cart, "SHUTTLE_01", warnings=("a warning that came up since",))

    assert cart.clearances_recorded("SHUTTLE_01") == before + 1
    assert last_verdict(cart, "SHUTTLE_01")["warnings"] == ["a warning that came up since"]
    assert len(cart.events("clearance_granted")) == 1
