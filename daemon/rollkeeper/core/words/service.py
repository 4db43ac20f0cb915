"""The words of the daemon's own life as a service: its one-line status for the supervisor
(`systemctl status`), a configuration reload kept or refused, a setting that needs a restart,
the sleep inhibitor that cannot be held, a ledger backup made."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: What separates the parts of the status line.
SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class ServiceCounts:
    """What the status line counts: rolls by stage, and the drives that may be erased now."""

    verifying: int = 0
    uploading: int = 0
    verified: int = 0  # verified, uploaded or archived
    failed: int = 0
    erasable: tuple[str, ...] = ()


def status_line(counts: ServiceCounts) -> str:
    """One line: `3 rolls uploading · 41 verified · SHUTTLE_03 may be erased`."""
    parts: list[str] = []
    if counts.verifying:
        parts.append(f"{_rolls(counts.verifying)} verifying")
    if counts.uploading:
        parts.append(f"{_rolls(counts.uploading) if not parts else counts.uploading} uploading")
    parts.append(f"{counts.verified} verified" if parts else f"{_rolls(counts.verified)} verified")
    if counts.failed:
        parts.append(f"{counts.failed} failed")
    parts.extend(f"{label} may be erased" for label in counts.erasable)
    return SEPARATOR.join(parts)


def _rolls(count: int) -> str:
    return f"{count} roll" if count == 1 else f"{count} rolls"


def reload_rejected(file: str, reason: str) -> str:
    """A SIGHUP's configuration that was refused: the old one still runs (a reason that
    names the file already is not made to name it twice)."""
    reason = reason.removeprefix(f"{file}: ")
    return f"{file} was not reloaded (the previous configuration still runs): {reason}"


def reload_needs_restart(keys: Sequence[str]) -> str:
    """Settings a reload cannot change while the daemon runs: kept as they were."""
    return (
        f"{', '.join(keys)} changed: kept as before until the daemon restarts "
        "(`systemctl restart rollkeeper`, or stop and start `rollkeeper run`)"
    )


def inhibitor_missing(tool: str) -> str:
    """`[service] prevent_sleep` asked for, but the tool that holds it is not there."""
    return (
        f"cannot keep the cart awake while rolls verify or upload: {tool} is not installed "
        "(install it, or set [service] prevent_sleep = false)"
    )
