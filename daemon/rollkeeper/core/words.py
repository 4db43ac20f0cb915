"""The words a person reads about a drive's clearance: one place, so every channel says the same.

The CLI's `clearance` answer, the daemon's announcements and (soon) notifications take their
sentences from here.
"""

from __future__ import annotations

from rollkeeper.core.clearance import DriveVerdict

#: A clearance verdict lists at most this many reasons in its sentence.
REASONS_IN_A_SENTENCE = 5


def describe(verdict: DriveVerdict) -> str:
    """The one sentence that says whether a drive may be erased, and if not, why."""
    if verdict.clear_to_erase:
        what = (
            "cards level: uploaded and proven"
            if verdict.level == "cards"
            else "RAID level: uploaded, proven and archived"
        )
        return f"YOU MAY ERASE {verdict.label} ({verdict.role}; {what})"
    shown = verdict.blocking[:REASONS_IN_A_SENTENCE]
    reasons = "; ".join(b.reason for b in shown)
    hidden = len(verdict.blocking) - len(shown)
    more = f" (and {hidden} more)" if hidden else ""
    return f"{verdict.label} may NOT be erased: {reasons}{more}"


def revoked(sentence: str) -> str:
    """The announcement that a drive once cleared may no longer be erased."""
    return f"CLEARANCE REVOKED: {sentence}"
