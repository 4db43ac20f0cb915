"""Is there room? Free space on a folder target and on the state disk, checked before each
roll's upload (and by `rollkeeper doctor`).

A folder target must keep the roll plus a margin free for the upload to start (`TARGET_MARGIN`,
1 GiB, or `MARGIN_SHARE` of a smaller disk's size); below twice the roll plus the margin it is
said to run low (the upload still goes). The state disk (ledger, checkpoints, log) must keep
`STATE_MINIMUM` free, else uploads wait. S3 has no free space to ask about: only its own
refusals say it is full.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from rollkeeper.core.words.storage import space_needed

GiB = 1024**3
MiB = 1024**2
#: Room a folder target keeps beyond the roll being uploaded (its own files, other writers)...
TARGET_MARGIN = 1 * GiB
#: ...or this share of its size, on a disk too small for that.
MARGIN_SHARE = 0.02
#: Room the state disk keeps for the ledger, its checkpoints and the log.
STATE_MINIMUM = 256 * MiB


@dataclass(frozen=True, slots=True)
class SpaceCheck:
    """Free space on one disk against its threshold: `low` below it; `fits` whether the work
    (a roll's upload, the ledger's writes) can go on all the same. `free` None: the disk could
    not be asked (nothing is claimed: the target's own check says why)."""

    disk: str
    free: int | None
    needed: int
    roll_bytes: int | None
    low: bool
    fits: bool

    @property
    def sentence(self) -> str:
        """What a person reads: the space, the threshold, and what follows."""
        if self.free is None:
            return f"free space on {self.disk} cannot be asked"
        if not self.low:
            return f"{self.disk}: enough free space"
        return space_needed(
            self.disk,
            free=self.free,
            needed=self.needed,
            roll_bytes=self.roll_bytes,
            fits=self.fits,
        )


def target_space(folder: Path, roll_bytes: int) -> SpaceCheck:
    """Whether a roll of `roll_bytes` may start its upload into `folder`."""
    try:
        usage = shutil.disk_usage(folder)
    except OSError:
        return SpaceCheck(f"target folder {folder}", None, roll_bytes, roll_bytes, False, True)
    free, margin = usage.free, min(TARGET_MARGIN, int(MARGIN_SHARE * usage.total))
    fit = roll_bytes + margin
    comfortable = 2 * roll_bytes + margin
    return SpaceCheck(
        f"target folder {folder}",
        free,
        comfortable if free >= fit else fit,
        roll_bytes,
        low=free < comfortable,
        fits=free >= fit,
    )


def state_space(state_dir: Path, minimum: int = STATE_MINIMUM) -> SpaceCheck:
    """Whether the state disk keeps the room the ledger needs."""
    try:
        free = shutil.disk_usage(state_dir).free
    except OSError:
        return SpaceCheck(f"state folder {state_dir}", None, minimum, None, False, True)
    low = free < minimum
    return SpaceCheck(f"state folder {state_dir}", free, minimum, None, low=low, fits=not low)
