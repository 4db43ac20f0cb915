"""When is an offload finished? Pure rules over a roll's MHL, its files on disk and the clock.

A copy is READY only when its MHL parses, every listed file exists with exactly its listed size,
and nothing in the roll has changed for `settle` seconds. Copy tools may preserve source mtimes,
so "changed" is judged by ctime (which no tool can set) and by the service noticing any
difference between scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rollkeeper.core.files import FileInfo
from rollkeeper.core.hidden import is_hidden_path
from rollkeeper.core.words import file_short, waiting_for_files
from rollkeeper.mhl.model import RollManifest, name_key


@dataclass(frozen=True, slots=True)
class Readiness:
    """The verdict: ready, or why not (with the files still missing or short)."""

    ready: bool
    reason: str
    waiting_for: tuple[str, ...] = field(default=())
    settled: bool = False


def shortfall(manifest: RollManifest, files: dict[str, FileInfo]) -> list[str]:
    """Listed files that are absent or not yet their listed size, as `path (have/want)`."""
    present = {name_key(path): info for path, info in files.items()}
    waiting: list[str] = []
    for key, entry in manifest.entries.items():
        if is_hidden_path(entry.path) or entry.known_bad:
            continue
        info = present.get(key)
        if info is None:
            waiting.append(file_short(entry.path, None, entry.size))
        elif entry.size is not None and info.size != entry.size:
            waiting.append(file_short(entry.path, info.size, entry.size))
    return waiting


def last_change_ns(files: dict[str, FileInfo]) -> int:
    """The newest ctime among the roll's files (mtime only where no ctime is known).

    Never the mtime when a ctime is known: copy tools preserve the camera's mtimes, and a camera
    clock set ahead (a wrong time zone is enough) would otherwise keep the roll settling for hours.
    """
    return max((info.ctime_ns or info.mtime_ns for info in files.values()), default=0)


def assess(
    manifest: RollManifest,
    files: dict[str, FileInfo],
    *,
    last_change: float,
    now: float,
    settle: float,
) -> Readiness:
    """Whether a roll copy may be verified now; `last_change` and `now` are epoch seconds."""
    quiet_for = now - last_change
    settled = quiet_for >= settle
    waiting = shortfall(manifest, files)
    if waiting:
        reason = waiting_for_files(waiting, len(waiting))
        return Readiness(False, reason, tuple(waiting), settled)
    if not settled:
        return Readiness(False, f"settling: quiet for {quiet_for:.0f}s of {settle:.0f}s")
    return Readiness(True, "all listed files present and quiet", settled=True)
