"""A file as the domain sees it: its identity on disk, and how its name reads to a person.

Pure data and name rules shared by the scan (which fills them in), readiness, MHL reading and
clearance (which judge them).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import NamedTuple

from rollkeeper.core.hidden import is_hidden_name

ASC_HISTORY_DIR = "ascmhl"
#: ".mhl" in every mix of upper and lower case: `str.endswith` tests them all in C.
MHL_SUFFIXES = tuple(
    "." + "".join(c.upper() if upper else c for c, upper in zip("mhl", case, strict=True))
    for case in itertools.product((False, True), repeat=3)
)


def is_mhl_file_name(name: str) -> bool:
    """A legacy MHL manifest by its name (`.mhl`, any case), hidden AppleDouble twins excluded."""
    return name.lower().endswith(".mhl") and not is_hidden_name(name)


def display_path(path: str | Path) -> str:
    """A path as a person should read it: names that are not UTF-8 show their bytes as `\\xNN`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_utf8_name(path: str) -> bool:
    """False when a name on disk is not valid UTF-8 (it then holds surrogate escapes)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class FileInfo(NamedTuple):
    """A file as the scan saw it. `is_symlink` entries were not followed.

    A named tuple: a walk creates one per file, and two scans of an unchanged roll compare
    equal with C-speed tuple comparison (size, mtime, inode and ctime all take part).
    """

    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int = 0  # changes on every write or metadata change; copy tools cannot set it
    is_symlink: bool = False
