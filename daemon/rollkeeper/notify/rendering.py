"""A notice as a person reads it: plain text and HTML, from the Jinja2 templates in
`notify/templates/`.

HTML is autoescaped (roll, file and drive names come from the drives: hostile input such as
`<script>alert(1)</script>` is shown as text); the plain text is not HTML and is not escaped.
The plain text is the email's first part and the body of an apprise message.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from rollkeeper.core.events import Severity
from rollkeeper.notify.layout import by_day, count, day_label, human_size, local_time, notice_label
from rollkeeper.notify.model import Notice, NoticeItem

#: The header colour of each severity in the HTML (red, amber, green).
COLOURS = {Severity.ALARM: "#b3261e", Severity.WARNING: "#b26a00", Severity.INFO: "#1e7a3a"}


@cache
def environment() -> Environment:
    """The templates' environment: HTML autoescaped, text left as written, undefined names fail."""
    env = Environment(
        loader=PackageLoader("rollkeeper.notify", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(size=human_size, count=count, day=day_label, when=local_time)
    return env


def _told_below(notice: Notice) -> list[NoticeItem]:
    """The items a message lays out under its opening: not one that would only repeat it (an
    event of no roll, whose sentence the opening already is)."""
    return [
        item
        for item in notice.items
        if item.roll is not None or item.day is not None or item.sentence != notice.summary
    ]


def _context(notice: Notice, heading: bool = True) -> dict[str, Any]:
    return {
        "heading": heading,
        "notice": notice,
        "days": by_day(_told_below(notice)),
        "label": notice_label(notice),
        "colour": COLOURS[notice.severity],
        "alarm": notice.severity is Severity.ALARM,
    }


def render_text(notice: Notice, heading: bool = True) -> str:
    """The notice as plain text; without its heading line (label and subject) where the medium
    shows the subject as a title of its own (apprise)."""
    return environment().get_template("notice.txt").render(_context(notice, heading))


def render_html(notice: Notice) -> str:
    """The notice as one self-contained HTML document (inline styles, as mail clients need)."""
    return environment().get_template("notice.html").render(_context(notice))
