"""A drive verdict's evidence as the audit trail keeps it (`clearances.evidence`): every roll on
the drive with its facts, every file fact counted, and the files not proven named — not every
file of the drive. Recorded whole, one verdict of a 200,000-file drive was tens of megabytes of
JSON, written again each time its reasons changed (bench/RESULTS.md, the backlog)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from rollkeeper.core.clearance import CopyFileEvidence, DriveEvidence, FileEvidence, RollOnDrive
from rollkeeper.reports.evidence import as_json

#: Files named per list (a roll's files, its copy's files, its extras); the rest are counted.
FILES_NAMED = 20

_ROLL_FACTS = ("verified", "stored_proven", "archived", "source_unchanged", "object_present")
_COPY_FACTS = ("verified", "unchanged")


def audit_json(evidence: DriveEvidence) -> dict[str, Any]:
    """The drive's evidence for the audit trail: its own facts whole, each roll summarised."""
    drive = _fields(evidence, but="rolls")
    drive["unaccounted"] = _named(list(evidence.unaccounted))
    drive["rolls"] = [_roll_on_drive(on_drive) for on_drive in evidence.rolls]
    return drive


def _fields(record: Any, *, but: str) -> dict[str, Any]:
    """A record's fields as JSON data, all but one (summarised by the caller)."""
    return {
        name: as_json(getattr(record, name)) for name in record.__dataclass_fields__ if name != but
    }


def _roll_on_drive(on_drive: RollOnDrive) -> dict[str, Any]:
    roll = on_drive.roll
    return {
        "roll": {**_fields(roll, but="files"), "files": _files(roll.files, _ROLL_FACTS)},
        "copy_state": on_drive.copy_state,
        "extras": _named(list(on_drive.extras)),
        "copy_files": _files(on_drive.copy_files, _COPY_FACTS),
        "same_content": on_drive.same_content,
        "content_drive": on_drive.content_drive,
    }


def _files(
    files: Sequence[FileEvidence] | Sequence[CopyFileEvidence], facts: tuple[str, ...]
) -> dict[str, Any]:
    """How many files, how many of them each fact holds for (true, false, not known), and the
    files for which any fact does not hold, named with all their facts."""
    counted = {fact: Counter(_shown(getattr(f, fact)) for f in files) for fact in facts}
    unproven = [f for f in files if any(getattr(f, fact) is not True for fact in facts)]
    return {
        "count": len(files),
        "facts": {fact: dict(sorted(counts.items())) for fact, counts in counted.items()},
        "not_proven": {
            "count": len(unproven),
            "first": [as_json(f) for f in unproven[:FILES_NAMED]],
        },
    }


def _shown(fact: bool | None) -> str:
    return "unknown" if fact is None else str(fact).lower()


def _named(items: Sequence[str]) -> dict[str, Any]:
    """The first FILES_NAMED of `items`, and how many there are."""
    return {"count": len(items), "first": list(items[:FILES_NAMED])}
