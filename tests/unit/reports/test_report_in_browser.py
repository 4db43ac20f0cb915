"""Specification: the HTML report as a producer's browser shows it (headless Chromium).

The page is rendered by Chromium itself: its DOM holds the report's text, and hostile roll names
are text in it, never elements; no script runs (the page has none, and a name cannot add one).
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from rollkeeper.reports.report_html import report_html

from tests.browser import needs_chromium, rendered_dom, screenshot
from tests.unit.reports.sample_report import HOSTILE, ROWS, row, sample_report

TITLE_CHANGER = "<img src=x onerror=\"document.title='pwned'\">"


def page(tmp_path: Path) -> Path:
    rows = (*ROWS, row("20261122_EP103_Day06_MU", "Camera_Media", TITLE_CHANGER, "verified"))
    path = tmp_path / "report.html"
    path.write_text(report_html(sample_report(rows)), encoding="utf-8")
    return path


def text_of(dom: str) -> str:
    """The DOM's text as a reader sees it: tags dropped, entities read."""
    return unescape(re.sub(r"<[^>]+>", " ", dom))


@needs_chromium
def test_chromium_renders_the_reports_text(tmp_path: Path) -> None:
    text = " ".join(text_of(rendered_dom(page(tmp_path), tmp_path)).split())
    for expected in (
        "Roll report: the whole show",
        "SHUTTLE_03 may be erased (rotation; cards level), as of 2026-11-21 18:42 UTC",
        "A003 not seen on any drive",
        "Day completeness (whole show)",
        "Total: 9 rolls",
    ):
        assert expected in text


@needs_chromium
def test_a_roll_named_script_alert_renders_as_text(tmp_path: Path) -> None:
    dom = rendered_dom(page(tmp_path), tmp_path)
    assert "<script" not in dom.lower()  # no element: the name is text
    assert HOSTILE in text_of(dom)
    assert TITLE_CHANGER in text_of(dom)
    assert "<title>Roll report: the whole show</title>" in dom  # no handler ran
    assert "<img" not in dom.lower()


@needs_chromium
def test_chromium_takes_a_screenshot_of_the_report(tmp_path: Path) -> None:
    png = screenshot(page(tmp_path), tmp_path, tmp_path / "report.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000  # a drawn page, not an empty canvas
