"""What a roll's MHLs are, for the record: their format and each MHL file's own xxh64.

The roll report shows which MHL a roll arrived with and a digest of the very file (a producer
matching a report against the MHL on a drive or in storage compares these). Read when the MHLs
are parsed (again only when they change), from the files that were parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import xxhash

from rollkeeper.mhl.model import RollManifest

#: What a file that could not be read again is recorded with, instead of a digest.
UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class MhlDescription:
    """A roll's MHL format (`legacy`, `asc`, or `asc+legacy`) and its MHL files with their
    xxh64 (canonical hex), by path relative to the roll, in path order."""

    format: str
    digests: tuple[tuple[str, str], ...]


def _digest(path: Path) -> str:
    try:
        return xxhash.xxh64(path.read_bytes()).hexdigest()
    except OSError:
        return UNREADABLE


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def describe_mhls(manifest: RollManifest) -> MhlDescription:
    """The format and per-file digests of the MHLs `manifest` was read from."""
    files = sorted({_relative(p, manifest.root): p for p in manifest.mhl_files}.items())
    return MhlDescription(
        format="+".join(sorted(f.value for f in manifest.formats)),
        digests=tuple((name, _digest(path)) for name, path in files),
    )
