"""What every channel's layout shares: items grouped by shoot day, sizes and times for people.

Times are shown in the cart's local zone with the zone's name ("2026-12-06 19:02 CET"), since
the crew reads them on set; the webhook's JSON carries ISO 8601 UTC instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rollkeeper.core.events import Severity
from rollkeeper.core.words.lines import size_text
from rollkeeper.notify.model import Notice, NoticeItem

#: Items without a shoot day are grouped under this heading.
NO_DAY = "other"
#: What a field shows when its value is not known.
UNKNOWN = "\N{EM DASH}"


def by_day(items: Iterable[NoticeItem]) -> list[tuple[str, list[NoticeItem]]]:
    """Items grouped by shoot day, days in order, those without a day last."""
    groups: dict[str, list[NoticeItem]] = {}
    for item in items:
        groups.setdefault(item.day or NO_DAY, []).append(item)
    return sorted(groups.items(), key=lambda group: (group[0] == NO_DAY, group[0]))


def day_label(day: str) -> str:
    """`20261206` as `2026-12-06`; anything else as given."""
    if len(day) == 8 and day.isdigit():
        return f"{day[:4]}-{day[4:6]}-{day[6:]}"
    return day


def human_size(size: int | None) -> str:
    """A size as every channel shows it (`core.words.size_text`), or a dash when unknown."""
    return UNKNOWN if size is None else size_text(size)


def local_time(at: datetime) -> str:
    """`at` in the local zone, with the zone's name: `2026-12-06 19:02 CET`."""
    local = at.astimezone()
    zone = local.tzname() or f"{local:%z}"
    return f"{local:%Y-%m-%d %H:%M} {zone}"


def count(value: int | None) -> str:
    """A count for a field, or a dash when unknown."""
    return UNKNOWN if value is None else f"{value:,}"


def severity_word(severity: Severity) -> str:
    """How a notice's loudness is labelled on every channel."""
    return {Severity.ALARM: "ALARM", Severity.WARNING: "Warning", Severity.INFO: "Good news"}[
        severity
    ]


def notice_label(notice: Notice) -> str:
    """The word over a notice: `ALARM`, `Warning`, `Summary`, `Test` or `Good news`."""
    if notice.severity is Severity.INFO and notice.kind in _KIND_LABELS:
        return _KIND_LABELS[notice.kind]
    return severity_word(notice.severity)


_KIND_LABELS = {"day_summary": "Summary", "test": "Test", "good_news": "Good news"}
