"""What installing a service means, as plain data: the files written or removed and the commands
run, each an argv list (never a shell line), so `--dry-run` can print exactly what would happen.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Scope(Enum):
    """Whose service: the logged-in user's (a systemd user unit, a LaunchAgent) or the machine's
    (a system unit, a LaunchDaemon; needs root)."""

    USER = "user"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """Everything a backend renders its file from, in absolute paths."""

    program: tuple[str, ...]  # the rollkeeper executable (or python -m rollkeeper)
    config: Path
    state_dir: Path
    writable: tuple[Path, ...]  # folders the daemon writes besides its state (target, archive)
    stop_grace: float  # [service] stop_grace: the daemon's own deadline after SIGTERM
    scope: Scope
    home: Path
    interpreter: Path  # the real Python binary (what macOS grants Full Disk Access to)

    @property
    def arguments(self) -> tuple[str, ...]:
        """The daemon's whole command line."""
        return (*self.program, "run", "--config", str(self.config))

    @property
    def stop_timeout(self) -> int:
        """How long the service manager waits after SIGTERM: `stop_grace` and a margin for the
        ledger's last flush, so the daemon's own deadline always comes first."""
        return int(self.stop_grace) + 25


@dataclass(frozen=True, slots=True)
class Command:
    """One command: its argv, and whether its failure stops the plan (`check`)."""

    argv: tuple[str, ...]
    check: bool = True

    def shown(self) -> str:
        """The command as a person would type it (quoted for a POSIX shell; never run so)."""
        return shlex.join(self.argv)


@dataclass(frozen=True, slots=True)
class FileWrite:
    """A file written whole (atomically), with its mode."""

    path: Path
    content: bytes
    mode: int = 0o644


@dataclass(frozen=True, slots=True)
class Plan:
    """Steps in order: folders made, files written, commands run, files removed; then the lines
    said to the person (what happened and what to do next)."""

    folders: tuple[Path, ...] = ()
    writes: tuple[FileWrite, ...] = ()
    commands: tuple[Command, ...] = ()
    removals: tuple[Path, ...] = ()
    after: tuple[Command, ...] = ()  # commands run once the files are removed
    notes: tuple[str, ...] = ()
