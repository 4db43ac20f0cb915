"""Specification: the sentence a person reads about a drive's clearance comes from one place."""

from __future__ import annotations

from rollkeeper.core.clearance import Blocker, DriveVerdict, Level
from rollkeeper.core.words import describe, revoked


def _verdict(*, level: Level = "none", reasons: int = 0) -> DriveVerdict:
    return DriveVerdict(
        label="SHUTTLE_03",
        role="rotation",
        clear_to_erase=reasons == 0 and level != "none",
        level=level,
        blocking=tuple(Blocker(f"A00{i}R1AB", f"reason {i}") for i in range(reasons)),
        warnings=(),
    )


def test_a_drive_clear_at_the_cards_level_may_be_erased_as_uploaded_and_proven() -> None:
    assert describe(_verdict(level="cards")) == (
        "YOU MAY ERASE SHUTTLE_03 (rotation; cards level: uploaded and proven)"
    )


def test_a_drive_clear_at_the_raid_level_says_it_is_archived_too() -> None:
    assert describe(_verdict(level="raid")) == (
        "YOU MAY ERASE SHUTTLE_03 (rotation; RAID level: uploaded, proven and archived)"
    )


def test_a_blocked_drive_names_each_reason() -> None:
    assert describe(_verdict(reasons=2)) == ("SHUTTLE_03 may NOT be erased: reason 0; reason 1")


def test_a_blocked_drive_names_five_reasons_and_counts_the_rest() -> None:
    assert describe(_verdict(reasons=7)) == (
        "SHUTTLE_03 may NOT be erased: reason 0; reason 1; reason 2; reason 3; reason 4"
        " (and 2 more)"
    )


def test_a_revoked_clearance_is_announced_as_such() -> None:
    assert revoked("SHUTTLE_03 may NOT be erased: x") == (
        "CLEARANCE REVOKED: SHUTTLE_03 may NOT be erased: x"
    )
