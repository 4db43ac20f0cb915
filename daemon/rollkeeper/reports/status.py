"""`rollkeeper status`: what the ledger knows, per shoot day and roll, and per volume.

Read-only: it opens the ledger without taking the daemon's lock, so it answers while the daemon
runs, and reads it in one transaction, so the answer is one consistent moment of it. The JSON
document is a versioned contract (`STATUS_SCHEMA`).

Each roll's clearance is the one its recorded evidence gives (`reports.recorded_verdict`): kept
by the daemon, judged here only for the rolls it has not judged yet; the other per-roll lookups
are answered from a few queries over the whole ledger, read once (`rollkeeper.ledger.snapshot`).

A damaged ledger is not believed: before an answer that would say a drive or a roll may be
erased, the whole file is checked (`ledger.integrity`, about 0.5 s on a ledger of 200,000
uploaded files), unless a check that passed is remembered for the very same file, unchanged
since, within `max_evidence_age`; an answer that clears nothing relies on SQLite refusing the
pages it reads, which costs nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rollkeeper import __version__
from rollkeeper.core.lifecycle import CopyState, RollState
from rollkeeper.core.words import read_file_short
from rollkeeper.core.words.storage import mount_to_upload_again
from rollkeeper.fs.dashboard_state import read_dashboard_state
from rollkeeper.fs.presence import Presence, read_presence
from rollkeeper.fs.upload_control import read_upload_control
from rollkeeper.ledger.rows import (
    RollRecord,
    RollUpload,
    VolumeRow,
)
from rollkeeper.ledger.snapshot import read_snapshot
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.evidence_age import drive_as_of, is_stale_verdict
from rollkeeper.reports.ledger_file import require_ledger
from rollkeeper.reports.recorded_verdict import recorded_clearances
from rollkeeper.reports.status_health import archive_json, monitor_json, roll_archive_json

STATUS_SCHEMA = "rollkeeper.status/1"


@dataclass(frozen=True, slots=True)
class Freshness:
    """What a verdict's age is judged against: the daemon as last seen, now, the limit."""

    presence: Presence | None
    now: datetime
    max_evidence_age: float


def _drive_clearance(ledger: Ledger, volume_id: int, freshness: Freshness) -> dict[str, Any] | None:
    """The drive's latest verdict, as of its oldest evidence, and whether that is stale."""
    row = ledger.last_drive_clearance(volume_id)
    if row is None:
        return None
    verdict = json.loads(row.verdict)
    as_of = drive_as_of(ledger, volume_id, row)
    return {
        "clear_to_erase": bool(row.clear),
        "level": row.level,
        "blocking": verdict.get("blocking", []),
        "warnings": verdict.get("warnings", []),
        "judged_at": row.at,
        "as_of": as_of,
        "stale": is_stale_verdict(
            as_of, freshness.presence, freshness.now, freshness.max_evidence_age
        ),
    }


NO_LEDGER_HINT = "start the daemon (`rollkeeper run`) with this state dir"


def load_status(
    state_dir: Path, archive_provider: str = "none", max_evidence_age: float = 600.0
) -> dict[str, Any]:
    """The status document built from the ledger in `state_dir`; a drive's verdict older than
    `max_evidence_age` (or from a daemon not seen for longer) is marked stale."""
    require_ledger(state_dir, NO_LEDGER_HINT)
    freshness = Freshness(read_presence(state_dir), datetime.now(UTC), max_evidence_age)
    with read_snapshot(state_dir) as ledger:
        return status_document(ledger, state_dir, archive_provider, freshness)


