"""Specification: `rollkeeper status`, built from the ledger in a few set-wide queries.

Each roll's clearance is judged from exactly the evidence `reports.evidence.roll_evidence` gathers
everywhere else; the status only reads that evidence for all rolls at once.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from rollkeeper.core.errors import BadInputError
from rollkeeper.fs.presence import PRESENCE_FILE, Presence, write_presence
from rollkeeper.ledger import snapshot as snapshot_module
from rollkeeper.ledger.rows import FileUpload
from rollkeeper.ledger.snapshot import LedgerSnapshot
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.evidence import Rechecks, as_recorded, roll_evidence
from rollkeeper.reports.status import STATUS_SCHEMA, load_status, status_json
from rollkeeper.reports.status_text import daemon_line, print_status

from tests.unit.reports.status_ledger import AT, ROLL_STATES, fill, keep_every_verdict, roll_id


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    ledger = Ledger.in_state_dir(tmp_path)
    with ledger.transaction():
        fill(ledger, rolls=12)
    ledger.close()
    return tmp_path


@pytest.fixture
def reader(state_dir: Path) -> Iterator[Ledger]:
    opened = Ledger.in_state_dir(state_dir, readonly=True)
    yield opened
    opened.close()


# --- the same evidence, read for all rolls at once ------------------------------------------------


@pytest.mark.parametrize("provider", ["none", "s3-copy"])
def test_each_rolls_evidence_read_all_at_once_is_what_the_ledger_gives_roll_by_roll(
    reader: Ledger, provider: str
) -> None:
    snapshot = LedgerSnapshot(reader)
    rechecks = Rechecks(sources=False, objects=as_recorded)
    for row in reader.rolls():
        alone = roll_evidence(reader, row.id, archive_provider=provider, rechecks=rechecks)
        at_once = roll_evidence(snapshot, row.id, archive_provider=provider, rechecks=rechecks)
        assert at_once == alone


def test_a_status_document_is_what_the_roll_by_roll_lookups_give(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_once = load_status(state_dir, "s3-copy")
    monkeypatch.setattr(snapshot_module, "LedgerSnapshot", lambda ledger: ledger)
    assert load_status(state_dir, "s3-copy") == at_once


def statements_of_a_status(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL statements one `load_status` runs once the ledger is open."""
    seen: list[str] = []

    class Traced:
        @staticmethod
        def in_state_dir(folder: Path, *, readonly: bool = False) -> Ledger:
            opened = Ledger.in_state_dir(folder, readonly=readonly)
            opened.db.set_trace_callback(seen.append)
            return opened

    with monkeypatch.context() as patch:
        patch.setattr(snapshot_module, "Ledger", Traced)
        load_status(state_dir, "s3-copy")
    return seen


