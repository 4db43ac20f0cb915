"""What every archive provider is given and answers: a roll's proven objects, and their states.

A provider sees only the objects the ledger proved were stored (key, size, checksum, xxh64) and
answers archived, pending or failed for each, with a reason a person can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class ArchiveState(StrEnum):
    PENDING = "pending"
    ARCHIVED = "archived"
    FAILED = "failed"  # the archive reports failure, or holds something else: an alarm


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One object of the roll as the upload proved it."""

    path: str
    key: str
    size: int
    checksum: str | None
    xxh64: str | None


@dataclass(frozen=True, slots=True)
class ArchiveRoll:
    roll_id: str
    shoot_day: str
    media_type: str
    roll: str
    objects: tuple[StoredRecord, ...]


@dataclass(slots=True)
class ArchiveReport:
    """A roll's archive status: per object, and the roll's (the worst of its objects)."""

    objects: dict[str, ArchiveState] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def note(self, record: StoredRecord, state: ArchiveState, reason: str | None = None) -> None:
        self.objects[record.key] = state
        if reason:
            self.reasons.append(f"{record.path}: {reason}")

    @property
    def state(self) -> ArchiveState:
        states = set(self.objects.values())
        if ArchiveState.FAILED in states:
            return ArchiveState.FAILED
        if not states or ArchiveState.PENDING in states:
            return ArchiveState.PENDING
        return ArchiveState.ARCHIVED


class ArchiveProvider(Protocol):
    name: str

    def preflight(self) -> str | None:
        """A problem that means this provider can never report archived, said at start-up."""
        ...

    def check(self, roll: ArchiveRoll) -> ArchiveReport: ...


def archive_key(key: str, source_prefix: str, archive_prefix: str | None) -> str:
    """The key of `key` in the archive: the source prefix swapped for the archive's (None: same)."""
    if archive_prefix is None:
        return key
    source = source_prefix.strip("/")
    rest = key[len(source) + 1 :] if source and key.startswith(source + "/") else key
    prefix = archive_prefix.strip("/")
    return f"{prefix}/{rest}" if prefix else rest
