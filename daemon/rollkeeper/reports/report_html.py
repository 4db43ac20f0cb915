"""The roll report as one self-contained HTML file a producer opens or prints.

Inline CSS, no script, no external resource (it opens the same on a laptop without a network and
prints on one sheet per page). Rendered with Jinja2 from `reports/templates/report.html.j2`,
autoescape on: roll, file and drive names are untrusted input and render as text, never markup.
The words are `core.words.reports`; this module only arranges them and picks each state's colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rollkeeper import __version__
from rollkeeper.core.completeness import Completeness
from rollkeeper.core.lifecycle import FAILED_COPY_STATES, FAILED_ROLL_STATES
from rollkeeper.core.words.lines import size_text
from rollkeeper.core.words.reports import (
    REPORT_WORDS,
    DriveWords,
    TotalsWords,
    drive_line,
    erased_line,
    headline,
    missing_line,
    more_text,
    not_archived_line,
    repeated_lines,
    scope_text,
    sequence_line,
    total_text,
    totals_lines,
    unrecognised_line,
)
from rollkeeper.reports.roll_report import RollReport
from rollkeeper.reports.status_text import daemon_line

_BAD = frozenset(s.value for s in FAILED_ROLL_STATES | FAILED_COPY_STATES) | {"failed"}
_DONE = frozenset({"archived", "uploaded", "verified", "raid", "cards"})
_WAITING = frozenset({"pending", "waiting_for_storage", "settling", "discovered", "none", ""})


def state_class(state: str) -> str:
    """The colour a state is shown in: bad (red), done (green), waiting (grey), else working."""
    if state in _BAD:
        return "bad"
    if state in _DONE:
        return "done"
    return "waiting" if state in _WAITING else "working"


@dataclass(frozen=True, slots=True)
class Line:
    """A sentence and the colour it is shown in."""

    text: str
    tone: str  # "done", "bad", "warn", "plain"


def totals_words(report: RollReport) -> TotalsWords:
    """What the headline and the totals are said from."""
    totals = report.totals
    return TotalsWords(
        scope=report.day,
        rolls=totals.rolls,
        files=totals.files,
        size=totals.bytes,
        by_state=totals.by_state,
        problems=totals.with_problems,
        drives_clear=totals.drives_clear,
    )


def completeness_view(show: Completeness) -> list[Line]:
    """Completeness as coloured lines: gaps red, rolls not archived amber."""
    if not show.sequences and not show.unrecognised:
        return [Line("No rolls seen yet.", "plain")]
    lines: list[Line] = []
    for sequence in show.sequences:
        whole = not sequence.missing and not sequence.not_archived
        lines.append(Line(sequence_line(sequence), "done" if whole else "plain"))
        gap, pending = missing_line(sequence), not_archived_line(sequence)
        lines += [Line(gap, "bad")] if gap else []
        lines += [Line(pending, "warn")] if pending else []
        lines += [Line(text, "warn") for text in repeated_lines(sequence)]
    unrecognised = unrecognised_line(show.unrecognised)
    lines += [Line(unrecognised, "warn")] if unrecognised else []
    return lines


def _panel_order(drive: DriveWords) -> tuple[int, str]:
    """Drives that may be erased first, then clearances gone stale, then drives to keep."""
    rank = (0 if not drive.stale else 1) if drive.clear else 2
    return rank, drive.label


def _view(report: RollReport) -> dict[str, Any]:
    """What the template shows, already worded."""
    words = totals_words(report)
    return {
        "title": f"Roll report: {scope_text(report.day)}",
        "generated_at": report.generated_at,
        "version": __version__,
        "daemon": daemon_line(report.daemon),
        "headline": headline(words),
        "totals": totals_lines(words),
        "drives": [
            {
                "line": drive_line(d, first_reason=False),
                "tone": "done" if d.clear and not d.stale else "warn" if d.clear else "bad",
                "blocking": d.blocking[:5],
                "more": max(0, len(d.blocking) - 5),
                "erased": erased_line(d),
            }
            for d in sorted(report.drives, key=_panel_order)
        ],
        "completeness": completeness_view(report.completeness),
        "rows": report.rows,
        "total": report.totals,
        "size": size_text,
        "total_text": total_text,
        "more_text": more_text,
        "words": REPORT_WORDS,
        "state_class": state_class,
    }


def report_html(report: RollReport) -> str:
    """The report as one self-contained HTML document."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(
        loader=PackageLoader("rollkeeper.reports", "templates"),
        autoescape=True,  # every name in a report is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("report.html.j2").render(**_view(report))
