"""The dashboard's pages, rendered on the server (Jinja2, autoescape on: drive, roll and file
names are hostile input and render as text), so they work with JavaScript off; the style sheet
is a file of its own (the Content-Security-Policy allows no inline style or script)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from rollkeeper.core.words.lines import size_text
from rollkeeper.dashboard.board import drive_cards
from rollkeeper.reports.report_html import state_class
from rollkeeper.reports.roll_clearance import EVIDENCE_NAMES
from rollkeeper.reports.roll_files import RollFiles
from rollkeeper.reports.roll_report import RollReport, RollRow
from rollkeeper.reports.status_text import daemon_line, health_lines, notify_lines, target_line
from rollkeeper.reports.status_watch import in_flight, problems

#: Without JavaScript the pages reload themselves this often (seconds); with it, `live.js`
#: swaps in the page fetched again every 5 s, without a reload.
REFRESH_SECONDS = 10


_compiling = threading.Lock()


@cache
def _template(name: str) -> Template:
    """A page's template, compiled once: requests are served from several threads, and
    CPython 3.11 can fail compiling in two threads at once (a SystemError seen here)."""
    with _compiling:
        environment = Environment(
            loader=PackageLoader("rollkeeper.dashboard", "templates"),
            autoescape=True,  # every name on the page is untrusted
            undefined=StrictUndefined,
        )
        environment.globals.update(size=size_text, state_class=state_class)
        return environment.get_template(name)


def warm() -> None:
    """Compile the templates before the first request (called when the app is built)."""
    for name in ("board.html.j2", "roll.html.j2"):
        _template(name)


@cache
def static_file(name: str) -> str:
    """One of the pages' static files (`board.css`, `live.js`), served under /static/."""
    return files("rollkeeper.dashboard").joinpath(f"static/{name}").read_text(encoding="utf-8")


def rolls_by_day(report: RollReport) -> list[tuple[str, list[RollRow]]]:
    """The report's rolls grouped by shoot day, the latest day first."""
    days: dict[str, list[RollRow]] = {}
    for row in report.rows:
        days.setdefault(row.shoot_day or "(no shoot day)", []).append(row)
    return sorted(days.items(), reverse=True)


def _health(document: dict[str, Any]) -> list[tuple[str, str]]:
    """The health lines as `status` words them, each with its tone: the target, the archive
    tier, the dead-man's switch and each notification channel."""
    lines: list[tuple[str, str]] = []
    target = document.get("target")
    target_text = target_line(target)
    if target is not None and target_text is not None:
        lines.append(("ok" if target["usable"] else "bad", target_text))
    styled = [*health_lines(document), *notify_lines(document.get("notify", []))]
    lines += [("bad" if "red" in style else "warn" if "yellow" in style else "ok", line)
              for style, line in styled]  # fmt: skip
    return lines


def board_page(document: dict[str, Any], report: RollReport, cart: str, now: datetime) -> str:
    """The page of one moment (`document` and `report` of the same snapshot), shown at `now`:
    the drives board first, then alarms and health, the rolls in flight and the rolls by
    shoot day (the report's rows: files, size, verification, upload, archive, clearance)."""
    return _template("board.html.j2").render(
        cart=cart,
        daemon=daemon_line(document["daemon"]),
        cards=drive_cards(document),
        problems=problems(document),
        health=_health(document),
        flights=in_flight(document),
        days=rolls_by_day(report),
        shown_at=now.astimezone(UTC).strftime("%H:%M:%S UTC"),
        refresh=REFRESH_SECONDS,
    )


def roll_page(roll: dict[str, Any], evidence: RollFiles, cart: str, now: datetime) -> str:
    """One roll's page: the status document's roll, its files' recorded evidence and when
    each kind of that evidence was checked."""
    return _template("roll.html.j2").render(
        cart=cart,
        roll=roll,
        files=evidence.files,
        checked=[(EVIDENCE_NAMES[kind], at) for kind, at in evidence.checked_at.items()],
        shown_at=now.astimezone(UTC).strftime("%H:%M:%S UTC"),
        refresh=REFRESH_SECONDS,
    )
