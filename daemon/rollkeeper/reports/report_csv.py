"""The roll report as CSV: one row per roll, the columns the README documents, for a spreadsheet.

Sortable as it stands: timestamps are ISO-8601 UTC (`2026-11-21T10:00:00Z`), bytes and file
counts plain integers (empty before a copy was verified), lists (drive labels, problems) joined
with " | ". Names are untrusted: the csv module quotes commas, quotes and line breaks, and a text
cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is written with a leading apostrophe, as OWASP advises, so opening the file runs nothing.
"""

from __future__ import annotations

import csv
import io

from rollkeeper.reports.roll_report import RollReport, RollRow

#: The columns, in order (README, "Roll report").
COLUMNS = (
    "shoot_day", "unit", "camera", "media_type", "camera_format", "roll", "roll_id", "state",
    "files", "bytes", "mhl_format", "mhl_hash", "verification", "verification_at", "upload",
    "upload_at", "archive", "archive_at", "clearance", "copies", "problems",
)  # fmt: skip
LIST_SEPARATOR = " | "
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _cells(row: RollRow) -> list[str | int]:
    cells: list[str | int] = []
    for column in COLUMNS:
        value = getattr(row, column)
        if value is None:
            cells.append("")
        elif isinstance(value, int):
            cells.append(value)
        elif isinstance(value, tuple):
            cells.append(_text(LIST_SEPARATOR.join(value)))
        else:
            cells.append(_text(value))
    return cells


def report_csv(report: RollReport) -> str:
    """The header, then one line per roll (CRLF line ends, as RFC 4180 has them)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_cells(row) for row in report.rows)
    return out.getvalue()


def report_csv_bytes(report: RollReport) -> bytes:
    """The CSV as UTF-8 with a byte-order mark, so a spreadsheet reads accented names right."""
    return report_csv(report).encode("utf-8-sig")
