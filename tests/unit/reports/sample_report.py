"""A roll report built by hand, as plain data: several cameras and sound over two shoot days, a
gap, a mismatch, a drive that may be erased and one that may not, and hostile names. The
renderers' specifications and the README's screenshot are made from it."""

from __future__ import annotations

from rollkeeper.core.completeness import RollSeen, completeness
from rollkeeper.core.words.reports import DriveWords
from rollkeeper.reports.roll_report import RollReport, RollRow, Totals

HOSTILE = "<script>alert(1)</script>"
AT = "2026-11-21T18:42:07Z"


def row(day: str, media: str, roll: str, state: str, **changes: object) -> RollRow:
    """A roll uploaded and verified, unless `changes` say otherwise."""
    camera = "sound" if media == "Sound_Media" else roll[0]
    values: dict[str, object] = {
        "shoot_day": day, "unit": "MU", "camera": camera, "media_type": media,
        "camera_format": "", "roll": roll, "roll_id": f"{day}/{media}/{roll}", "state": state,
        "files": 212, "bytes": 183_250_000_000, "mhl_format": "legacy",
        "mhl_hash": (f"{roll}_2026-11-21_184207.mhl=9f2c41d07be35a1e",),
        "verification": "verified",
        "verification_at": AT, "upload": "uploaded", "upload_at": "2026-11-21T19:10:44Z",
        "archive": "archived" if state == "archived" else "pending",
        "archive_at": "2026-11-22T02:00:00Z", "clearance": "raid" if state == "archived"
        else "cards", "copies": ("RAID_A", "SHUTTLE_03"), "problems": (),
    }  # fmt: skip
    values.update(changes)
    return RollRow(**values)  # type: ignore[arg-type]


DAY1, DAY2 = "20261121_EP103_Day05_MU", "20261122_EP103_Day06_MU"
ROWS = (
    row(DAY1, "Camera_Media", "A001R1AB", "archived"),
    row(DAY1, "Camera_Media", "A002R1AB", "archived"),
    row(DAY1, "Camera_Media", "B001R2CD", "uploaded"),
    row(DAY1, "Sound_Media", "S001", "archived", files=14, bytes=2_400_000_000),
    row(DAY2, "Camera_Media", "A004R1AB", "mismatch", upload="mismatch", clearance="none",
        verification="mismatch", verification_at=None,
        archive="", archive_at=None,
        problems=("SHUTTLE_03: A004C003.mov: xxh64 differs: MHL 1c9e…, read 77a0…",)),
    row(DAY2, "Camera_Media", "B002R2CD", "uploading", upload="uploading", clearance="none",
        archive="", archive_at=None, upload_at=None),
    row(DAY2, "Sound_Media", "S002", "verified", files=9, bytes=1_100_000_000, upload="",
        upload_at=None, archive="", archive_at=None, clearance="none"),
    row(DAY2, "Camera_Media", HOSTILE, "verified", camera="", files=1, bytes=10, upload="",
        upload_at=None, archive="", archive_at=None, clearance="none",
        copies=('SHUT,"TLE"\n04',), problems=("=HYPERLINK(\"http://x\")",)),
)  # fmt: skip
DRIVES = (
    DriveWords("SHUTTLE_03", "rotation", True, True, "cards", AT, False, (), None, True, 6),
    DriveWords("RAID_A", "raid", True, False, "raid", AT, False,
               (f"{DAY1}/Camera_Media/B001R2CD: not archived yet (pending)",
                f"{DAY2}/Camera_Media/A004R1AB: mismatch"), None, True, 8),
    DriveWords("SHUTTLE_02", "rotation", True, True, "cards", AT, True, (), None, False, 3),
)  # fmt: skip


def sample_report(rows: tuple[RollRow, ...] = ROWS) -> RollReport:
    """The sample as `load_report` would hand it over."""
    show = completeness(
        RollSeen(r.roll_id, r.shoot_day, r.media_type, r.roll, r.state) for r in rows
    )
    return RollReport(
        generated_at="2026-11-22T20:05:00Z",
        day=None,
        daemon={"running": True, "pid": 4242, "started_at": "2026-11-21T07:00:00+00:00",
                "seen_at": "2026-11-22T20:04:59+00:00"},
        rows=rows,
        totals=Totals(
            rolls=len(rows), files=sum(r.files or 0 for r in rows),
            bytes=sum(r.bytes or 0 for r in rows),
            by_state=(("archived", 3), ("verified", 2), ("mismatch", 1), ("uploaded", 1),
                      ("uploading", 1)),
            with_problems=2, cards_clear=4, raid_clear=3, drives_clear=("SHUTTLE_03",),
        ),
        drives=DRIVES,
        completeness=show,
    )  # fmt: skip
