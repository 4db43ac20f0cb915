"""A notice as a Slack Block Kit message (https://api.slack.com/block-kit).

A header, an opening section, then per shoot day a heading and one section per item with the
fields roll, day, files, size and state; a context line with the cart and the time. An alarm is
unmistakable: a siren and the word ALARM in its header, and a divider under it; a warning has a
warning sign, good news a check mark. Slack's limits are kept (50 blocks, 10 fields per section,
3000 characters of text, 150 in a header): what does not fit is cut and counted ("and 12 more").
Every text from the drives is escaped for mrkdwn, so a roll named `<!channel>` or
`<script>` is shown, not obeyed.
"""

from __future__ import annotations

from typing import Any

from rollkeeper.core.events import Severity
from rollkeeper.notify.layout import (
    NO_DAY,
    UNKNOWN,
    by_day,
    count,
    day_label,
    human_size,
    local_time,
)
from rollkeeper.notify.model import Notice, NoticeItem

MAX_BLOCKS = 50
MAX_FIELDS = 10
MAX_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_HEADER = 150
#: Blocks kept free for the context line and the "and N more" line.
_RESERVED = 2

Block = dict[str, Any]
_ICONS = {Severity.ALARM: ":rotating_light:", Severity.WARNING: ":warning:", Severity.INFO: ""}
_ITEM_ICONS = {Severity.ALARM: ":red_circle:", Severity.WARNING: ":warning:", Severity.INFO: ""}


def mrkdwn_escape(text: str) -> str:
    """Text shown as written in mrkdwn: `&`, `<` and `>` escaped as Slack asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """`text` within `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header_text(notice: Notice) -> str:
    """The header: a siren and ALARM for alarms, a warning sign for warnings, a check mark else."""
    if notice.severity is Severity.ALARM:
        text = f"🚨 ALARM: {notice.subject}"
    elif notice.severity is Severity.WARNING:
        text = f"⚠️ {notice.subject}"
    else:
        text = f"✅ {notice.subject}"
    return cut(text, MAX_HEADER)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_TEXT)}}


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": cut(f"*{label}*\n{mrkdwn_escape(value)}", MAX_FIELD_TEXT)}


def item_block(item: NoticeItem) -> Block:
    """One item: its sentence, and the fields roll, day, files, size, state (drive if known)."""
    icon = _ITEM_ICONS[item.severity]
    block = _section(f"{icon} {mrkdwn_escape(item.sentence)}".strip())
    fields = [
        _field("Roll", item.roll or UNKNOWN),
        _field("Day", day_label(item.day) if item.day else UNKNOWN),
        _field("Files", count(item.files)),
        _field("Size", human_size(item.bytes)),
        _field("State", item.state or UNKNOWN),
    ]
    if item.drive:
        fields.append(_field("Drive", item.drive))
    block["fields"] = fields[:MAX_FIELDS]
    return block


def _item_blocks(notice: Notice, room: int) -> tuple[list[Block], int]:
    """Blocks for the items grouped by day within `room` blocks, and how many items were left."""
    blocks: list[Block] = []
    left = len(notice.items)
    for day, items in by_day(notice.items):
        if len(blocks) + 2 > room:
            break
        heading = "*Other*" if day == NO_DAY else f"*Shoot day {day_label(day)}*"
        blocks.append(_section(heading))
        for item in items:
            if len(blocks) >= room:
                break
            blocks.append(item_block(item))
            left -= 1
    return blocks, left


def _sections_blocks(notice: Notice, room: int) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    for title, lines in notice.sections[:room]:
        text = f"*{mrkdwn_escape(title)}*"
        shown = 0
        for line in lines:
            candidate = f"{text}\n• {mrkdwn_escape(line)}"
            if len(candidate) > MAX_TEXT - 40:
                break
            text, shown = candidate, shown + 1
        if shown < len(lines):
            text += f"\n…and {len(lines) - shown} more"
        blocks.append(_section(text))
    return blocks, max(0, len(notice.sections) - room)


def slack_blocks(notice: Notice) -> list[Block]:
    """The Block Kit blocks of `notice`, within Slack's limits."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": header_text(notice)}}
    ]
    if notice.severity is Severity.ALARM:
        blocks.append({"type": "divider"})
    if [item.sentence for item in notice.items] != [notice.summary]:  # else said just below
        blocks.append(_section(mrkdwn_escape(notice.summary)))
    room = MAX_BLOCKS - len(blocks) - _RESERVED
    sections, sections_left = _sections_blocks(notice, room)
    blocks.extend(sections)
    items, items_left = _item_blocks(notice, room - len(sections))
    blocks.extend(items)
    left = items_left + sections_left
    if left:
        blocks.append(_section(f"…and {left} more (see the daily summary or `rollkeeper status`)"))
    if notice.severity is Severity.ALARM:
        blocks.append({"type": "divider"})
    context = f"{mrkdwn_escape(notice.cart)} · {local_time(notice.at)} · rollkeeper"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return blocks[:MAX_BLOCKS]


def slack_message(notice: Notice) -> dict[str, Any]:
    """The whole payload: `text` (the notification's and screen readers' fallback) and blocks."""
    icon = _ICONS[notice.severity]
    fallback = f"{icon} {notice.subject}: {notice.summary}".strip()
    return {"text": cut(mrkdwn_escape(fallback), MAX_TEXT), "blocks": slack_blocks(notice)}
