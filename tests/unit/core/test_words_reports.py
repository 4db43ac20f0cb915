"""Specification: how the roll report and the summary say drives, totals and headlines
(`core.words.reports`). The exact sentences are pinned: people read them on set."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rollkeeper.core.words.lines import size_text
from rollkeeper.core.words.reports import (
    DriveWords,
    TotalsWords,
    blocked_line,
    drive_line,
    erased_line,
    headline,
    totals_lines,
)

AT = "2026-11-21T18:42:07+00:00"
SHUTTLE = DriveWords("SHUTTLE_03", "rotation", True, True, "cards", AT, False, (), None)
TOTALS = TotalsWords(
    scope="20261121", rolls=12, files=2544, size=1_400_000_000_000,
    by_state=(("archived", 10), ("uploaded", 1), ("mismatch", 1)), problems=1,
    drives_clear=("SHUTTLE_03",),
)  # fmt: skip


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (999, "999 B"), (1000, "1 kB"), (183_250_000_000, "183.2 GB"),
     (1_400_000_000_000, "1.4 TB"), (2_000_000_000_000_000, "2 PB")],
)  # fmt: skip
def test_sizes_are_said_in_decimal_units_as_drives_are_sold(size: int, text: str) -> None:
    assert size_text(size) == text


def test_a_drive_that_may_be_erased_says_its_level_and_as_of_when() -> None:
    assert drive_line(SHUTTLE) == (
        "SHUTTLE_03 may be erased (rotation; cards level), as of 2026-11-21 18:42 UTC"
    )


def test_a_clearance_on_stale_evidence_is_never_said_as_may_be_erased() -> None:
    line = drive_line(replace(SHUTTLE, stale=True))
    assert "may be erased" not in line
    assert line == (
        "SHUTTLE_03 (rotation): was clear as of 2026-11-21 18:42 UTC, now STALE — ask "
        "`rollkeeper clearance` before erasing"
    )


def test_a_drive_to_keep_says_how_many_reasons_and_the_first() -> None:
    kept = replace(SHUTTLE, clear=False, blocking=("A004R1AB: mismatch", "A005R1AB: not uploaded"))
    assert drive_line(kept) == (
        "SHUTTLE_03 (rotation): keep, as of 2026-11-21 18:42 UTC — 2 reasons: A004R1AB: mismatch"
    )
    assert drive_line(kept, first_reason=False) == (
        "SHUTTLE_03 (rotation): keep, as of 2026-11-21 18:42 UTC — 2 reasons"
    )


def test_a_drive_never_judged_is_kept() -> None:
    never = replace(SHUTTLE, judged=False, clear=False, as_of=None)
    assert drive_line(never) == "SHUTTLE_03 (rotation): keep — not judged yet"


def test_when_a_drive_was_recorded_erased_is_said() -> None:
    assert erased_line(SHUTTLE) is None
    assert erased_line(replace(SHUTTLE, erased_at=AT)) == "recorded erased 2026-11-21 18:42 UTC"


def test_the_headline_fits_a_lock_screen() -> None:
    assert headline(TOTALS) == (
        "Shoot day 20261121: 12 rolls, 1.4 TB; 11 uploaded, 10 archived; 1 roll with problems; "
        "SHUTTLE_03 may be erased"
    )


def test_a_headline_of_nothing_says_so() -> None:
    empty = replace(TOTALS, scope=None, rolls=0, files=0, size=0, by_state=(), problems=0,
                    drives_clear=())  # fmt: skip
    assert headline(empty) == "The whole show: no rolls seen yet"


def test_the_totals_count_states_files_and_bytes() -> None:
    assert totals_lines(TOTALS) == [
        "12 rolls: 10 archived, 1 uploaded, 1 mismatch",
        "2544 files, 1.4 TB (1400000000000 bytes)",
    ]


def test_a_blocked_roll_says_its_first_problem_and_counts_the_rest() -> None:
    problems = ["C003.mov: xxh64 differs", "C004.mov: missing"]
    assert blocked_line("A004R1AB", "mismatch", problems) == (
        "A004R1AB (mismatch): C003.mov: xxh64 differs (and 1 more problem)"
    )


def test_a_blocked_roll_without_a_recorded_problem_says_its_state() -> None:
    assert blocked_line("A005R1AB", "upload_failed", []) == "A005R1AB (upload_failed)"