def status_document(
    ledger: Ledger, state_dir: Path, archive_provider: str, freshness: Freshness
) -> dict[str, Any]:
    """The status document of an open ledger (a snapshot: one moment of it). The roll report
    builds on it, so both say the same of every roll and drive. A document that says anything
    may be erased is drawn from a ledger checked whole first (or changed only by rollkeeper
    since)."""
    volumes = {v.id: v for v in ledger.volumes()}
    copies_by_roll, rolls_by_volume = _copies_json(ledger, volumes)
    uploads = _uploads_json(ledger)
    rolls = ledger.rolls()
    clearances = recorded_clearances(ledger, (r.id for r in rolls), archive_provider)
    lost = ledger.rolls_with_lost_objects()
    document = {
        "schema": STATUS_SCHEMA,
        "tool": {"name": "rollkeeper", "version": __version__},
        "state_dir": str(state_dir),
        "daemon": _daemon_json(state_dir),
        "target": _target_json(ledger),
        "upload_control": _upload_control_json(state_dir),
        "dashboard": _dashboard_json(state_dir),
        "rolls": [
            _roll_json(
                ledger, row, copies_by_roll.get(row.id, []), uploads, clearances[row.id], lost
            )
            for row in rolls
        ],
        "volumes": [
            _volume_json(ledger, v, rolls_by_volume.get(v.id, []), freshness)
            for v in volumes.values()
        ],
        "notify": _notify_json(ledger),
        "archive": archive_json(archive_provider, (ledger.archive_check(r.id) for r in rolls)),
        "monitor": monitor_json(state_dir),
    }
    if _says_may_be_erased(document):
        ledger.check_whole(trust_for=freshness.max_evidence_age)
    return document


def _says_may_be_erased(document: dict[str, Any]) -> bool:
    """Would this status tell anyone that a drive, or a roll's cards or RAID, may be erased?"""
    rolls = (r["clearance"] for r in document["rolls"])
    drives = (v["clearance"] for v in document["volumes"] if v["clearance"])
    return any(c["cards_clear"] or c["raid_clear"] for c in rolls) or any(
        d["clear_to_erase"] for d in drives
    )


def _daemon_json(state_dir: Path) -> dict[str, Any]:
    """Whether the daemon is running on this state folder, and when it started and was last
    seen (all None when it never ran here)."""
    presence = read_presence(state_dir)
    if presence is None:
        return {
            "running": False, "pid": None, "started_at": None, "seen_at": None,
            "config_rejected": None,
        }  # fmt: skip
    running = presence.running(datetime.now(UTC))
    return {
        "running": running,
        "pid": presence.pid,
        "started_at": presence.started_at,
        "seen_at": presence.seen_at,
        "config_rejected": presence.config_rejected if running else None,
    }


def _upload_control_json(state_dir: Path) -> dict[str, Any] | None:
    """Uploads paused (since, until) and the bandwidth limit now, as the daemon last wrote them
    (None: it never did)."""
    control = read_upload_control(state_dir)
    return asdict(control) if control is not None else None


def _dashboard_json(state_dir: Path) -> dict[str, Any] | None:
    """The dashboard's URL, whether it listens and why not, as the daemon last wrote them (None:
    no dashboard was started with this state folder)."""
    state = read_dashboard_state(state_dir)
    return asdict(state) if state is not None else None


def _notify_json(ledger: Ledger) -> list[dict[str, Any]]:
    """Per channel that was ever sent anything: deliveries waiting, given up, sent, the oldest
    waiting and the last error."""
    return [
        {
            "channel": c.channel,
            "pending": c.pending,
            "failed": c.failed,
            "sent": c.sent,
            "oldest_pending": c.oldest_pending,
            "last_error": c.last_error,
            "last_sent_at": c.last_sent_at,
        }
        for c in ledger.outbox_summary()
    ]


def _target_json(ledger: Ledger) -> dict[str, Any] | None:
    """The storage target as last checked (None: no target was ever checked)."""
    state = ledger.target_state()
    if state is None:
        return None
    return {
        "description": state.target,
        "usable": state.usable,
        "problem": state.problem,
        "since": state.since,
        "checked_at": state.checked_at,
        "identity": state.identity,
    }


def _copies_json(
    ledger: Ledger, volumes: dict[int, VolumeRow]
) -> tuple[dict[str, list[dict[str, Any]]], dict[int, list[str]]]:
    """Every copy, by roll id; and the ids of the rolls on each volume."""
    copies_by_roll: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rolls_by_volume: dict[int, list[str]] = defaultdict(list)
    for copy in ledger.copies():
        volume = volumes[copy.volume_id]
        settling = copy.state is CopyState.SETTLING
        copies_by_roll[copy.roll_id].append(
            {
                "volume": volume.label,
                "role": volume.role,
                "folder": copy.folder,
                "state": copy.state.value,
                "problems": [] if settling else copy.problems,
                "waiting_for": _waiting_for(copy.problems) if settling else [],
                "verified_at": copy.verified_at,
                "mounted": volume.mounted,
            }
        )
        rolls_by_volume[copy.volume_id].append(copy.roll_id)
    return copies_by_roll, rolls_by_volume


