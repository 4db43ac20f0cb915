"""When each piece of the evidence under a drive's answer was checked: the oldest, per kind, of
its rolls' MHL verifications, stored objects and (for a RAID) archive copies.

A stored object looked up live by this very answer counts as checked then; one the answer trusted
on fresh evidence, as of its last listing; so the drive's moment is the oldest a person relies on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rollkeeper.core.clearance.freshness import is_stale
from rollkeeper.core.lifecycle import ABSENT_COPY_STATES
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.drive_decision import Judges, Judgment
from rollkeeper.reports.roll_clearance import EvidenceChecked


def _oldest(moments: list[str | None]) -> str | None:
    """The oldest of several checks; None when there is none, or one was never made."""
    if not moments or any(m is None for m in moments):
        return None
    return min(m for m in moments if m is not None)


def _object_moment(checked_at: str | None, live: str | None, max_age: float | None) -> str | None:
    """An object's check as this answer leaves it: looked up live (stale or never listed, and
    a lookup was made), or as its last listing left it."""
    if live is None or max_age is None:
        return checked_at or live
    if checked_at is None or is_stale(
        datetime.fromisoformat(checked_at), datetime.now(UTC), max_age
    ):
        return live
    return checked_at


def drive_checked(ledger: Ledger, judgment: Judgment, judges: Judges) -> EvidenceChecked:
    """The oldest check of each kind of evidence under the drive's answer."""
    volume = judgment.volume
    copies = [c for c in ledger.copies(volume_id=volume.id) if c.state not in ABSENT_COPY_STATES]
    stored: list[str | None] = []
    archive: list[str | None] = []
    for copy in copies:
        for upload in ledger.file_uploads(copy.roll_id).values():
            if upload.state == "stored":
                stored.append(
                    _object_moment(
                        upload.checked_at, judgment.objects_checked_at, judges.max_evidence_age
                    )
                )
        if volume.role == "raid" and judges.archive_provider != "none":
            check = ledger.archive_check(copy.roll_id)
            archive.append(check.checked_at if check is not None else None)
    return EvidenceChecked(
        mhl_verification=_oldest([c.verified_at for c in copies]),
        source_files=judgment.judged_at if volume.mounted else None,
        stored_objects=_oldest(stored),
        archive_copy=_oldest(archive),
    )
