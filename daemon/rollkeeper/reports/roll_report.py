"""`rollkeeper report`: one row per roll, the totals, the drives that may be erased, completeness.

A view of the ledger, read in one moment (`ledger.snapshot`) and built on the status document of
that same moment (`reports.status.status_document`): a roll's problems and clearance, and a
drive's recorded verdict with how old its evidence is, are exactly what `rollkeeper status` says,
so the report never claims a clearance the status would not. What the status does not show (file
counts and bytes, the MHL's digest, the archive's answer) is read from the same snapshot.
Timestamps are ISO-8601 UTC (`2026-11-21T10:00:00Z`). The renderers are `report_csv`,
`report_json` and `report_html`; a summary's content is `summary`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rollkeeper.core.completeness import Completeness, RollSeen, completeness, roll_number
from rollkeeper.core.errors import BadInputError
from rollkeeper.core.layout.shoot_day import calendar_date, parse_shoot_day_name
from rollkeeper.core.lifecycle import FAILED_COPY_STATES, FAILED_ROLL_STATES
from rollkeeper.core.words.reports import DriveWords
from rollkeeper.fs.presence import read_presence
from rollkeeper.ledger.rows import ArchiveCheck, CopyRow
from rollkeeper.ledger.snapshot import LedgerSnapshot, read_snapshot
from rollkeeper.ledger.totals import CopyTotal
from rollkeeper.reports.ledger_file import require_ledger
from rollkeeper.reports.status import Freshness, status_document

REPORT_SCHEMA = "rollkeeper.report/1"
NO_LEDGER_HINT = "nothing has been recorded on this cart yet: start the daemon (`rollkeeper run`)"
_ABSENT = ("gone", "erased")
CopyTotals = dict[tuple[str, int], CopyTotal]
_FAILED = frozenset(s.value for s in FAILED_ROLL_STATES | FAILED_COPY_STATES)


def utc(at: str | None) -> str | None:
    """A recorded moment as ISO-8601 UTC to the second: 2026-11-21T10:00:00Z."""
    if not at:
        return None
    return datetime.fromisoformat(at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shoot_date(day: str) -> str:
    """A `--day` as given, if it is a real date written YYYYMMDD; else the sentence to fix it."""
    if len(day) != 8 or not day.isascii() or not day.isdigit() or calendar_date(day) is None:
        raise BadInputError(
            f"--day {day!r} is not a shoot date: give it as YYYYMMDD, e.g. 20261121"
        )
    return day


@dataclass(frozen=True, slots=True)
class RollRow:
    """One roll as the report shows it (the CSV's columns, in order; see README)."""

    shoot_day: str
    unit: str  # the shoot day folder's unit field (MU, 2U), "" when it has none
    camera: str  # the roll name's letter, "sound", or "" when the name fits no pattern
    media_type: str
    camera_format: str
    roll: str
    roll_id: str
    state: str
    files: int | None  # None: not verified yet
    bytes: int | None
    mhl_format: str  # legacy, asc, asc+legacy ("" before it was recorded)
    mhl_hash: tuple[str, ...]  # each MHL file as read: "name=xxh64"
    verification: str
    verification_at: str | None
    upload: str
    upload_at: str | None
    archive: str
    archive_at: str | None
    clearance: str  # "raid", "cards" or "none"
    copies: tuple[str, ...]  # drive labels holding an on-set copy
    problems: tuple[str, ...]

    @property
    def troubled(self) -> bool:
        """A problem is recorded, or the roll is in a failed state: someone must look."""
        return bool(self.problems) or self.state in _FAILED


@dataclass(frozen=True, slots=True)
class Totals:
    """What the rows add up to."""

    rolls: int
    files: int
    bytes: int
    by_state: tuple[tuple[str, int], ...]  # most first
    with_problems: int
    cards_clear: int
    raid_clear: int
    drives_clear: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RollReport:
    """The whole report: for one shoot day (`day`) or the whole show (None)."""

    generated_at: str
    day: str | None
    daemon: dict[str, Any]
    rows: tuple[RollRow, ...]
    totals: Totals
    drives: tuple[DriveWords, ...]
    completeness: Completeness  # always across the whole show: roll numbers run on


def load_report(
    state_dir: Path,
    archive_provider: str = "none",
    max_evidence_age: float = 600.0,
    day: str | None = None,
) -> RollReport:
    """The report of shoot day `day` (YYYYMMDD; None: the whole show) from the ledger."""
    if day is not None:
        shoot_date(day)
    return load_status_and_report(state_dir, archive_provider, max_evidence_age, day)[1]


def load_status_and_report(
    state_dir: Path,
    archive_provider: str = "none",
    max_evidence_age: float = 600.0,
    day: str | None = None,
) -> tuple[dict[str, Any], RollReport]:
    """The status document and the report of one moment of the ledger (one snapshot), so the
    two can be shown side by side (the dashboard) without ever disagreeing."""
    require_ledger(state_dir, NO_LEDGER_HINT)
    freshness = Freshness(read_presence(state_dir), datetime.now(UTC), max_evidence_age)
    with read_snapshot(state_dir) as ledger:
        document = status_document(ledger, state_dir, archive_provider, freshness)
        counted = ledger.copy_totals()
        rows = [_row(ledger, roll, counted) for roll in document["rolls"]]
    show = completeness(
        RollSeen(r.roll_id, r.shoot_day, r.media_type, r.roll, r.state) for r in rows
    )
    chosen = sorted(
        (r for r in rows if day is None or r.shoot_day.startswith(day)),
        key=lambda r: (r.shoot_day, r.media_type, r.roll, r.roll_id),
    )
    ids = {r.roll_id for r in chosen}
    drives = tuple(_drive(v) for v in document["volumes"] if day is None or ids & set(v["rolls"]))
    report = RollReport(
        generated_at=utc(freshness.now.isoformat()) or "",
        day=day,
        daemon=document["daemon"],
        rows=tuple(chosen),
        totals=_totals(chosen, drives),
        drives=drives,
        completeness=show,
    )
    return document, report


def _row(ledger: LedgerSnapshot, roll: dict[str, Any], counted: CopyTotals) -> RollRow:
    """One roll of the status document, with its counts, MHL digest and archive answer."""
    number = roll_number(roll["roll"], roll["media_type"])
    verification, verified_at = _verification(roll["copies"])
    upload = roll["upload"] or {}
    archive = ledger.archive_check(roll["id"])
    copies = _copies_in_order(ledger, roll["id"])
    files, size = _counted(copies, counted)
    mhl_format, mhl_hash = _mhl(copies)
    clearance = roll["clearance"]
    return RollRow(
        shoot_day=roll["shoot_day"],
        unit=parse_shoot_day_name(roll["shoot_day"]).unit or "",
        camera=number.sequence if number is not None else "",
        media_type=roll["media_type"],
        camera_format=roll["camera_format"] or "",
        roll=roll["roll"],
        roll_id=roll["id"],
        state=roll["state"],
        files=files,
        bytes=size,
        mhl_format=mhl_format,
        mhl_hash=mhl_hash,
        verification=verification,
        verification_at=utc(verified_at),
        upload=upload.get("state") or "",
        upload_at=utc(upload.get("finished_at") or upload.get("started_at")),
        archive=_archive_state(archive),
        archive_at=utc(archive.archived_at or archive.checked_at) if archive else None,
        clearance="raid" if clearance["raid_clear"] else "cards" if clearance["cards_clear"]
        else "none",
        copies=tuple(roll["volumes"]),
        problems=tuple(roll["problems"]),
    )  # fmt: skip


def _archive_state(check: ArchiveCheck | None) -> str:
    """The archive's last answer; "none" without an archive tier (whose answer, "pending"
    forever, would read as something still to come); "" before it was asked."""
    if check is None:
        return ""
    return "none" if check.provider == "none" else check.state


def _verification(copies: list[dict[str, Any]]) -> tuple[str, str | None]:
    """A roll's verification: a failure on a copy still there wins; else verified (when first);
    else how far its copies got ("" when there are none)."""
    present = [c for c in copies if c["state"] not in _ABSENT]
    failed = [c["state"] for c in present if c["state"] in _FAILED]
    if failed:
        return failed[0], None
    verified = [c["verified_at"] for c in copies if c["verified_at"] and c["state"] != "gone"]
    if verified:
        return "verified", min(verified)
    return (present[0]["state"] if present else ""), None


def _copies_in_order(ledger: LedgerSnapshot, roll_id: str) -> list[CopyRow]:
    """The roll's copies, the one that is the roll's content first (else the one it was
    uploaded from): what the roll's counts and MHL are read from."""
    record = ledger.roll(roll_id)
    upload = ledger.roll_upload(roll_id)
    preferred = [
        record.content_volume_id if record else None,
        upload.volume_id if upload else None,
    ]
    copies = ledger.copies(roll_id=roll_id)
    return sorted(
        copies,
        key=lambda c: preferred.index(c.volume_id) if c.volume_id in preferred else 2,
    )


def _counted(copies: list[CopyRow], totals: CopyTotals) -> tuple[int | None, int | None]:
    """The roll's files and bytes, from the first copy verified; None before any was."""
    for copy in copies:
        total = totals.get((copy.roll_id, copy.volume_id))
        if total is not None:
            return total.files, total.size
    return None, None


def _mhl(copies: list[CopyRow]) -> tuple[str, tuple[str, ...]]:
    """The MHL format and each MHL file's digest (`name=xxh64`) of the first copy whose MHLs
    were described ("" and none before that was recorded)."""
    for copy in copies:
        if copy.mhl_format is not None:
            return copy.mhl_format, tuple(f"{name}={digest}" for name, digest in copy.mhl_digests)
    return "", ()


def _drive(volume: dict[str, Any]) -> DriveWords:
    """A drive for the "may be erased" panel: its recorded verdict as the status shows it."""
    verdict = volume["clearance"]
    return DriveWords(
        label=volume["label"],
        role=volume["role"],
        judged=verdict is not None,
        clear=bool(verdict and verdict["clear_to_erase"]),
        level=verdict["level"] if verdict else None,
        as_of=utc(verdict["as_of"]) if verdict else None,
        stale=bool(verdict and verdict["stale"]),
        blocking=tuple(b["reason"] for b in (verdict or {}).get("blocking", [])),
        erased_at=utc(volume["erased_at"]),
        mounted=bool(volume["mounted"]),
        rolls=len(volume["rolls"]),
    )


def _totals(rows: list[RollRow], drives: tuple[DriveWords, ...]) -> Totals:
    """Counts, files and bytes of the rows; the drives that may be erased (fresh verdicts only)."""
    states = Counter(r.state for r in rows)
    return Totals(
        rolls=len(rows),
        files=sum(r.files or 0 for r in rows),
        bytes=sum(r.bytes or 0 for r in rows),
        by_state=tuple(sorted(states.items(), key=lambda s: (-s[1], s[0]))),
        with_problems=sum(1 for r in rows if r.troubled),
        cards_clear=sum(1 for r in rows if r.clearance in ("cards", "raid")),
        raid_clear=sum(1 for r in rows if r.clearance == "raid"),
        drives_clear=tuple(d.label for d in drives if d.clear and not d.stale),
    )
