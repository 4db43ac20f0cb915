"""`rollkeeper status --watch`: what a person glancing at the cart wants from the status
document, and its plain form for a log or a pipe. The live terminal view
(`reports.status_live`) draws the same selections.

In flight: each roll being verified or uploaded, an upload with its bytes, rate and time left (as
`status` records them: the daemon's checkpoints update the upload's bytes as parts finish).
Problems: the rolls in a failure state and channels that gave up, newest first. Drives: each one,
mounted or not, and whether it may be erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rollkeeper.core.lifecycle import FAILED_ROLL_STATES, RollState
from rollkeeper.core.words.lines import size_text
from rollkeeper.reports.status_text import daemon_line, target_line

#: How many problems, and rolls of the latest days, the view shows (the rest are counted).
MAX_PROBLEMS = 8
MAX_ROLLS = 10
_IN_FLIGHT = {RollState.READY.value, RollState.VERIFYING.value, RollState.UPLOADING.value}
_FAILED = {state.value for state in FAILED_ROLL_STATES}


@dataclass(frozen=True, slots=True)
class Flight:
    """A roll being worked on: verifying (no byte count recorded) or uploading (with one)."""

    roll: str
    state: str
    done: int = 0
    total: int = 0
    rate: float | None = None
    eta: float | None = None

    @property
    def share(self) -> float:
        return self.done / self.total if self.total else 0.0

    def detail(self) -> str:
        """Bytes, rate and time left: "1.2 GB of 4 GB · 85.3 MB/s · 33 s left" ("" while
        verifying: no byte count is recorded for it)."""
        if not self.total:
            return ""
        text = f"{size_text(self.done)} of {size_text(self.total)}"
        if self.rate:
            text += f" · {size_text(int(self.rate))}/s"
        if self.eta is not None:
            text += f" · {duration_text(self.eta)} left"
        return text


@dataclass(frozen=True, slots=True)
class Drive:
    """A drive's line: may it be erased, and if not, the first reason."""

    label: str
    role: str
    mounted: bool
    may_erase: bool
    why_not: str | None

    def verdict(self) -> str:
        if self.may_erase:
            return "MAY BE ERASED"
        return f"keep: {self.why_not}" if self.why_not else "keep"


def duration_text(seconds: float) -> str:
    """A duration as a person reads it: "45 s", "12 min", "2 h 05 min"."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _roll_name(roll: dict[str, Any]) -> str:
    return f"{roll['roll']} ({roll['shoot_day']})" if roll.get("shoot_day") else roll["roll"]


def in_flight(document: dict[str, Any]) -> list[Flight]:
    """The rolls being verified or uploaded, uploads first."""
    flights = []
    for roll in document["rolls"]:
        upload = roll.get("upload") or {}
        if upload.get("state") == "uploading":
            flights.append(
                Flight(
                    _roll_name(roll), "uploading", int(upload["bytes_done"]),
                    int(upload["bytes_total"]), upload["rate_bytes_per_second"],
                    upload["eta_seconds"],
                )
            )  # fmt: skip
        elif roll["state"] in _IN_FLIGHT:
            flights.append(Flight(_roll_name(roll), roll["state"]))
    return sorted(flights, key=lambda flight: flight.state != "uploading")


def recent_rolls(document: dict[str, Any]) -> list[str]:
    """The rolls of the latest shoot days, newest first: "A001 (20261206) uploaded · on
    SHUTTLE_01" (at most `MAX_ROLLS`)."""
    rolls = sorted(document["rolls"], key=lambda r: (r["shoot_day"] or "", r["roll"]), reverse=True)
    lines = []
    for roll in rolls[:MAX_ROLLS]:
        where = ", ".join(roll["volumes"]) or "no mounted copy"
        lines.append(f"{_roll_name(roll)} {roll['state']} · on {where}")
    return lines


def problems(document: dict[str, Any]) -> list[str]:
    """What needs a person: every failed roll's first problem, every channel that gave up."""
    found = []
    for roll in document["rolls"]:
        if roll["state"] in _FAILED:
            first = roll["problems"][0] if roll["problems"] else roll["state"].upper()
            found.append(f"{roll['roll']}: {first}")
    for channel in document.get("notify", []):
        if channel["failed"]:
            found.append(f"notify {channel['channel']}: {channel['failed']} given up")
    return found


def drives(document: dict[str, Any]) -> list[Drive]:
    """Every drive, mounted ones first, each with its verdict."""
    found = []
    for volume in document["volumes"]:
        verdict = volume.get("clearance") or {}
        blockers = verdict.get("blocking") or []
        found.append(
            Drive(
                label=volume["label"],
                role=volume["role"],
                mounted=bool(volume["mounted"]),
                may_erase=bool(verdict.get("clear_to_erase")),
                why_not=blockers[0]["reason"] if blockers else None,
            )
        )
    return sorted(found, key=lambda drive: (not drive.mounted, drive.label))


def header_lines(document: dict[str, Any]) -> list[str]:
    """The daemon's line, and the target's when there is one."""
    lines = [daemon_line(document["daemon"])]
    target = target_line(document.get("target"))
    if target is not None:
        lines.append(target)
    return lines


def snapshot_lines(document: dict[str, Any], at: datetime) -> list[str]:
    """One snapshot as plain lines, for a log or a pipe."""
    lines = [f"— {at:%Y-%m-%d %H:%M:%S %Z}".rstrip(), *header_lines(document)]
    flights = in_flight(document)
    lines.append(f"In flight: {len(flights) or 'nothing'}")
    for flight in flights:
        bar = f" {flight.share:4.0%}" if flight.total else ""
        lines.append(f"  {flight.roll} {flight.state}{bar} {flight.detail()}".rstrip())
    recent = recent_rolls(document)
    lines.append(f"Rolls: {len(document['rolls']) or 'none yet'}")
    lines += [f"  {line}" for line in recent]
    found = problems(document)
    lines.append(f"Problems: {len(found) or 'none'}")
    lines += [f"  {problem}" for problem in found[:MAX_PROBLEMS]]
    if len(found) > MAX_PROBLEMS:
        lines.append(f"  …and {len(found) - MAX_PROBLEMS} more (rollkeeper status)")
    lines.append("Drives:")
    for drive in drives(document):
        where = "mounted" if drive.mounted else "not mounted"
        lines.append(f"  {drive.label} ({drive.role}, {where}): {drive.verdict()}")
    return lines
