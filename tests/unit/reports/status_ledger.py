"""A ledger holding every kind of roll a status shows, written row by row as the daemon would
have left it: three volumes, rolls in every state, copies verified or failed, files ok, extra,
hidden or bad, uploads stored or not (with proof or without), archive checks, drive verdicts."""

from __future__ import annotations

import json

from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.recorded_verdict import recorded_clearance, recorded_judge

AT = "2026-11-21T10:00:00+00:00"
ROLL_STATES = ["uploaded", "verified", "mismatch", "conflict", "archived", "uploading"]


def roll_id(index: int) -> str:
    return f"20261121/Camera_Media/A{index + 1:03d}R1AB"


def fill(ledger: Ledger, rolls: int) -> None:
    """Three volumes and `rolls` rolls in every kind of state: copies verified or failed, files
    ok, extra, hidden or bad, uploads stored or not, archive checks, and drive clearances."""
    db = ledger.db
    for label, role, mounted in (("RAID_A", "raid", 1), ("SHUTTLE_01", "rotation", 1),
                                 ("RAID_B", "raid", 0)):  # fmt: skip
        db.execute(
            "INSERT INTO volumes (label, role, fs_uuid, mount_path, mounted, first_seen, "
            "last_full_scan, scan_problems, unaccounted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (label, role, f"UUID-{label}", f"/Volumes/{label}", mounted, AT, AT,
             json.dumps([f"{label}: a warning"]), json.dumps([f"{label}/stray.mov"])),
        )  # fmt: skip
    volumes = [row[0] for row in db.execute("SELECT id FROM volumes ORDER BY id")]
    for index in range(rolls):
        rid = roll_id(index)
        state = ROLL_STATES[index % len(ROLL_STATES)]
        db.execute(
            "INSERT INTO rolls (id, shoot_day, media_type, roll, state, first_seen, updated_at) "
            "VALUES (?, '20261121', 'Camera_Media', ?, ?, ?, ?)",
            (rid, rid.rsplit("/", 1)[1], state, AT, AT),
        )
        on = volumes if index % 3 == 0 else volumes[:2]
        for volume in on:
            failed = index % 4 == 2 and volume == volumes[1]
            db.execute(
                "INSERT INTO roll_copies (roll_id, volume_id, folder, state, problems, "
                "verified_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (rid, volume, rid, "mismatch" if failed else "verified",
                 json.dumps(["C001.mov: hash differs"] if failed else []), AT, AT),
            )  # fmt: skip
            for path, status in (("C001.mov", "mismatch" if failed else "ok"),
                                 ("C002.mov", "ok"), ("notes.txt", "extra"),
                                 (".DS_Store", "ignored")):  # fmt: skip
                db.execute(
                    "INSERT INTO files (roll_id, volume_id, path, size, expected, status, "
                    "verified, mtime_ns, inode, verified_at) "
                    "VALUES (?, ?, ?, 10, ?, ?, ?, ?, ?, ?)",
                    (rid, volume, path, json.dumps({"xxh64": "0" * 16}), status,
                     json.dumps({"xxh64": "0" * 16}), 1_800_000_000 + index, 40 + index, AT),
                )  # fmt: skip
        if index % 5 == 4:
            continue  # never uploaded
        source = volumes[index % 2]
        db.execute(
            "INSERT INTO roll_uploads (roll_id, state, volume_id, target, key_prefix, "
            "manifest_key, bytes_total, bytes_done, started_at, progress_at, attempts) "
            "VALUES (?, ?, ?, 's3://bucket', ?, ?, 30, 20, ?, ?, 1)",
            (rid, "uploading" if state == "uploading" else "uploaded", source, rid,
             None if index % 7 == 6 else f"{rid}/manifest.json", AT,
             "2026-11-21T10:00:10+00:00"),
        )  # fmt: skip
        for number, path in enumerate(("C001.mov", "C002.mov")):
            db.execute(
                "INSERT INTO uploads (roll_id, path, key, size, state, proof, updated_at) "
                "VALUES (?, ?, ?, 10, ?, ?, ?)",
                (rid, path, f"{rid}/{path}", "failed" if index % 4 == number else "stored",
                 None if index % 6 == 1 else "crc64nvme equal", AT),
            )  # fmt: skip
        if index % 2 == 0:
            db.execute(
                "INSERT INTO archive_checks (roll_id, state, provider, checked_at, next_check_at, "
                "objects) VALUES (?, ?, 's3-copy', ?, ?, ?)",
                (rid, "archived" if index % 4 == 0 else "pending", AT, AT,
                 json.dumps({f"{rid}/C001.mov": "archived", f"{rid}/C002.mov": "pending"})),
            )  # fmt: skip
    for clear in (0, 1):
        db.execute(
            "INSERT INTO clearances (at, subject, volume_id, clear, level, verdict, evidence) "
            "VALUES (?, 'drive', ?, ?, 'raid', ?, '{}')",
            (AT, volumes[0], clear, json.dumps({"blocking": [], "warnings": [f"w{clear}"]})),
        )


def keep_every_verdict(ledger: Ledger, archive_provider: str) -> None:
    """Judge every roll as recorded and keep the verdicts, as the daemon's loop does."""
    judge = recorded_judge(archive_provider)
    rolls = ledger.rolls_unjudged(judge, limit=10_000)
    ledger.keep_roll_verdicts(
        judge, [(r, recorded_clearance(ledger, r, archive_provider)) for r in rolls]
    )
