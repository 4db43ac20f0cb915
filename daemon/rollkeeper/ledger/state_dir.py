"""The state folder (ledger, lock, log): there, a folder, usable, and on the drive meant for it.

Every command that reads the ledger first asks `check_state_dir`; `rollkeeper run` asks
`prepare_state_dir`, which creates a missing state folder only when its parent exists and is not
an empty mount point waiting for its drive (a state folder made there would land on the boot
disk, and the real ledger would reappear, older, when the drive is mounted again). Each refusal
is an `EnvironmentProblem` (exit 3): one sentence naming the path and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path

from rollkeeper.core.errors import EnvironmentProblem

#: Where drives are mounted: a path below one of these is on a drive only if some folder between
#: it and the root is a mount point.
MOUNT_ROOTS = (Path("/Volumes"), Path("/media"), Path("/run/media"), Path("/mnt"))

FIX_DIR = "or set [state] dir to another folder"


def unmounted_drive(path: Path) -> Path | None:
    """The folder that should be a mounted drive for `path` to be on it, but is not: `path`
    is below a mount root (`MOUNT_ROOTS`) and no existing folder between them is a mount point.
    None when `path` is not below a mount root, or its drive is mounted."""
    absolute = Path(os.path.abspath(path))
    for root in MOUNT_ROOTS:
        if absolute == root or not absolute.is_relative_to(root):
            continue
        between = [absolute, *absolute.parents]
        below_root = [p for p in between if p != root and p.is_relative_to(root)]
        existing = [p for p in below_root if p.is_dir()]
        if any(os.path.ismount(p) for p in existing):
            return None
        return existing[0] if existing else below_root[-1]
    return None


def _not_mounted(state_dir: Path, drive: Path) -> EnvironmentProblem:
    return EnvironmentProblem(
        f"the state folder {state_dir} is on {drive}, which is not a mounted drive: mount it, "
        f"{FIX_DIR}"
    )


def _usable(state_dir: Path, *, write: bool) -> None:
    """Refuse a state folder that is not a folder, or that we may not read (or write)."""
    if not state_dir.is_dir():
        raise EnvironmentProblem(
            f"the state folder {state_dir} is a file, not a folder: move the file aside, {FIX_DIR}"
        )
    mode = os.R_OK | os.X_OK | (os.W_OK if write else 0)
    if not os.access(state_dir, mode):
        verb = "written" if write else "read"
        raise EnvironmentProblem(
            f"the state folder {state_dir} cannot be {verb}: let the user running rollkeeper "
            f"read and write it, {FIX_DIR}"
        )


def check_state_dir(state_dir: Path) -> None:
    """A command that reads the ledger: the state folder must be there and readable."""
    if not os.path.lexists(state_dir):
        drive = unmounted_drive(state_dir)
        if drive is not None:
            raise _not_mounted(state_dir, drive)
        raise EnvironmentProblem(
            f"the state folder {state_dir} does not exist: start `rollkeeper run` to create it, "
            f"{FIX_DIR}"
        )
    _usable(state_dir, write=False)


def prepare_state_dir(state_dir: Path) -> bool:
    """The daemon's state folder, ready to write; created (True) when missing and its parent
    exists on a mounted drive."""
    if os.path.lexists(state_dir):
        _usable(state_dir, write=True)
        return False
    drive = unmounted_drive(state_dir)
    if drive is not None:
        raise _not_mounted(state_dir, drive)
    parent = state_dir.parent
    if not parent.is_dir():
        raise EnvironmentProblem(
            f"the state folder {state_dir} cannot be created: its parent {parent} does not "
            f"exist (is its drive mounted?); create {parent}, {FIX_DIR}"
        )
    try:
        state_dir.mkdir()
    except OSError as err:
        raise EnvironmentProblem(
            f"the state folder {state_dir} cannot be created ({err.strerror or err}): let the "
            f"user running rollkeeper write {parent}, {FIX_DIR}"
        ) from err
    return True
