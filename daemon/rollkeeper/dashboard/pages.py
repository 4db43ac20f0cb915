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

from rollkeeper.dashboard.board import drive_cards
from rollkeeper.reports.status_text import daemon_line, notify_lines, target_line
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
        return environment.get_template(name)


def warm() -> None:
    """Compile the templates before the first request (called when the app is built)."""
    for name in ("board.html.j2", "roll.html.j2"):
        _template(name)


@cache
def static_file(name: str) -> str:
    """One of the pages' static files (`board.css`, `live.js`), served under /static/."""
    return files("rollkeeper.dashboard").joinpath(f"static/{name}").read_text(encoding="utf-8")


def rolls_by_day(document: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The rolls grouped by shoot day, the latest day first."""
    days: dict[str, list[dict[str, Any]]] = {}
    for roll in document["rolls"]:
        days.setdefault(roll["shoot_day"] or "(no shoot day)", []).append(roll)
    return sorted(days.items(), reverse=True)


def board_page(document: dict[str, Any], cart: str, now: datetime) -> str:
    """The page of `document`, shown at `now`: the drives board first, then the alarms and
    health (problems, channels), the rolls in flight and the rolls by shoot day."""
    return _template("board.html.j2").render(
        cart=cart,
        daemon=daemon_line(document["daemon"]),
        target=target_line(document.get("target")),
        cards=drive_cards(document),
        problems=problems(document),
        channels=[line for _style, line in notify_lines(document.get("notify", []))],
        flights=in_flight(document),
        days=rolls_by_day(document),
        shown_at=now.astimezone(UTC).strftime("%H:%M:%S UTC"),
        refresh=REFRESH_SECONDS,
    )


def roll_page(roll: dict[str, Any], files: list[dict[str, Any]], cart: str, now: datetime) -> str:
    """One roll's page: the status document's roll and its files' recorded evidence."""
    return _template("roll.html.j2").render(
        cart=cart,
        roll=roll,
        files=files,
        shown_at=now.astimezone(UTC).strftime("%H:%M:%S UTC"),
        refresh=REFRESH_SECONDS,
    )
