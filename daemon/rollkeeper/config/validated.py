"""The configuration texts this rollkeeper has validated in full and accepted, remembered.

A digest per text (with what else decides the verdict: this rollkeeper's version, the schema's
source files as they are now, and HOME, which `~` in a path expands to) is kept, newest last, in
`config-validated` in the state folder the text names (rollkeeper writes nowhere else of its
own accord; the folder is never created for it). A text whose digest is there needs no second full
validation (`config.status`); anything else is validated again. Losing the cache costs a
validation, never a wrong answer, so a cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from rollkeeper import __version__

CACHE_FILE = "config-validated"
#: Digests kept: a cart has one configuration, a developer a few.
KEEP = 32


def _cache_file(state_dir: Path) -> Path:
    return state_dir / CACHE_FILE


def _schema_stamp() -> str:
    """The config package's source files as they are now (name, size, mtime): a schema edited
    in place (a development checkout) is not trusted to give yesterday's verdict."""
    folder = Path(__file__).parent
    entries = sorted(
        f"{e.name}:{e.stat().st_size}:{e.stat().st_mtime_ns}"
        for e in os.scandir(folder)
        if e.name.endswith(".py")
    )
    return ";".join(entries)


def digest(text: str) -> str:
    """What a verdict on `text` depends on, as one hex digest."""
    key = "\0".join((__version__, _schema_stamp(), os.environ.get("HOME", ""), text))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _known(state_dir: Path) -> list[str]:
    try:
        return _cache_file(state_dir).read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return []


def accepted_before(text: str, state_dir: Path) -> bool:
    """Whether `text` (naming `state_dir`) was validated in full and accepted before."""
    return digest(text) in _known(state_dir)


def remember(text: str, state_dir: Path) -> None:
    """Note that `text` was validated in full and accepted (best effort; only into a state
    folder the daemon already uses)."""
    try:
        in_use = state_dir.is_dir() and any(state_dir.iterdir())
    except OSError:
        return
    if not in_use:  # a folder the daemon has not used yet is left as it is
        return
    entry = digest(text)
    older = [d for d in _known(state_dir) if d != entry][-(KEEP - 1) :]
    known = [*older, entry]
    file = _cache_file(state_dir)
    temporary = file.with_name(f".{CACHE_FILE}.{os.getpid()}")
    try:
        temporary.write_text("\n".join(known) + "\n", encoding="ascii")
        os.replace(temporary, file)
    except OSError:  # best effort: a folder that cannot be written is the state checks' to name
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
