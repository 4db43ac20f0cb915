"""The evidence erase clearance is judged from, and the production's clearance Policy.

Every fact is explicit, and only the literal value `True` proves it: `None` (not known, not
re-checked) and `False` (checked and failed) both refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rollkeeper.core.lifecycle import RollState

Role = Literal["raid", "rotation"]
ArchiveStatus = Literal["none", "pending", "archived", "failed", "unknown"]

#: Roll states from which a clearance may be reached (the archive itself is judged from its own
#: evidence, whatever the state says). Every other state, known or not, refuses.
CLEARABLE_ROLL_STATES = frozenset({RollState.UPLOADED.value, RollState.ARCHIVED.value})

#: A folder of this exact name (case matters, FORMATS.md §5) holds reports, not media.
REPORTS_FOLDER = "Reports"

#: How many file names one reason lists before it says "and N more".
NAMES_PER_REASON = 5


# --------------------------------------------------------------------------------------------
# Evidence


@dataclass(frozen=True, slots=True)
class FileEvidence:
    """One file of a roll, as the roll's MHL lists it, with every fact proven about it.

    `path` is relative to the roll folder, `/`-separated. Facts are `True` (proven), `False`
    (checked and failed) or `None` (not known / not checked yet); only `True` counts.
    """

    path: str
    listed_in_mhl: bool  # False: an extra, on disk but not in the MHL (never backed up)
    hidden: bool  # a hidden/system file (FORMATS.md §3); honoured only if the path is one too
    verified: bool | None  # bytes matched the MHL hash
    stored_proven: bool | None  # uploaded, and the stored object's checksum proven equal
    archived: bool | None  # the archival copy of the stored object verified
    source_unchanged: bool | None  # re-check: size/mtime/inode as when verified
    object_present: bool | None  # re-check: stored object still present, same checksum


@dataclass(frozen=True, slots=True)
class RollEvidence:
    """One roll (one card) across all its copies, with its upload and archive."""

    roll_id: str
    state: str  # a RollState value
    problems: tuple[str, ...]  # anything recorded against the roll; any one blocks
    files: tuple[FileEvidence, ...]
    manifest_written: bool  # the roll's manifest (MHL + proofs) is written to storage
    archive: ArchiveStatus  # "none": no archive tier is configured
    onset_copies: int  # on-set volumes holding a verified copy
    storage_problem: str | None = None  # why the stored objects cannot be checked (blocks)


@dataclass(frozen=True, slots=True)
class CopyFileEvidence:
    """One file of a roll's copy on one drive: is this drive's copy itself good?

    `path` is relative to the roll folder on this drive. Facts as in `FileEvidence`.
    """

    path: str
    listed_in_mhl: bool  # False: an extra on this drive
    hidden: bool
    verified: bool | None  # this copy's bytes matched the MHL hash
    unchanged: bool | None  # re-check: size/mtime/inode on this drive as when verified


@dataclass(frozen=True, slots=True)
class RollOnDrive:
    """One roll folder on the drive being judged."""

    roll: RollEvidence
    copy_state: str  # a CopyState value for the copy on this drive
    extras: tuple[str, ...]  # non-hidden files in the roll folder the MHL does not list
    copy_files: tuple[CopyFileEvidence, ...]
    # The copy holds the roll's stored (claimed) content: same (path, size, hash) set. True
    # proves it; False (other content under the roll's name) and None (not known) refuse.
    same_content: bool | None
    content_drive: str | None  # the drive the roll's stored content was read from


@dataclass(frozen=True, slots=True)
class DriveEvidence:
    """One physical drive (volume) and everything on it.

    `unaccounted` holds non-hidden files and folders outside any roll folder (and outside a
    `Reports/` folder), as paths relative to the volume root; folders end with `/`. Entries that
    are hidden/system paths or lie in a folder named exactly `Reports` are ignored here too.
    """

    label: str
    role: Role
    volume_id: int
    mounted: bool
    fully_scanned: bool  # a full scan finished since the drive was (last) mounted
    problems: tuple[str, ...]  # layout errors, unreadable folders, unparseable MHLs
    unaccounted: tuple[str, ...]
    rolls: tuple[RollOnDrive, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    """The production's clearance settings. The defaults are the safe ones.

    - `extras_block_drive`: a file the MHL does not list blocks erasing the drive it is on
      (otherwise it is a warning: erasing the drive destroys it). Only the literal `False` turns
      this off.
    - `min_onset_copies`: the production's on-set copy rule; a roll on fewer volumes is a
      warning, never a block.
    - `archive_required_for_raid`: a RAID is cleared only once the archival copy is verified.
      Only the literal `False` turns this off, and even then a RAID is never cleared when no
      archive tier is configured, when the archive status is unknown, or when archiving failed.
    """

    extras_block_drive: bool = True
    min_onset_copies: int = 3
    archive_required_for_raid: bool = True


DEFAULT_POLICY = Policy()
