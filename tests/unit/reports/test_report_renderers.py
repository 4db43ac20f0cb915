"""Specification: the roll report as CSV, JSON and HTML, and a summary's content.

Roll, file and drive names are untrusted: the CSV quotes what must be quoted and disarms what a
spreadsheet would run; the HTML escapes everything (Jinja2 autoescape) and loads nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace

from rollkeeper.reports.report_csv import COLUMNS, report_csv, report_csv_bytes
from rollkeeper.reports.report_html import report_html, state_class
from rollkeeper.reports.report_json import report_document, report_json
from rollkeeper.reports.roll_report import REPORT_SCHEMA
from rollkeeper.reports.summary import summary_of

from tests.unit.reports.sample_report import HOSTILE, ROWS, row, sample_report

TRICKY = ('A0,01"R1\nAB', "Ünïcødé_ß", 'say "hi", then\r\nleave')


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- CSV ---------------------------------------------------------------------------------------


def test_the_csv_has_the_documented_columns_and_one_row_per_roll() -> None:
    text = report_csv(sample_report())
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)
    assert [r["roll_id"] for r in parsed(text)] == [r.roll_id for r in ROWS]


def test_names_with_commas_quotes_and_line_breaks_come_back_exactly() -> None:
    rows = tuple(row("20261121", "Camera_Media", name, "verified") for name in TRICKY)
    back = parsed(report_csv(sample_report(rows)))
    assert [r["roll"] for r in back] == list(TRICKY)
    assert [r["roll_id"] for r in back] == [f"20261121/Camera_Media/{n}" for n in TRICKY]


def test_bytes_and_file_counts_are_plain_integers_and_times_iso_utc() -> None:
    first = parsed(report_csv(sample_report()))[0]
    assert first["bytes"] == "183250000000"
    assert first["files"] == "212"
    assert first["verification_at"] == "2026-11-21T18:42:07Z"


def test_a_roll_not_yet_counted_has_empty_cells_not_zero() -> None:
    rows = (row("20261121", "Camera_Media", "A001R1AB", "discovered", files=None, bytes=None),)
    first = parsed(report_csv(sample_report(rows)))[0]
    assert (first["files"], first["bytes"], first["upload_at"]) == ("", "", "2026-11-21T19:10:44Z")


def test_lists_are_joined_so_one_roll_stays_one_row() -> None:
    hostile = parsed(report_csv(sample_report()))[-1]
    assert hostile["copies"] == 'SHUT,"TLE"\n04'
    assert parsed(report_csv(sample_report()))[0]["copies"] == "RAID_A | SHUTTLE_03"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_disarmed() -> None:
    hostile = parsed(report_csv(sample_report()))[-1]
    assert hostile["problems"] == '\'=HYPERLINK("http://x")'
    for start in ("+1", "-1", "@SUM(A1)", "\tx"):
        rows = (row("20261121", "Camera_Media", start, "verified"),)
        assert parsed(report_csv(sample_report(rows)))[0]["roll"] == "'" + start


def test_the_csv_file_is_utf8_with_a_byte_order_mark_for_spreadsheets() -> None:
    data = report_csv_bytes(sample_report())
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == report_csv(sample_report())


# --- JSON --------------------------------------------------------------------------------------


def test_the_json_document_is_versioned_like_status() -> None:
    document = json.loads(report_json(sample_report()))
    assert document["schema"] == REPORT_SCHEMA == "rollkeeper.report/1"
    assert set(document) == {
        "schema", "tool", "generated_at", "day", "rolls", "totals", "drives", "completeness",
    }  # fmt: skip
    assert set(document["rolls"][0]) == set(COLUMNS)
    assert document["totals"]["by_state"]["archived"] == 3


def test_the_json_drives_say_what_the_panel_says() -> None:
    drives = report_document(sample_report())["drives"]
    assert drives[0]["line"] == (
        "SHUTTLE_03 may be erased (rotation; cards level), as of 2026-11-21 18:42 UTC"
    )
    assert drives[2]["stale"] is True
    assert "STALE" in drives[2]["line"]


def test_the_json_completeness_names_gaps_and_unknown_names() -> None:
    completeness = report_document(sample_report())["completeness"]
    camera_a = next(s for s in completeness["sequences"] if s["camera"] == "A")
    assert camera_a["missing"] == ["A003"]
    assert completeness["unrecognised"] == [f"20261122_EP103_Day06_MU/Camera_Media/{HOSTILE}"]


# --- HTML --------------------------------------------------------------------------------------


def test_a_hostile_roll_name_is_escaped_never_markup() -> None:
    html = report_html(sample_report())
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()


def test_the_html_is_self_contained_and_loads_nothing() -> None:
    html = report_html(sample_report())
    assert "<style>" in html
    for external in ("<link", "src=", "@import", "url("):
        assert external not in html
    assert not re.search(r"(?<!HYPERLINK\(&#34;)https?://", html)


def test_the_html_shows_totals_the_erase_panel_and_completeness() -> None:
    html = report_html(sample_report())
    for text in (
        "The whole show: 8 rolls, 919.8 GB; 4 uploaded, 3 archived; 2 rolls with problems; "
        "SHUTTLE_03 may be erased",
        "SHUTTLE_03 may be erased (rotation; cards level), as of 2026-11-21 18:42 UTC",
        "RAID_A (raid): keep, as of 2026-11-21 18:42 UTC — 2 reasons",
        "A003 not seen on any drive",
        "Total: 8 rolls",
    ):
        assert text in html


def test_states_are_colour_coded_by_meaning() -> None:
    assert state_class("mismatch") == "bad"
    assert state_class("archived") == "done"
    assert state_class("uploading") == "working"
    assert state_class("pending") == "waiting"


# --- the summary's content ---------------------------------------------------------------------


def test_a_summary_has_a_headline_and_its_sections_in_order() -> None:
    summary = summary_of(sample_report())
    assert summary.headline.startswith("The whole show: 8 rolls, 919.8 GB")
    assert [s.title for s in summary.sections] == [
        "Totals", "May be erased", "Blocked", "Day completeness (whole show)",
    ]  # fmt: skip


def test_a_summary_names_what_may_be_erased_and_what_is_blocked_and_why() -> None:
    sections = {s.title: s.lines for s in summary_of(sample_report()).sections}
    assert sections["May be erased"][0].startswith("SHUTTLE_03 may be erased")
    assert any("STALE" in line for line in sections["May be erased"])
    blocked = sections["Blocked"]
    assert blocked[0] == (
        "20261122_EP103_Day06_MU/Camera_Media/A004R1AB (mismatch): SHUTTLE_03: A004C003.mov: "
        "xxh64 differs: MHL 1c9e…, read 77a0…"
    )
    assert blocked[-1].startswith("RAID_A (raid): keep")


def test_a_summary_with_nothing_blocked_or_erasable_says_so() -> None:
    calm = replace(sample_report(ROWS[:2]), drives=())
    sections = {s.title: s.lines for s in summary_of(calm).sections}
    assert sections["Blocked"] == ("Nothing is blocked.",)
    assert sections["May be erased"] == ("No drive may be erased yet.",)


def test_a_summary_carries_the_csv_to_attach() -> None:
    summary = summary_of(sample_report())
    assert summary.csv_name == "rollkeeper-report-show.csv"
    assert len(parsed(summary.csv.decode("utf-8-sig"))) == len(ROWS)
