"""The roll report as a versioned JSON document (`REPORT_SCHEMA`), like `status --json`.

`schema` names the contract; a later version that changes a key's meaning bumps it. Timestamps
are ISO-8601 UTC, bytes integers; completeness is across the whole show whatever `day` is.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from rollkeeper import __version__
from rollkeeper.core.completeness import Completeness
from rollkeeper.core.words.reports import completeness_lines, drive_line
from rollkeeper.reports.roll_report import REPORT_SCHEMA, RollReport


def _completeness(show: Completeness) -> dict[str, Any]:
    return {
        "sequences": [
            {
                "camera": s.key,
                "rolls": s.rolls,
                "first": s.name(s.numbers[0]),
                "last": s.name(s.numbers[-1]),
                "archived": s.archived,
                "missing": list(s.missing),
                "not_archived": [asdict(p) for p in s.not_archived],
                "repeated": [{"roll": name, "shoot_days": list(days)} for name, days in s.repeated],
            }
            for s in show.sequences
        ],
        "unrecognised": [r.roll_id for r in show.unrecognised],
        "complete": show.complete,
        "lines": completeness_lines(show),
    }


def report_document(report: RollReport) -> dict[str, Any]:
    """The report as the versioned JSON document."""
    totals = report.totals
    return {
        "schema": REPORT_SCHEMA,
        "tool": {"name": "rollkeeper", "version": __version__},
        "generated_at": report.generated_at,
        "day": report.day,
        "rolls": [
            {
                **asdict(row),
                "mhl_hash": list(row.mhl_hash),
                "copies": list(row.copies),
                "problems": list(row.problems),
            }
            for row in report.rows
        ],
        "totals": {
            **asdict(totals),
            "by_state": dict(totals.by_state),
            "drives_clear": list(totals.drives_clear),
        },
        "drives": [
            {
                **asdict(d),
                "blocking": list(d.blocking),
                "line": drive_line(d),
            }
            for d in report.drives
        ],
        "completeness": _completeness(report.completeness),
    }


def report_json(report: RollReport) -> str:
    """The document as indented JSON (a report is read by people too)."""
    return json.dumps(report_document(report), indent=2, ensure_ascii=False)
