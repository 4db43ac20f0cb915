"""The dashboard's pages, rendered on the server (Jinja2, autoescape on: drive, roll and file
names are hostile input and render as text), so they work with JavaScript off; the style sheet
is a file of its own (the Content-Security-Policy allows no inline style or script)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from rollkeeper.dashboard.board import drive_cards
from rollkeeper.reports.status_text import daemon_line, target_line

#: The board reloads itself this often (seconds): live without a script.
REFRESH_SECONDS = 10


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("rollkeeper.dashboard", "templates"),
        autoescape=True,  # every name on the page is untrusted
        undefined=StrictUndefined,
    )


@cache
def style_sheet() -> str:
    """The board's CSS, served at /static/board.css."""
    return files("rollkeeper.dashboard").joinpath("static/board.css").read_text(encoding="utf-8")


def board_page(document: dict[str, Any], cart: str, now: datetime) -> str:
    """The drives board of `document`, shown at `now`."""
    return (
        _environment()
        .get_template("board.html.j2")
        .render(
            cart=cart,
            daemon=daemon_line(document["daemon"]),
            target=target_line(document.get("target")),
            cards=drive_cards(document),
            shown_at=now.astimezone(UTC).strftime("%H:%M:%S UTC"),
            refresh=REFRESH_SECONDS,
        )
    )
