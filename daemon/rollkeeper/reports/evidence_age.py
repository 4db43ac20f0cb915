"""How old the evidence under a drive's verdict is, and whether `status` should call it stale.

A drive's verdict rests on its rolls' stored objects (last listed or looked up) and, for a RAID,
their archive copies (last polled); its files on disk are watched by the daemon while it runs.
The verdict is "as of" the oldest of those checks, and STALE when that is older than
`[clearance] max_evidence_age`, or when the daemon that keeps it fresh was not seen for longer.
Only `rollkeeper clearance` re-proves a verdict on demand; `status` says how old it is.
"""

from __future__ import annotations

from datetime import datetime

from rollkeeper.core.clearance.freshness import is_stale
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs.presence import Presence
from rollkeeper.ledger.rows import DriveClearance
from rollkeeper.ledger.store import Ledger

#: Upload stages whose stored objects a verdict may rest on.
_STORED = frozenset({"uploaded", "conflict"})


def drive_as_of(ledger: Ledger, volume_id: int, verdict: DriveClearance) -> str:
    """The oldest check of the evidence the drive's verdict rests on (the verdict's own time
    when it rests on none)."""
    moments: list[str] = []
    for copy in ledger.copies(volume_id=volume_id):
        upload = ledger.roll_upload(copy.roll_id)
        if copy.state is CopyState.GONE or upload is None or upload.state not in _STORED:
            continue
        moments.append(upload.objects_checked_at or upload.finished_at or verdict.at)
        if verdict.level == "raid":
            archive = ledger.archive_check(copy.roll_id)
            moments.append(archive.checked_at if archive is not None else verdict.at)
    return min(moments) if moments else verdict.at


def is_stale_verdict(as_of: str, presence: Presence | None, now: datetime, max_age: float) -> bool:
    """Evidence older than `max_age`, or no daemon seen within it to keep the verdict fresh."""
    if presence is None or is_stale(datetime.fromisoformat(presence.seen_at), now, max_age):
        return True
    return is_stale(datetime.fromisoformat(as_of), now, max_age)
