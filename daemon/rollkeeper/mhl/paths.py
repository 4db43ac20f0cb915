"""Turning a path written inside an MHL into a safe path relative to the roll, or refusing it."""

from __future__ import annotations

import re

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class HostilePathError(ValueError):
    """An MHL entry names a path that could reach outside the folder the MHL describes."""


def safe_relative_path(raw: str, *, windows_separators: bool) -> str:
    """Validate and normalise a path from an MHL; `/`-separated, no `.` or empty parts.

    Legacy tools on Windows wrote `\\` separators, so legacy paths may convert them; ASC paths
    are POSIX by specification and keep a backslash as part of a name.
    """
    if "\x00" in raw:
        raise HostilePathError(f"path {raw!r} contains a NUL byte")
    # Names may start or end with spaces; only pretty-printing (a newline and indentation
    # around the text) is formatting rather than part of the name.
    text = raw.strip() if "\n" in raw else raw
    if windows_separators:
        text = text.replace("\\", "/")
    if not text.strip():
        raise HostilePathError("an entry has an empty path")
    if text.startswith("/") or _WINDOWS_DRIVE.match(text) or text.startswith("\\\\"):
        raise HostilePathError(f"path {raw!r} is absolute; MHL paths must be relative to the MHL")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise HostilePathError(f"path {raw!r} climbs out of the folder with '..'")
    if not parts:
        raise HostilePathError(f"path {raw!r} names no file")
    return "/".join(parts)