def test_a_status_of_rolls_the_daemon_judged_reads_as_many_queries_for_many_rolls_as_for_few(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = []
    for rolls in (2, 30):
        ledger = Ledger.in_state_dir(tmp_path / str(rolls))
        with ledger.transaction():
            fill(ledger, rolls)
        keep_every_verdict(ledger, "s3-copy")
        ledger.close()
        counts.append(len(statements_of_a_status(tmp_path / str(rolls), monkeypatch)))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("provider", ["none", "s3-copy"])
def test_a_status_says_of_each_roll_what_the_daemon_judged_or_else_judges_it_alike(
    state_dir: Path, provider: str
) -> None:
    judged_here = load_status(state_dir, provider)
    ledger = Ledger.in_state_dir(state_dir)
    keep_every_verdict(ledger, provider)
    ledger.close()

    assert load_status(state_dir, provider) == judged_here


def test_a_status_reads_no_file_of_a_roll_the_daemon_judged(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = Ledger.in_state_dir(state_dir)
    keep_every_verdict(ledger, "s3-copy")
    ledger.close()

    statements = statements_of_a_status(state_dir, monkeypatch)

    assert not [s for s in statements if "FROM files" in s or "FROM uploads" in s]


def test_a_status_is_one_consistent_read_of_the_ledger(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements = statements_of_a_status(state_dir, monkeypatch)
    assert statements[0] == "BEGIN"


# --- the document ---------------------------------------------------------------------------------

DOCUMENT_KEYS = ["schema", "tool", "state_dir", "daemon", "target", "upload_control", "dashboard",
                 "rolls", "volumes", "notify", "archive", "monitor"]  # fmt: skip
ROLL_KEYS = ["id", "shoot_day", "media_type", "roll", "camera_format", "state", "problems",
             "volumes", "copies", "upload", "clearance", "archive"]  # fmt: skip
VOLUME_KEYS = ["label", "role", "mounted", "mount_path", "fs_uuid", "last_full_scan", "problems",
               "rolls", "unaccounted", "clearance", "erased_at"]  # fmt: skip
CLEARANCE_KEYS = ["cards_clear", "raid_clear", "reasons", "warnings"]


def test_the_document_keeps_its_schema_and_keys(state_dir: Path) -> None:
    document = load_status(state_dir)
    assert list(document) == DOCUMENT_KEYS
    assert document["schema"] == STATUS_SCHEMA == "rollkeeper.status/1"
    assert [list(r) for r in document["rolls"]] == [ROLL_KEYS] * 12
    assert [list(r["clearance"]) for r in document["rolls"]] == [CLEARANCE_KEYS] * 12
    assert [list(v) for v in document["volumes"]] == [VOLUME_KEYS] * 3


def test_a_volumes_drive_clearance_is_its_latest(state_dir: Path) -> None:
    raid = next(v for v in load_status(state_dir)["volumes"] if v["label"] == "RAID_A")
    assert raid["clearance"]["clear_to_erase"] is True
    assert raid["clearance"]["warnings"] == ["w1"]


def test_the_json_is_compact_and_is_the_document(state_dir: Path) -> None:
    document = load_status(state_dir)
    text = status_json(document)
    assert "\n" not in text
    assert json.loads(text) == document


def test_a_state_folder_without_a_ledger_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(BadInputError, match="no ledger yet"):
        load_status(tmp_path / "empty")


def human_summary(state_dir: Path) -> list[str]:
    buffer = io.StringIO()
    print_status(Console(file=buffer, highlight=False, soft_wrap=True), load_status(state_dir))
    return buffer.getvalue().splitlines()


def test_the_human_summary_says_first_whether_a_daemon_keeps_it_fresh(state_dir: Path) -> None:
    assert human_summary(state_dir)[0] == "Daemon: has not run with this state folder"


def test_the_human_summary_lists_rolls_by_day_then_volumes(state_dir: Path) -> None:
    lines = human_summary(state_dir)[1:]
    assert lines[0] == "20261121"
    assert lines[1].split()[:3] == ["Camera_Media", "A001R1AB", "uploaded"]
    assert "Volumes" in lines
    assert any(line.strip().startswith("RAID_A") for line in lines)


def test_the_human_summary_shows_every_roll_state(state_dir: Path) -> None:
    shown = {line.split()[2] for line in human_summary(state_dir) if "Camera_Media" in line}
    assert shown == set(ROLL_STATES)


# --- stored objects, as the preliminary judgement takes them --------------------------------------


@pytest.mark.parametrize(
    ("state", "present"),
    [("stored", True), ("uploading", False), ("failed", False), ("stale", False)],
)
def test_only_stored_objects_are_taken_as_still_present(state: str, present: bool) -> None:
    upload = FileUpload(path="C001.mov", key="k", size=1, state=state)
    assert as_recorded(upload) is present


# --- is a daemon keeping it fresh -----------------------------------------------------------------


def test_a_status_says_the_daemon_is_running_with_its_pid_and_start(state_dir: Path) -> None:
    at = datetime.now(UTC).isoformat()
    write_presence(state_dir, Presence(pid=os.getpid(), started_at=at, seen_at=at))
    daemon = load_status(state_dir)["daemon"]
    assert daemon == {
        "running": True, "pid": os.getpid(), "started_at": at, "seen_at": at,
        "config_rejected": None,
    }  # fmt: skip
    assert daemon_line(daemon).startswith(f"Daemon: running (pid {os.getpid()}, since ")


def test_a_status_says_when_a_stopped_daemon_was_last_seen(state_dir: Path) -> None:
    write_presence(
        state_dir,
        Presence(os.getpid(), "2026-12-06T05:00:00+00:00", "2026-12-06T05:00:00+00:00")
        .stopped("2026-12-06T06:30:00+00:00"),
    )  # fmt: skip
    daemon = load_status(state_dir)["daemon"]
    assert not daemon["running"]
    assert daemon_line(daemon) == (
        "Daemon: NOT running (last seen 2026-12-06 06:30 UTC); what follows is as it was then"
    )


def test_a_status_of_a_ledger_no_daemon_ran_on_says_so(state_dir: Path) -> None:
    daemon = load_status(state_dir)["daemon"]
    assert daemon == {
        "running": False, "pid": None, "started_at": None, "seen_at": None,
        "config_rejected": None,
    }  # fmt: skip
    assert daemon_line(daemon) == "Daemon: has not run with this state folder"


# --- what a settling copy waits for ---------------------------------------------------------------


@pytest.fixture
def settling_dir(tmp_path: Path) -> Path:
    """One roll whose only copy, on RAID_A, settles short of one file and without another."""
    ledger = Ledger.in_state_dir(tmp_path)
    rid = roll_id(0)
    with ledger.transaction():
        ledger.db.execute(
            "INSERT INTO volumes (label, role, fs_uuid, mount_path, mounted, first_seen) "
            "VALUES ('RAID_A', 'raid', 'UUID-A', '/Volumes/RAID_A', 1, ?)",
            (AT,),
        )
        ledger.db.execute(
            "INSERT INTO rolls (id, shoot_day, media_type, roll, state, first_seen, updated_at) "
            "VALUES (?, '20261121', 'Camera_Media', 'A001R1AB', 'discovered', ?, ?)",
            (rid, AT, AT),
        )
        ledger.db.execute(
            "INSERT INTO roll_copies (roll_id, volume_id, folder, state, problems, updated_at) "
            "VALUES (?, 1, ?, 'settling', '[]', ?)",
            (rid, rid, AT),
        )
    waiting = ["Clips/C001.mov (11 of 1221 bytes)", "Clips/C002.mov (missing; 2000 bytes listed)"]
    ledger.note_waiting(rid, 1, waiting)
    ledger.close()
    return tmp_path


def test_a_settling_copy_shows_the_files_it_waits_for_with_their_bytes(
    settling_dir: Path,
) -> None:
    (roll,) = load_status(settling_dir)["rolls"]
    (copy,) = roll["copies"]
    assert copy["waiting_for"] == [
        {"path": "Clips/C001.mov", "have": 11, "want": 1221},
        {"path": "Clips/C002.mov", "have": None, "want": 2000},
    ]
    assert copy["problems"] == [] and roll["problems"] == []


def test_a_copy_that_waits_for_nothing_says_so(state_dir: Path) -> None:
    copies = [c for r in load_status(state_dir)["rolls"] for c in r["copies"]]
    assert copies and all(c["waiting_for"] == [] for c in copies)


def test_the_human_summary_says_under_the_roll_what_its_copy_waits_for(
    settling_dir: Path,
) -> None:
    lines = human_summary(settling_dir)
    roll_line = next(i for i, line in enumerate(lines) if "A001R1AB" in line)
    assert lines[roll_line + 1].strip() == (
        "RAID_A: waiting for 2 file(s): Clips/C001.mov (11 of 1221 bytes), "
        "Clips/C002.mov (missing; 2000 bytes listed)"
    )


def test_a_status_beside_a_garbled_presence_file_claims_no_daemon(state_dir: Path) -> None:
    (state_dir / PRESENCE_FILE).write_text('{"pid": 1, "seen_at": "yesterday"}', encoding="utf-8")
    assert daemon_line(load_status(state_dir)["daemon"]) == (
        "Daemon: has not run with this state folder"
    )


def test_the_target_line_says_ok_or_since_when_it_is_not_usable_and_why() -> None:
    from rollkeeper.reports.status_text import target_line

    assert target_line(None) is None
    ok = {"description": "folder /mnt/nas", "usable": True, "problem": None,
          "since": "2026-12-06T08:12:00+00:00"}  # fmt: skip
    assert target_line(ok) == "Target: folder /mnt/nas ok"
    down = ok | {"usable": False, "problem": "TARGET is not mounted (or is another disk): x"}
    assert target_line(down) == (
        "Target: folder /mnt/nas — NOT USABLE since 2026-12-06 08:12 UTC: TARGET is not "
        "mounted (or is another disk): x"
    )
