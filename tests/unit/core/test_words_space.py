"""Specification: what a person reads when free space runs low (SPACE_LOW)."""

from __future__ import annotations

from rollkeeper.core import happened
from rollkeeper.core.words import say

ROLL = "20261121_Day01/Camera_Media/A001R1AB"
GB = 10**9


def test_a_roll_that_cannot_fit_waits_for_room() -> None:
    event = happened.space_low(
        "target folder /mnt/nas", free=3 * GB, needed=6 * GB, roll_id=ROLL, roll_bytes=5 * GB,
        fits=False,
    )  # fmt: skip

    assert say(event) == (
        f"roll {ROLL}: SPACE LOW: target folder /mnt/nas has 3 GB free, and the roll (5 GB) "
        "needs 6 GB with the margin; it waits until there is room: make room there"
    )


def test_a_roll_that_still_fits_goes_up_with_a_warning() -> None:
    event = happened.space_low(
        "target folder /mnt/nas", free=8 * GB, needed=11 * GB, roll_id=ROLL, roll_bytes=5 * GB,
        fits=True,
    )  # fmt: skip

    assert say(event) == (
        f"roll {ROLL}: SPACE LOW: target folder /mnt/nas has 8 GB free, below 11 GB (twice "
        "the roll's 5 GB and a margin); the roll still fits and goes up: make room there soon"
    )


def test_a_state_disk_below_its_minimum_holds_the_uploads() -> None:
    event = happened.space_low(
        "state folder /var/lib/rollkeeper", free=100 * 10**6, needed=268_435_456, roll_id=ROLL,
        roll_bytes=None, fits=False,
    )  # fmt: skip

    assert say(event) == (
        f"roll {ROLL}: SPACE LOW: state folder /var/lib/rollkeeper has 100 MB free, below the "
        "268.4 MB the ledger needs; uploads wait until there is room"
    )
