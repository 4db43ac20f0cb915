"""Specification: a roll's content is the first one stored (or, before any upload, the first one
verified); a copy holding other content under the roll's name does not make the roll's state, is
never uploaded over it, and is told of once, naming both drives and the files that differ."""

from __future__ import annotations

from rollkeeper.core import happened
from rollkeeper.core.lifecycle import CopyState, RollState
from rollkeeper.ledger.rows import VerifiedFile
from rollkeeper.ledger.store import Ledger

from tests.unit.ledger.records import CLIP, ROLL_ID, seen, started, store_roll
from tests.unit.ledger.records import mount_rotation as mount


def verified(ledger: Ledger, label: str, fingerprint: str, files: dict[str, str]) -> int:
    """A copy of the roll on a drive of its own, verified: `files` maps path to its xxh64."""
    volume_id = mount(ledger, label, f"U-{label}")
    ledger.observe_copy(seen(volume_id, fingerprint))
    ledger.set_copy_state(ROLL_ID, volume_id, CopyState.VERIFYING, event=started(volume_id))
    evidence = [
        VerifiedFile(p, 3, {"xxh64": h}, "ok", {"xxh64": h}, 7, 9) for p, h in files.items()
    ]
    proven = happened.copy_verified(ROLL_ID, volume_id, label=label, files=1, problems=[])
    ledger.record_verification(
        ROLL_ID, volume_id, CopyState.VERIFIED, evidence, problems=[], event=proven
    )
    return volume_id


def alarms(ledger: Ledger) -> list[str]:
    return [e.message for e in ledger.events() if e.kind == "copy_differs"]


def test_the_first_verified_content_is_the_rolls_and_a_differing_copy_does_not_make_its_state(
    ledger: Ledger,
) -> None:
    raid = verified(ledger, "RAID_A", "fp-1", {CLIP: "ab"})
    verified(ledger, "SHUTTLE_02", "fp-2", {CLIP: "cd"})
    content = ledger.roll_content(ROLL_ID)
    assert content is not None
    assert (content.fingerprint, content.volume_id, content.label) == ("fp-1", raid, "RAID_A")
    roll = ledger.roll(ROLL_ID)
    assert roll is not None and roll.state == RollState.VERIFIED.value


def test_a_differing_copy_is_one_alarm_naming_both_drives_and_the_files_that_differ(
    ledger: Ledger,
) -> None:
    files = {f"Clips/C{i:03d}.mov": "ab" for i in range(8)}
    other = {**files, **{f"Clips/C{i:03d}.mov": "cd" for i in range(7)}, "Clips/X.mov": "ee"}
    verified(ledger, "RAID_A", "fp-1", files)
    shuttle = verified(ledger, "SHUTTLE_02", "fp-2", other)
    ledger.set_copy_state(
        ROLL_ID, shuttle, CopyState.VERIFIED, event=happened.mhl_reads_again(ROLL_ID, shuttle)
    )  # the roll is derived again: still one alarm
    (alarm,) = alarms(ledger)
    assert alarm == (
        "CONFLICT: SHUTTLE_02 holds a different A001R1AB than the one verified first (to be "
        "stored), read from RAID_A: 8 file(s) differ: Clips/C000.mov, Clips/C001.mov, "
        "Clips/C002.mov, Clips/C003.mov, Clips/C004.mov and 3 more. The copy on SHUTTLE_02 is "
        "not uploaded and SHUTTLE_02 is kept; rename one of the two roll folders so that it "
        "becomes a roll of its own"
    )


def test_the_same_content_on_three_drives_is_no_alarm(ledger: Ledger) -> None:
    for label in ("RAID_A", "SHUTTLE_01", "SHUTTLE_02"):
        verified(ledger, label, "fp-1", {CLIP: "ab"})
    assert alarms(ledger) == []
    assert all(ledger.may_upload_from(ROLL_ID, c.volume_id) for c in ledger.copies())


def test_the_stored_content_is_the_copy_the_upload_read_even_if_another_was_verified_first(
    ledger: Ledger,
) -> None:
    raid = mount(ledger, "RAID_A", "U1")
    ledger.observe_copy(seen(raid, "fp-1"))
    store_roll(ledger, raid)
    shuttle = verified(ledger, "SHUTTLE_02", "fp-2", {CLIP: "cd"})
    assert not ledger.may_upload_from(ROLL_ID, shuttle)
    assert ledger.may_upload_from(ROLL_ID, raid)
    (alarm,) = alarms(ledger)
    assert "than the one stored, read from RAID_A" in alarm
    roll = ledger.roll(ROLL_ID)
    assert roll is not None and roll.state == RollState.UPLOADED.value
