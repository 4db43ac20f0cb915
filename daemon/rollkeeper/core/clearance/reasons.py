"""How clearance words its reasons and matches paths: shared by the roll and the drive checks.

Paths are matched under Unicode NFC (`rollkeeper.mhl.model.name_key`); hidden and system files
(`core.hidden`) never block, but only when the evidence and the shared rule both say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rollkeeper.core.clearance.evidence import NAMES_PER_REASON, REPORTS_FOLDER
from rollkeeper.core.hidden import is_hidden_path
from rollkeeper.mhl.model import name_key

#: A fact to prove on a file: (field, phrase when None, phrase when False or anything else).
Fact = tuple[str, str, str]


def first_unproven(f: object, facts: Iterable[Fact]) -> str | None:
    """The phrase for the first fact of `f` that is not literally True, in the given order."""
    for field_name, when_unknown, when_failed in facts:
        value = getattr(f, field_name)
        if value is not True:
            return when_unknown if value is None else when_failed
    return None


def is_hidden(path: str, hidden: object) -> bool:
    """Hidden only when the evidence says so AND the shared rule agrees (fail closed)."""
    return hidden is True and is_hidden_path(path.rstrip("/"))


def counts_as_listed(path: str, listed_in_mhl: object, hidden: object) -> bool:
    """A file that must be proven: listed (anything but a literal False) and not hidden."""
    return listed_in_mhl is not False and not is_hidden(path, hidden)


def in_reports(path: str) -> bool:
    """Whether the path lies in a folder named exactly `Reports`."""
    return REPORTS_FOLDER in path.rstrip("/").split("/")


def duplicate_reasons(rid: str, paths: Iterable[str], where: str) -> list[str]:
    """A reason naming every path listed more than once (under NFC) in `where`."""
    counts: dict[str, int] = {}
    first_spelling: dict[str, str] = {}
    for path in paths:
        key = name_key(path)
        counts[key] = counts.get(key, 0) + 1
        first_spelling.setdefault(key, path)
    twice = sorted(first_spelling[k] for k, n in counts.items() if n > 1)
    if not twice:
        return []
    return [files_reason(rid, twice, f"listed more than once in {where} (contradictory)")]


def grouped(rid: str, failures: dict[str, list[str]]) -> list[str]:
    """One reason per phrase, naming the files that share it."""
    return [files_reason(rid, sorted(paths), phrase) for phrase, paths in failures.items()]


def files_reason(rid: str, paths: Sequence[str], phrase: str, plural: str | None = None) -> str:
    """`A001R1AB: Clips/C003.mov not yet uploaded …`, or a count and the first few names."""
    if len(paths) == 1:
        return f"{rid}: {paths[0]} {phrase}"
    shown = ", ".join(paths[:NAMES_PER_REASON])
    more = len(paths) - NAMES_PER_REASON
    tail = f" and {more} more" if more > 0 else ""
    return f"{rid}: {len(paths)} files {plural or phrase}: {shown}{tail}"
