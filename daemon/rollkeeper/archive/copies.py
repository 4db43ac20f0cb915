"""The providers that hold an archive copy of their own (s3-copy, fs-copy) judge it alike: each
proven object is looked up in the archive, copied there first when rollkeeper makes the copy,
and compared with what the upload proved."""

from __future__ import annotations

from typing import Protocol, TypeVar

from rollkeeper.archive.model import ArchiveReport, ArchiveRoll, ArchiveState, StoredRecord

Found = TypeVar("Found")


class ArchiveCopies(Protocol[Found]):
    """Where a provider keeps its copies, and how it finds, makes and compares one."""

    #: Where the copies are, as a person reads it: "archive bucket", "archive folder".
    where: str

    def find(self, record: StoredRecord) -> Found | None:
        """The archive copy of `record` (what comparing it needs), or None when there is none."""
        ...

    def make(self, record: StoredRecord) -> None:
        """Copy `record` from primary storage into the archive."""
        ...

    def differs(self, record: StoredRecord, found: Found) -> str | None:
        """How the archive copy differs from the proven object (None: it is the same)."""
        ...


def check_copies(roll: ArchiveRoll, copies: ArchiveCopies[Found], make_copy: bool) -> ArchiveReport:
    """Each object archived when its copy is there and the same, pending while it is not there
    (copied first with `make_copy`), failed when the copy differs."""
    report = ArchiveReport()
    for record in roll.objects:
        found = copies.find(record)
        if found is None and make_copy:
            copies.make(record)
            found = copies.find(record)
        if found is None:
            report.note(record, ArchiveState.PENDING, f"not in the {copies.where} yet")
            continue
        problem = copies.differs(record, found)
        if problem:
            report.note(record, ArchiveState.FAILED, f"archive copy differs: {problem}")
        else:
            report.note(record, ArchiveState.ARCHIVED)
    return report
