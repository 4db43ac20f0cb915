"""What a day's summary says, as plain data: a headline, titled sections of lines, the CSV.

The notify room turns it into a DAY_SUMMARY notice (subject, email parts, Slack blocks, the
attachment); this module only decides the content, from the same roll report as `rollkeeper
report`, so the summary sent at wrap and the report printed on set never disagree. Counts and
bytes, the drives that may be erased, what is blocked and why, and day completeness across the
whole show; the words are `core.words.reports`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rollkeeper.core.words.reports import (
    SECTION_TITLES,
    blocked_line,
    completeness_lines,
    drive_line,
    headline,
    nothing_line,
    report_file_name,
    totals_lines,
)
from rollkeeper.reports.report_csv import report_csv_bytes
from rollkeeper.reports.report_html import totals_words
from rollkeeper.reports.roll_report import RollReport, load_report


@dataclass(frozen=True, slots=True)
class Section:
    """A titled list of lines, in the order they are read."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary of one shoot day (`day`) or the whole show (None)."""

    day: str | None
    headline: str
    sections: tuple[Section, ...]
    csv: bytes  # the roll report, attached
    csv_name: str
    complete: bool  # no gap, every roll archived, every name understood (whole show)


def _erasable(report: RollReport) -> tuple[str, ...]:
    """The drives that may be erased, and those whose clearance went stale (not a claim)."""
    lines = [drive_line(d) for d in report.drives if d.clear]
    return tuple(lines) or (nothing_line("erasable"),)


def _blocked(report: RollReport) -> tuple[str, ...]:
    """Rolls that hold things up and why, then the drives kept and why."""
    rolls = [
        blocked_line(row.roll_id, row.state, row.problems) for row in report.rows if row.troubled
    ]
    drives = [drive_line(d) for d in report.drives if d.judged and not d.clear]
    return tuple(rolls + drives) or (nothing_line("blocked"),)


def summary_of(report: RollReport) -> Summary:
    """The summary's content from a roll report."""
    return Summary(
        day=report.day,
        headline=headline(totals_words(report)),
        sections=(
            Section(SECTION_TITLES["totals"], tuple(totals_lines(totals_words(report)))),
            Section(SECTION_TITLES["erasable"], _erasable(report)),
            Section(SECTION_TITLES["blocked"], _blocked(report)),
            Section(SECTION_TITLES["completeness"], tuple(completeness_lines(report.completeness))),
        ),
        csv=report_csv_bytes(report),
        csv_name=report_file_name(report.day),
        complete=report.completeness.complete,
    )


def load_summary(
    state_dir: Path,
    archive_provider: str = "none",
    max_evidence_age: float = 600.0,
    day: str | None = None,
) -> Summary:
    """The summary of shoot day `day` (YYYYMMDD; None: the whole show) from the ledger."""
    return summary_of(load_report(state_dir, archive_provider, max_evidence_age, day))
