"""How the messages sent to people are said: summaries and the subject lines of notices.

A subject line is what a person triages from a phone's lock screen: the cart, then the news in a
few words, loudest first — `[CART-A] MISMATCH A004R2CD — do not erase`, `[CART-A] SHUTTLE_03 may
be erased — 12 rolls, 1.4 TB, all verified`. The body's sentences are `say(event)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rollkeeper.core.events import Event, EventKind, Severity
from rollkeeper.core.words.lines import size_text


def _day_summary(event: Event) -> str:
    day = event.facts.get("day")
    what = f"shoot day {day}" if day else "the whole show"
    when = "the daily summary" if event.facts.get("occasion") == "daily" else "a summary"
    return f"SUMMARY: {when} of {what}"


#: The wording of each kind of this area.
WORDING: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.DAY_SUMMARY: _day_summary,
}

#: A subject line made of a sentence keeps at most this many characters of it.
SUBJECT_SENTENCE = 90


def roll_name(roll_id: str | None) -> str:
    """A roll's name (its id's last part: `…/Camera_Media/A001R1AB` is `A001R1AB`)."""
    return (roll_id or "a roll").rsplit("/", 1)[-1]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _granted(event: Event) -> str:
    facts = event.facts
    checked = "all verified" if facts.get("level") == "cards" else "all verified and archived"
    if "rolls" in facts and "bytes" in facts:
        return (
            f"{facts['label']} may be erased — {_plural(int(facts['rolls']), 'roll')}, "
            f"{size_text(int(facts['bytes']))}, {checked}"
        )
    return f"{facts['label']} may be erased — {checked}"


def _revoked(event: Event) -> str:
    return f"CLEARANCE REVOKED {event.facts['label']} — keep it"


def _copy_failed(event: Event) -> str:
    state = str(event.facts.get("state", "failed")).replace("_", " ").upper()
    return f"{state} {roll_name(event.roll_id)} — do not erase"


def _roll_alarm(what: str, advice: str = "") -> Callable[[Event], str]:
    def headline(event: Event) -> str:
        return f"{what} {roll_name(event.roll_id)}{advice}"

    return headline


def _day(event: Event) -> str:
    day = event.facts.get("day")
    what = f"shoot day {day}" if day else "the whole show"
    when = "Daily summary" if event.facts.get("occasion") == "daily" else "Summary"
    return f"{when} of {what}"


def _target_unusable(event: Event) -> str:
    return f"STORAGE NOT USABLE — {_cut(str(event.facts.get('problem', 'rolls wait')))}"


def _drive_problem(what: str) -> Callable[[Event], str]:
    def headline(event: Event) -> str:
        label = event.facts.get("label")
        return f"{what} on {label}" if label else what

    return headline


_HEADLINES: Mapping[EventKind, Callable[[Event], str]] = {
    EventKind.CLEARANCE_GRANTED: _granted,
    EventKind.CLEARANCE_REVOKED: _revoked,
    EventKind.COPY_FAILED: _copy_failed,
    EventKind.COPY_GONE: _roll_alarm("GONE", " — it was never cleared"),
    EventKind.COPY_DIFFERS: _roll_alarm("CONFLICT", " — two rolls under one name"),
    EventKind.COPY_STALE: _roll_alarm("CHANGED", " — verified again"),
    EventKind.UPLOAD_FAILED: _roll_alarm("UPLOAD FAILED", " — do not erase"),
    EventKind.OBJECT_MISSING: _roll_alarm("STORED OBJECTS GONE", " — do not erase"),
    EventKind.OBJECT_CHANGED: _roll_alarm("STORED OBJECTS CHANGED", " — do not erase"),
    EventKind.ARCHIVE_FAILED: _roll_alarm("ARCHIVE FAILED"),
    EventKind.ARCHIVE_OVERDUE: _roll_alarm("ARCHIVE OVERDUE"),
    EventKind.UPLOAD_DONE: _roll_alarm("", " uploaded and verified — its cards may be erased"),
    EventKind.ARCHIVE_DONE: _roll_alarm("", " archived"),
    EventKind.LAYOUT_PROBLEM: _drive_problem("LAYOUT PROBLEM"),
    EventKind.TARGET_UNUSABLE: _target_unusable,
    EventKind.DAY_SUMMARY: _day,
}


def subject(cart: str, event: Event, sentence: str) -> str:
    """The subject line of a notice telling `event` alone (`sentence` is `say(event)`, the
    subject of a kind without a headline of its own)."""
    headline = _HEADLINES.get(event.kind)
    if headline is not None:
        return f"[{cart}] {headline(event).strip()}"
    loud = "ALARM: " if event.severity is Severity.ALARM else ""
    return f"[{cart}] {loud}{_cut(sentence)}"


def unknown_subject(cart: str, kind: str, sentence: str) -> str:
    """The subject of an event of a kind this rollkeeper does not know (recorded by a newer)."""
    return f"[{cart}] {kind}: {_cut(sentence)}"


def _cut(sentence: str) -> str:
    if len(sentence) <= SUBJECT_SENTENCE:
        return sentence
    return sentence[: SUBJECT_SENTENCE - 1].rstrip() + "…"


def batch_subject(cart: str, *, uploaded: int, archived: int, days: Sequence[str]) -> str:
    """The subject of a batch of good news: how many rolls uploaded, archived, which days."""
    parts = []
    if uploaded:
        parts.append(f"{_plural(uploaded, 'roll')} uploaded and verified")
    if archived:
        parts.append(
            f"{archived} archived" if uploaded else f"{_plural(archived, 'roll')} archived"
        )
    news = ", ".join(parts) or "good news"
    shown = [day for day in days if day]
    when = f" — {'day' if len(shown) == 1 else 'days'} {', '.join(shown)}" if shown else ""
    return f"[{cart}] {news}{when}"


def batch_summary(count: int, size: int) -> str:
    """The opening of a batch of good news."""
    return f"Good news about {_plural(count, 'roll')} ({size_text(size)}), by shoot day."


def counts_summary(what: str, rolls: int, size: int, states: Mapping[str, int]) -> str:
    """The opening of the plain summary: how many rolls, how big, how many in each state."""
    each = ", ".join(f"{count} {state}" for state, count in sorted(states.items()))
    return f"{what}: {_plural(rolls, 'roll')}, {size_text(size)}" + (f" ({each})" if each else "")


def state_line(state: str, rolls: Sequence[str]) -> str:
    """One line of the plain summary: the rolls in one state."""
    return f"{state}: {', '.join(rolls)}"


def drive_rolls_title(label: str, count: int) -> str:
    """The title over the rolls of a drive whose clearance a notice tells."""
    return f"{_plural(count, 'roll')} on {label}"


def drive_roll_line(roll: str, shoot_day: str, files: int, size: int, state: str) -> str:
    """One roll on a drive whose clearance a notice tells."""
    return f"{roll} ({shoot_day}): {_plural(files, 'file')}, {size_text(size)}, {state}"