def _waiting_for(lines: list[str]) -> list[dict[str, Any]]:
    """A settling copy's problems are the listed files it still waits for: read them back."""
    files = (read_file_short(line) for line in lines)
    return [{"path": f[0], "have": f[1], "want": f[2]} for f in files if f is not None]


def _roll_json(
    ledger: Ledger,
    row: RollRecord,
    copies: list[dict[str, Any]],
    uploads: dict[str, dict[str, Any]],
    clearance: dict[str, Any],
    lost: set[str],
) -> dict[str, Any]:
    """One roll: its identity and state, its copies' problems (and the drives to mount when
    its stored objects are `lost`), its upload and its clearance (as recorded:
    `reports.recorded_verdict`)."""
    problems = [f"{c['volume']}: {p}" for c in copies for p in c["problems"]]
    upload = uploads.get(row.id)
    if row.state == RollState.CONFLICT.value:
        stored = upload["last_error"] if upload and upload["state"] == "conflict" else None
        held = stored or "the roll's storage key already holds other content"
        problems.insert(0, f"CONFLICT: {held}")
    problems += _drives_to_mount(row.id in lost, copies)
    return {
        "id": row.id,
        "shoot_day": row.shoot_day,
        "media_type": row.media_type,
        "roll": row.roll,
        "camera_format": row.camera_format,
        "state": row.state,
        "problems": problems,
        "volumes": sorted({c["volume"] for c in copies if c["state"] not in ("gone", "erased")}),
        "copies": copies,
        "upload": upload,
        "clearance": clearance,
        "archive": roll_archive_json(ledger.archive_check(row.id)),
    }


def _drives_to_mount(lost_objects: bool, copies: list[dict[str, Any]]) -> list[str]:
    """A roll whose stored objects are gone (`lost_objects`) is uploaded again from a mounted,
    verified copy: with none mounted, the drives to mount."""
    verified = [c for c in copies if c["state"] == CopyState.VERIFIED.value]
    if not lost_objects or any(c["mounted"] for c in verified):
        return []
    return [mount_to_upload_again([c["volume"] for c in verified])]


def _volume_json(
    ledger: Ledger, volume: VolumeRow, roll_ids: list[str], freshness: Freshness
) -> dict[str, Any]:
    """One volume: where it is, what its scans found, its rolls, its latest clearance and when
    it was last recorded erased."""
    return {
        "label": volume.label,
        "role": volume.role,
        "mounted": volume.mounted,
        "mount_path": volume.mount_path,
        "fs_uuid": volume.fs_uuid or None,
        "last_full_scan": volume.last_full_scan,
        "problems": volume.scan_problems,
        "rolls": sorted(roll_ids),
        "unaccounted": volume.unaccounted,
        "clearance": _drive_clearance(ledger, volume.id, freshness),
        "erased_at": volume.erased_at,  # when it was last recorded erased (`ledger.erasures`)
    }


def _uploads_json(ledger: Ledger) -> dict[str, dict[str, Any]]:
    """Every roll's upload, by roll id."""
    uploads = ((roll.id, ledger.roll_upload(roll.id)) for roll in ledger.rolls())
    return {roll_id: _upload_json(row) for roll_id, row in uploads if row is not None}


def _upload_json(row: RollUpload) -> dict[str, Any]:
    """A roll's upload with its progress: bytes, rate and ETA while it runs."""
    done, total = int(row.bytes_done), int(row.bytes_total)
    rate = eta = None
    if row.state == "uploading" and row.started_at and row.progress_at and done:
        started = datetime.fromisoformat(row.started_at)
        seconds = (datetime.fromisoformat(row.progress_at) - started).total_seconds()
        if seconds > 0:
            rate = done / seconds
            eta = max(0.0, (total - done) / rate)
    return {
        "state": row.state,
        "target": row.target,
        "key_prefix": row.key_prefix,
        "manifest_key": row.manifest_key,
        "bytes_done": done,
        "bytes_total": total,
        "rate_bytes_per_second": rate,
        "eta_seconds": eta,
        "attempts": row.attempts,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "next_attempt_at": row.next_attempt_at,
        "last_error": row.last_error,
    }


def status_json(document: dict[str, Any]) -> str:
    """The document as compact JSON: indenting megabytes of it would take longer than building
    it (an indent forces json's pure-Python encoder)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
