"""Hidden and system files that operating systems and offload tools leave beside media.

They never make a roll fail and are never uploaded as media (FORMATS.md §3).
"""

from __future__ import annotations

_SYSTEM_NAMES = frozenset({"Thumbs.db", "desktop.ini", "Icon\r", "ehthumbs.db", "$RECYCLE.BIN"})

#: The same rule as gitignore patterns, for ASC MHL `<ignore>` lists we write.
#: `Icon\r` is written `Icon[\r]`: gitignore matchers strip trailing whitespace, and a bare
#: `Icon` would hide a media file of that name.
IGNORE_PATTERNS = (".*", "Thumbs.db", "desktop.ini", "Icon[\r]", "ehthumbs.db", "$RECYCLE.BIN")


def is_hidden_name(name: str) -> bool:
    """True for one path component that is a hidden or system file or folder."""
    return name.startswith(".") or name in _SYSTEM_NAMES


def is_hidden_path(relative_path: str) -> bool:
    """True when any component of a `/`-separated relative path is hidden or system."""
    return any(is_hidden_name(part) for part in relative_path.split("/"))
