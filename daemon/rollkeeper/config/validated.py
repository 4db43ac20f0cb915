"""The configuration texts this rollkeeper has validated in full and accepted, remembered.

A digest per text (with what else decides the verdict: this rollkeeper's version, the schema's
source files as they are now, and HOME, which `~` in a path expands to) is kept, newest last, in
`validated` under the user's cache folder. A text whose digest is there needs no second full
validation (`config.status`); anything else is validated again. Losing the cache costs a
validation, never a wrong answer, so a cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from rollkeeper import __version__
from rollkeeper.config.loading import APP_NAME

CACHE_FILE = "validated"
#: Digests kept: a cart has one configuration, a developer a few.
KEEP = 32


def _cache_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME)) / CACHE_FILE


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


def _known() -> list[str]:
    try:
        return _cache_file().read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return []


def accepted_before(text: str) -> bool:
    """Whether `text` was validated in full and accepted by this rollkeeper before."""
    return digest(text) in _known()


def remember(text: str) -> None:
    """Note that `text` was validated in full and accepted (best effort)."""
    entry = digest(text)
    older = [d for d in _known() if d != entry][-(KEEP - 1) :]
    known = [*older, entry]
    file = _cache_file()
    temporary = file.with_name(f".{CACHE_FILE}.{os.getpid()}")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text("\n".join(known) + "\n", encoding="ascii")
        os.replace(temporary, file)
    except OSError:
        temporary.unlink(missing_ok=True)
