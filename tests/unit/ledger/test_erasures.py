"""Specification: what a drive was cleared for, its copies recorded erased (news, the on-set
count drops), a drive reformatted under its label, and a bad copy sent to be verified again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from rollkeeper.core import happened
from rollkeeper.core.lifecycle import CopyState, RollState
from rollkeeper.ledger.rows import VerifiedFile
from rollkeeper.ledger.store import Ledger

from tests.unit.ledger.records import CLIP, ROLL_ID, seen, started, store_roll
from tests.unit.ledger.records import mount_rotation as mount


def verified(ledger: Ledger, volume_id: int, state: CopyState = CopyState.VERIFIED) -> None:
    ledger.observe_copy(seen(volume_id))
    ledger.set_copy_state(ROLL_ID, volume_id, CopyState.VERIFYING, event=started(volume_id))
    files = [VerifiedFile(CLIP, 3, {"xxh64": "ab"}, "ok", {"xxh64": "ab"}, 7, 9)]
    event = happened.copy_verified(ROLL_ID, volume_id, label="X", files=1, problems=[])
    ledger.record_verification(ROLL_ID, volume_id, state, files, problems=[], event=event)


def cleared(ledger: Ledger, volume_id: int, *rolls: str) -> None:
    evidence = {"rolls": [{"roll": {"roll_id": r}} for r in rolls]}
    ledger.record_clearance(
        volume_id=volume_id, clear=True, level="cards", verdict={}, evidence=evidence
    )


def at(second: int) -> time_machine.travel:
    return time_machine.travel(datetime(2026, 11, 21, 12, 0, second, tzinfo=UTC), tick=False)


@pytest.fixture
def stored(ledger: Ledger) -> tuple[int, int]:
    """The roll stored from RAID_A, its copy on SHUTTLE_01 verified and, a second later, the
    shuttle cleared."""
    with at(0):
        raid = mount(ledger, "RAID_A", "U-RAID")
        ledger.observe_copy(seen(raid))
        store_roll(ledger, raid)
        shuttle = mount(ledger, "SHUTTLE_01", "U-SHUTTLE")
        verified(ledger, shuttle)
    with at(1):
        cleared(ledger, shuttle, ROLL_ID)
    return raid, shuttle


def test_a_drive_is_cleared_for_the_copies_its_clear_verdict_covered(
    ledger: Ledger, stored: tuple[int, int]
) -> None:
    raid, shuttle = stored
    assert ledger.cleared_for(shuttle) == {ROLL_ID}
    assert ledger.cleared_for(raid) == set()


def test_a_copy_verified_again_after_the_verdict_is_not_covered_by_it(
    ledger: Ledger, stored: tuple[int, int]
) -> None:
    _raid, shuttle = stored
    with at(2):
        ledger.observe_copy(seen(shuttle, "fp-2"))  # its MHL changed: verified anew, later
        verified(ledger, shuttle)
    assert ledger.cleared_for(shuttle) == set()


def test_a_copy_verified_in_the_very_moment_of_the_verdict_is_not_known_to_be_covered(
    ledger: Ledger,
) -> None:
    shuttle = mount(ledger, "SHUTTLE_01", "U-SHUTTLE")
    with at(0):
        verified(ledger, shuttle)
        cleared(ledger, shuttle, ROLL_ID)
    assert ledger.cleared_for(shuttle) == set()


def test_an_erased_copy_no_longer_counts_and_the_drive_is_recorded_erased(
    ledger: Ledger, stored: tuple[int, int]
) -> None:
    _raid, shuttle = stored

    assert ledger.erase_copies(shuttle, [ROLL_ID], how="wiped", cleared=True) == [ROLL_ID]

    copy = ledger.copy(ROLL_ID, shuttle)
    assert copy is not None and copy.state is CopyState.ERASED
    volume = ledger.volume(shuttle)
    assert volume is not None and volume.erased_at is not None
    said = {e.kind: e for e in ledger.events() if e.kind in ("copy_erased", "volume_erased")}
    assert said["copy_erased"].message == (
        f"roll {ROLL_ID}: its copy on SHUTTLE_01 was erased; 1 verified on-set copy remains"
    )
    assert (said["volume_erased"].severity, said["copy_erased"].severity) == ("info", "info")
    roll = ledger.roll(ROLL_ID)
    assert roll is not None and roll.state == RollState.UPLOADED.value


def test_a_drive_said_erased_erases_every_copy_on_it_and_says_whether_it_was_cleared(
    ledger: Ledger,
) -> None:
    shuttle = mount(ledger, "SHUTTLE_01", "U-SHUTTLE")
    verified(ledger, shuttle)

    assert ledger.erased_as_told(shuttle) == [ROLL_ID]

    (erased,) = [e for e in ledger.events() if e.kind == "volume_erased"]
    assert erased.severity == "warning"


def test_a_new_filesystem_under_a_cleared_drives_label_records_the_old_one_erased(
    ledger: Ledger, stored: tuple[int, int]
) -> None:
    _raid, shuttle = stored
    ledger.volume_unmounted(shuttle)
    reformatted = mount(ledger, "SHUTTLE_01", "U-NEW")

    assert ledger.reformatted_namesakes(reformatted) == [shuttle]

    copy = ledger.copy(ROLL_ID, shuttle)
    assert copy is not None and copy.state is CopyState.ERASED
    (erased,) = [e for e in ledger.events() if e.kind == "volume_erased"]
    assert erased.message.startswith("SHUTTLE_01 came back reformatted")
    assert ledger.reformatted_namesakes(reformatted) == []  # said once


def test_a_new_filesystem_under_the_label_of_a_drive_never_cleared_erases_nothing(
    ledger: Ledger,
) -> None:
    old = mount(ledger, "SHUTTLE_01", "U-OLD")
    verified(ledger, old)
    ledger.volume_unmounted(old)
    assert ledger.reformatted_namesakes(mount(ledger, "SHUTTLE_01", "U-NEW")) == []
    copy = ledger.copy(ROLL_ID, old)
    assert copy is not None and copy.state is CopyState.VERIFIED


def test_reverify_sends_a_mismatched_copy_back_to_settling(ledger: Ledger) -> None:
    raid = mount(ledger, "RAID_A", "U-RAID")
    verified(ledger, raid, CopyState.MISMATCH)
    assert ledger.bad_copies(ROLL_ID) == [raid]

    assert ledger.reverify(ROLL_ID) == [raid]

    copy = ledger.copy(ROLL_ID, raid)
    assert copy is not None and copy.state is CopyState.SETTLING
    roll = ledger.roll(ROLL_ID)
    assert roll is not None and roll.state == RollState.DISCOVERED.value
    assert ledger.bad_copies(ROLL_ID) == []


def test_a_drive_said_erased_twice_is_told_once(ledger: Ledger) -> None:
    shuttle = mount(ledger, "SHUTTLE_01", "U-SHUTTLE")
    verified(ledger, shuttle)
    ledger.erased_as_told(shuttle)

    assert ledger.erased_as_told(shuttle) == []  # a request applied again after a crash

    assert len([e for e in ledger.events() if e.kind == "volume_erased"]) == 1
