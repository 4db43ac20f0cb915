"""Erase clearance: may this card, this rotation drive, this RAID be erased yet?

Pure and fail-closed. Evidence is gathered elsewhere (the ledger, re-checks of source files and
stored objects) into the frozen dataclasses below; `judge_roll` and `judge_drive` turn it into a
verdict, with a human-readable reason for every "no". No I/O, no clock.

A false clearance destroys a day's shoot, so the rules are written to make one impossible:

- Every fact is explicit, and only the literal value `True` proves it. `None` (not known, not
  re-checked) and `False` (checked and failed) both refuse; so does any other value that slipped in.
- Clearance is granted only when nothing refused; every refusal adds a reason, so "not clear"
  never comes without one.
- A roll with no listed files, and a drive with no rolls, are never clear: nothing was proven.

Levels (FORMATS.md §6):

- CARDS_CLEAR (a roll): roll state uploaded (or archived); no problem recorded; the roll's
  manifest written to storage; at least one listed file; every MHL-listed file verified against
  its MHL hash, stored and its stored checksum proven equal, its source unchanged since
  verification, and its stored object re-checked present with the same checksum. Files the MHL
  does not list ("extras") never block the roll itself, only the drive they sit on (FORMATS.md §3).
- RAID_CLEAR (a roll): CARDS_CLEAR, and the archival copy verified for every object. With no
  archive tier configured a RAID is never cleared.
- A rotation drive may be erased when every roll folder on it is CARDS_CLEAR, the copy on the drive
  is itself verified and unchanged, and nothing else on it is unaccounted for; a RAID the same with
  RAID_CLEAR. The drive must be mounted and fully scanned since it was mounted, with no scan
  problems (layout errors, unreadable folders, unparseable MHLs).

Hidden and system files (`core.hidden`) never block. Paths are matched under Unicode NFC, as
everywhere else (`rollkeeper.mhl.model.name_key`).
"""

from rollkeeper.core.clearance.drives import judge_drive
from rollkeeper.core.clearance.evidence import (
    CLEARABLE_ROLL_STATES,
    DEFAULT_POLICY,
    NAMES_PER_REASON,
    REPORTS_FOLDER,
    ArchiveStatus,
    CopyFileEvidence,
    DriveEvidence,
    FileEvidence,
    Policy,
    Role,
    RollEvidence,
    RollOnDrive,
)
from rollkeeper.core.clearance.rolls import judge_roll
from rollkeeper.core.clearance.verdicts import Blocker, DriveVerdict, Level, RollVerdict

__all__ = [
    "CLEARABLE_ROLL_STATES",
    "DEFAULT_POLICY",
    "NAMES_PER_REASON",
    "REPORTS_FOLDER",
    "ArchiveStatus",
    "Blocker",
    "CopyFileEvidence",
    "DriveEvidence",
    "DriveVerdict",
    "FileEvidence",
    "Level",
    "Policy",
    "Role",
    "RollEvidence",
    "RollOnDrive",
    "RollVerdict",
    "judge_drive",
    "judge_roll",
]
