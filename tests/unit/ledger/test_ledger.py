"""Specification: the SQLite ledger, rollkeeper's single source of truth.

Durability (WAL, synchronous FULL, one transaction per change, kill -9), schema migrations,
volume identity across remounts, rolls and their copies, verification evidence, and the lock that
keeps a second daemon away from the same state folder.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from rollkeeper.core import happened
from rollkeeper.core.errors import EnvironmentProblem, ExitCode
from rollkeeper.core.lifecycle import CopyState, RollState
from rollkeeper.core.words import say
from rollkeeper.ledger import schema
from rollkeeper.ledger.rows import VerifiedFile
from rollkeeper.ledger.store import (
    LEDGER_FILE,
    LOCK_FILE,
    MIGRATIONS,
    Ledger,
    StateLock,
)
from rollkeeper.ledger.unusable import LedgerUnusable

from tests.unit.ledger.records import ROLL_ID, seen, started

REPO = Path(__file__).resolve().parents[3]
DAY = "20261121"


def mount(
    ledger: Ledger,
    label: str = "RAID_A",
    fs_uuid: str = "UUID-RAID-A",
    *,
    subpath: str = "",
    mount_path: str | None = None,
    role: str = "raid",
) -> int:
    row = ledger.volume_mounted(
        label=label,
        role=role,
        fs_uuid=fs_uuid,
        subpath=subpath,
        mount_path=mount_path or f"/Volumes/{label}",
    )
    return row.id


def observe(
    ledger: Ledger,
    volume_id: int,
    fingerprint: str | None = "fp-1",
    *,
    roll_id: str = ROLL_ID,
    folder: str = f"{DAY}/Camera_Media/A001R1AB",
) -> CopyState:
    return ledger.observe_copy(seen(volume_id, fingerprint, roll_id=roll_id, folder=folder)).state


def kinds(ledger: Ledger) -> list[str]:
    return [row.kind for row in ledger.events()]


def roll_state(ledger: Ledger, roll_id: str = ROLL_ID) -> RollState:
    (row,) = [r for r in ledger.rolls() if r.id == roll_id]
    return RollState(row.state)


def count(ledger: Ledger, table: str) -> int:
    return int(ledger.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


def evidence(path: str, status: str = "ok") -> VerifiedFile:
    return VerifiedFile(
        path=path,
        size=1000,
        expected={"xxh64": "0123456789abcdef"},
        status=status,
        verified={"xxh64": "0123456789abcdef"},
        mtime_ns=1_800_000_000_000_000_000,
        inode=42,
    )


def finish_verification(ledger: Ledger, volume_id: int, files: list[VerifiedFile]) -> RollState:
    """What a verification worker's result does to the ledger when it comes back."""
    proven = happened.copy_verified(
        ROLL_ID, volume_id, label="RAID_A", files=len(files), problems=[]
    )
    return ledger.record_verification(
        ROLL_ID, volume_id, CopyState.VERIFIED, files, problems=[], event=proven
    )


def mismatch(ledger: Ledger, volume_id: int, files: list[VerifiedFile], problem: str) -> RollState:
    """A verification whose verdict is a mismatch, `problem` the one file that failed."""
    failed = happened.verification_failed(
        ROLL_ID, volume_id, state=CopyState.MISMATCH, label="RAID_A", problems=[problem]
    )
    return ledger.record_verification(
        ROLL_ID, volume_id, CopyState.MISMATCH, files, problems=[problem], event=failed
    )


def start_verifying(ledger: Ledger, volume_id: int) -> RollState:
    return ledger.set_copy_state(ROLL_ID, volume_id, CopyState.VERIFYING, event=started(volume_id))


def gone(ledger: Ledger, volume_id: int, *, problems: tuple[str, ...] = ()) -> RollState:
    """The copy's folder disappeared from its volume."""
    event = happened.copy_gone(ROLL_ID, volume_id, label="RAID_A", folder=ROLL_ID, proven=False)
    return ledger.set_copy_state(ROLL_ID, volume_id, CopyState.GONE, event=event, problems=problems)


def verify(ledger: Ledger, volume_id: int, files: list[VerifiedFile]) -> RollState:
    """A whole verification, as the service runs it: VERIFYING, then the verdict."""
    if ledger.copy(ROLL_ID, volume_id) is not None:
        start_verifying(ledger, volume_id)
    return finish_verification(ledger, volume_id, files)


# --- durability settings and schema ---------------------------------------------------------------


def test_ledger_uses_write_ahead_logging(ledger: Ledger) -> None:
    assert ledger.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_ledger_syncs_fully_on_every_commit(ledger: Ledger) -> None:
    assert ledger.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_ledger_enforces_foreign_keys(ledger: Ledger) -> None:
    assert ledger.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_ledger_lives_in_the_state_folder(tmp_path: Path) -> None:
    opened = Ledger.in_state_dir(tmp_path / "new" / "state")
    opened.close()
    assert (tmp_path / "new" / "state" / LEDGER_FILE).is_file()


def test_new_ledger_is_at_the_latest_schema_version(ledger: Ledger) -> None:
    assert ledger.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_reopened_ledger_keeps_its_facts(tmp_path: Path) -> None:
    first = Ledger.in_state_dir(tmp_path)
    first.record(happened.target_unusable("before restart"))
    first.close()
    second = Ledger.in_state_dir(tmp_path)
    try:
        assert [row.message for row in second.events()] == ["before restart"]
        assert second.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    finally:
        second.close()


def test_ledger_from_a_newer_rollkeeper_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_FILE
    newer = len(MIGRATIONS) + 1
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {newer}")
    raw.close()
    with pytest.raises(EnvironmentProblem) as caught:
        Ledger(path)
    assert str(caught.value) == (
        f"{path} was written by a newer rollkeeper (schema {newer}); upgrade"
    )
    assert caught.value.exit_code is ExitCode.ENVIRONMENT


def test_refused_newer_ledger_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_FILE
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(EnvironmentProblem):
        Ledger(path)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 99
        assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        raw.close()


def test_opening_an_older_ledger_applies_only_the_missing_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = Ledger.in_state_dir(tmp_path)
    mount(old)
    old.close()
    monkeypatch.setattr(
        schema, "MIGRATIONS", (*MIGRATIONS, "ALTER TABLE volumes ADD COLUMN note TEXT")
    )
    upgraded = Ledger.in_state_dir(tmp_path)
    try:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
        assert [v.label for v in upgraded.volumes()] == ["RAID_A"]
        assert upgraded.db.execute("SELECT note FROM volumes").fetchone()[0] is None
    finally:
        upgraded.close()


def test_failing_migration_leaves_the_previous_schema_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Ledger.in_state_dir(tmp_path).close()
    broken = "CREATE TABLE half_done (x INTEGER); CREATE TABLE oops ("
    monkeypatch.setattr(schema, "MIGRATIONS", (*MIGRATIONS, broken))
    with pytest.raises(LedgerUnusable, match="could not be used") as refused:
        Ledger.in_state_dir(tmp_path)
    assert isinstance(refused.value.__cause__, sqlite3.OperationalError)
    raw = sqlite3.connect(tmp_path / LEDGER_FILE)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half_done" not in tables
    finally:
        raw.close()


def test_read_only_ledger_sees_committed_facts_and_refuses_writes(
    tmp_path: Path, ledger: Ledger
) -> None:
    mount(ledger)
    reader = Ledger.in_state_dir(tmp_path / "state", readonly=True)
    try:
        assert [v.label for v in reader.volumes()] == ["RAID_A"]
        with pytest.raises(LedgerUnusable, match=r"cannot be written .*readonly"):
            reader.record(happened.target_unusable("should not be written"))
    finally:
        reader.close()


# --- crash safety -------------------------------------------------------------------------------


def _insert_event(db: sqlite3.Connection, message: str) -> None:
    db.execute(
        "INSERT INTO events (at, kind, severity, message) VALUES ('now', 'test', 'info', ?)",
        (message,),
    )


def test_exception_inside_a_transaction_leaves_nothing_behind(ledger: Ledger) -> None:
    with pytest.raises(RuntimeError), ledger.transaction() as db:
        db.execute("INSERT INTO volumes (label, role, first_seen) VALUES ('RAID_A', 'raid', 'now')")
        _insert_event(db, "half a change")
        raise RuntimeError("crash in the middle of a change")
    assert count(ledger, "volumes") == 0
    assert count(ledger, "events") == 0


def test_interrupt_inside_a_transaction_is_rolled_back_too(ledger: Ledger) -> None:
    with pytest.raises(KeyboardInterrupt), ledger.transaction() as db:
        _insert_event(db, "half a change")
        raise KeyboardInterrupt
    assert count(ledger, "events") == 0


def test_ledger_is_usable_after_a_rolled_back_transaction(ledger: Ledger) -> None:
    with pytest.raises(RuntimeError), ledger.transaction() as db:
        _insert_event(db, "rolled back")
        raise RuntimeError
    ledger.record(happened.target_unusable("kept"))
    assert [row.message for row in ledger.events()] == ["kept"]
    assert not ledger.db.in_transaction


_WRITER = """
import sys
from pathlib import Path
from rollkeeper.core import happened
from rollkeeper.ledger.rows import CopyObservation
from rollkeeper.ledger.store import Ledger

ledger = Ledger(Path(sys.argv[1]))
volume = ledger.volume_mounted(
    label="RAID_A", role="raid", fs_uuid="U", subpath="", mount_path="/Volumes/RAID_A"
)
printed = 0
n = 0
while True:
    n += 1
    roll = f"A{n:06d}"
    folder = f"20261121/Camera_Media/{roll}"
    ledger.observe_copy(
        CopyObservation(folder, "20261121", "Camera_Media", roll, None, volume.id, folder, f"fp{n}")
    )
    ledger.record(happened.upload_abandoned(f"write {n}"))
    for (event_id,) in ledger.db.execute("SELECT id FROM events WHERE id > ?", (printed,)):
        print(event_id, flush=True)
        printed = event_id
"""


def test_kill_9_in_the_middle_of_writes_loses_no_committed_event(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_FILE
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "daemon")},
    )
    assert writer.stdout is not None
    assert writer.stderr is not None
    committed: list[int] = []
    try:
        for line in writer.stdout:
            committed.append(int(line))
            if len(committed) >= 300:
                break
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    # Read on through the same buffered stream (communicate() would skip what it buffered).
    with writer.stdout, writer.stderr:
        rest, errors = writer.stdout.read(), writer.stderr.read()
    assert writer.returncode == -signal.SIGKILL, errors
    committed += [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]
    assert len(committed) >= 300, errors

    reopened = Ledger(path)
    try:
        assert [tuple(r) for r in reopened.db.execute("PRAGMA integrity_check")] == [("ok",)]
        stored = {row.id for row in reopened.events()}
        assert set(committed) <= stored
        discovered = [e.roll_id for e in reopened.events() if e.kind == "copy_discovered"]
        assert {c.roll_id for c in reopened.copies()} == set(discovered)
    finally:
        reopened.close()


# --- the lock on the state folder ----------------------------------------------------------------


_HOLDER = """
import sys
from pathlib import Path
from rollkeeper.ledger.store import StateLock

StateLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
sys.stdin.read()
"""


def _hold_lock(state_dir: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(state_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "daemon")},
    )
    assert holder.stdout is not None
    if holder.stdout.readline() != "locked\n":
        holder.kill()
        holder.communicate()
        pytest.fail("the helper process could not take the lock")
    return holder


def test_second_daemon_on_the_same_state_folder_is_told_the_running_pid(tmp_path: Path) -> None:
    holder = _hold_lock(tmp_path)
    try:
        with pytest.raises(EnvironmentProblem) as caught:
            StateLock(tmp_path).acquire()
        assert str(caught.value) == (
            f"another rollkeeper (pid {holder.pid}) is already running with the state folder "
            f"{tmp_path}; stop it first, or give this one its own [state] dir"
        )
        assert caught.value.exit_code is ExitCode.ENVIRONMENT
    finally:
        holder.communicate("")


def test_second_lock_within_one_process_is_refused(tmp_path: Path) -> None:
    first = StateLock(tmp_path)
    first.acquire()
    try:
        with pytest.raises(EnvironmentProblem, match=f"another rollkeeper \\(pid {os.getpid()}\\)"):
            StateLock(tmp_path).acquire()
    finally:
        first.release()


def test_released_lock_can_be_taken_again(tmp_path: Path) -> None:
    first = StateLock(tmp_path)
    first.acquire()
    first.release()
    second = StateLock(tmp_path)
    second.acquire()
    second.release()


def test_lock_left_by_a_killed_daemon_does_not_block_the_next_start(tmp_path: Path) -> None:
    holder = _hold_lock(tmp_path)
    holder.kill()
    holder.communicate()
    lock = StateLock(tmp_path)
    lock.acquire()
    try:
        assert (tmp_path / LOCK_FILE).read_text() == str(os.getpid())
    finally:
        lock.release()


# --- volumes ------------------------------------------------------------------------------------


def test_first_sight_of_a_volume_records_it_mounted_with_an_event(ledger: Ledger) -> None:
    row = ledger.volume_mounted(
        label="RAID_A", role="raid", fs_uuid="U1", subpath="", mount_path="/Volumes/RAID_A"
    )
    assert (row.label, row.role, row.fs_uuid, row.mount_path, row.mounted) == (
        "RAID_A", "raid", "U1", "/Volumes/RAID_A", True,
    )  # fmt: skip
    (event,) = ledger.events()
    assert (event.kind, event.volume_id) == ("volume_mounted", row.id)
    assert event.message == "RAID_A (raid) mounted at /Volumes/RAID_A"


def test_drive_remounted_under_another_name_is_found_by_its_filesystem_uuid(
    ledger: Ledger,
) -> None:
    first = mount(ledger, "RAID_A", "U1")
    ledger.volume_unmounted(first)
    again = mount(ledger, "RAID_A 1", "U1", mount_path="/Volumes/RAID_A 1")
    assert again == first
    (volume,) = ledger.volumes()
    assert (volume.label, volume.mount_path, volume.mounted) == (
        "RAID_A", "/Volumes/RAID_A 1", True,
    )  # fmt: skip


def test_impostor_with_the_same_label_but_another_uuid_is_a_new_volume_with_a_warning(
    ledger: Ledger,
) -> None:
    genuine = mount(ledger, "SHUTTLE_01", "U1")
    ledger.volume_unmounted(genuine)
    impostor = mount(ledger, "SHUTTLE_01", "U2")
    assert impostor != genuine
    assert len(ledger.volumes()) == 2
    (warning,) = [e for e in ledger.events() if e.kind == "volume_namesake"]
    assert (warning.severity, warning.volume_id) == ("warning", impostor)
    assert "SHUTTLE_01" in warning.message
    assert "filesystem UUID differs" in warning.message


def test_genuine_drive_returning_after_an_impostor_is_the_original_volume(ledger: Ledger) -> None:
    genuine = mount(ledger, "SHUTTLE_01", "U1")
    ledger.volume_unmounted(genuine)
    ledger.volume_unmounted(mount(ledger, "SHUTTLE_01", "U2"))
    assert mount(ledger, "SHUTTLE_01", "U1") == genuine
    assert kinds(ledger).count("volume_namesake") == 1


def test_two_folders_on_one_filesystem_without_uuid_are_two_volumes(ledger: Ledger) -> None:
    a = mount(ledger, "RAID_A", "", subpath="/mnt/nas/RAID_A", mount_path="/mnt/nas/RAID_A")
    b = mount(ledger, "RAID_B", "", subpath="/mnt/nas/RAID_B", mount_path="/mnt/nas/RAID_B")
    assert a != b
    assert [v.label for v in ledger.volumes()] == ["RAID_A", "RAID_B"]
    assert "volume_namesake" not in kinds(ledger)


def test_two_folders_on_one_filesystem_with_a_uuid_are_two_volumes(ledger: Ledger) -> None:
    a = mount(ledger, "RAID_A", "U1", subpath="RAID_A")
    b = mount(ledger, "RAID_B", "U1", subpath="RAID_B")
    assert a != b


def test_volume_without_uuid_is_found_again_by_label_and_folder(ledger: Ledger) -> None:
    first = mount(ledger, "NAS", "", subpath="/mnt/nas", mount_path="/mnt/nas")
    ledger.volume_unmounted(first)
    assert mount(ledger, "NAS", "", subpath="/mnt/nas", mount_path="/mnt/nas") == first


def test_seeing_a_mounted_volume_again_records_no_event(ledger: Ledger) -> None:
    mount(ledger)
    mount(ledger)
    assert kinds(ledger) == ["volume_mounted"]


def test_unmounted_volume_is_marked_and_announced(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    ledger.volume_unmounted(volume_id)
    (volume,) = ledger.volumes()
    assert not volume.mounted
    assert ledger.events()[-1].message == "RAID_A is no longer mounted"


def test_scan_announces_only_layout_problems_it_had_not_seen(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    ledger.volume_scanned(volume_id, ["error: 2026112: not a shoot day"])
    ledger.volume_scanned(volume_id, ["error: 2026112: not a shoot day", "error: x: bad"])
    problems = [e.message for e in ledger.events() if e.kind == "layout_problem"]
    assert problems == ["error: 2026112: not a shoot day", "error: x: bad"]
    (volume,) = ledger.volumes()
    assert volume.scan_problems == ["error: 2026112: not a shoot day", "error: x: bad"]
    assert volume.last_full_scan is not None


def test_at_start_up_no_volume_is_known_to_be_mounted(ledger: Ledger) -> None:
    mount(ledger, "RAID_A", "U1")
    mount(ledger, "RAID_B", "U2")
    ledger.mark_all_unmounted()
    assert [v.mounted for v in ledger.volumes()] == [False, False]


# --- rolls and copies -----------------------------------------------------------------------------


def test_observed_copy_starts_settling_with_a_discovery_event(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    assert observe(ledger, volume_id) is CopyState.SETTLING
    assert roll_state(ledger) is RollState.DISCOVERED
    event = ledger.events(roll_id=ROLL_ID)[-1]
    assert (event.kind, event.volume_id) == ("copy_discovered", volume_id)


def test_roll_identity_is_stored_with_the_roll(ledger: Ledger) -> None:
    observe(ledger, mount(ledger))
    (roll,) = ledger.rolls()
    assert (roll.shoot_day, roll.media_type, roll.roll) == (
        DAY, "Camera_Media", "A001R1AB",
    )  # fmt: skip


def test_observing_an_unchanged_copy_again_records_nothing(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    before = len(ledger.events())
    observe(ledger, volume_id)
    assert len(ledger.events()) == before


def test_same_roll_with_the_same_mhl_on_two_volumes_is_one_roll_with_two_copies(
    ledger: Ledger,
) -> None:
    raid = mount(ledger, "RAID_A", "U1")
    shuttle = mount(ledger, "SHUTTLE_01", "U2", role="rotation")
    observe(ledger, raid, "fp-1")
    observe(ledger, shuttle, "fp-1")
    assert len(ledger.rolls()) == 1
    assert {c.volume_id for c in ledger.copies(roll_id=ROLL_ID)} == {raid, shuttle}
    assert roll_state(ledger) is RollState.DISCOVERED


def test_copies_with_different_content_before_any_is_verified_are_no_conflict(
    ledger: Ledger,
) -> None:
    observe(ledger, mount(ledger, "RAID_A", "U1"), "fp-1")
    observe(ledger, mount(ledger, "SHUTTLE_01", "U2"), "fp-2")
    assert roll_state(ledger) is RollState.DISCOVERED


def test_copy_without_a_readable_mhl_does_not_conflict(ledger: Ledger) -> None:
    observe(ledger, mount(ledger, "RAID_A", "U1"), "fp-1")
    observe(ledger, mount(ledger, "SHUTTLE_01", "U2"), None)
    assert roll_state(ledger) is RollState.DISCOVERED


def test_mhl_change_after_verification_sends_the_copy_back_to_settling_with_an_alarm(
    ledger: Ledger,
) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id, "fp-1")
    verify(ledger, volume_id, [evidence("a.mov")])
    assert observe(ledger, volume_id, "fp-2") is CopyState.SETTLING
    copy = ledger.copy(ROLL_ID, volume_id)
    assert copy is not None
    assert (copy.mhl_fingerprint, copy.verified_at) == ("fp-2", None)
    assert ledger.verified_files(ROLL_ID, volume_id) == []
    assert roll_state(ledger) is RollState.DISCOVERED
    (alarm,) = [e for e in ledger.events() if e.kind == "copy_mhl_changed"]
    assert alarm.severity == "alarm"
    assert "after it was verified" in alarm.message


def test_mhl_change_before_verification_is_only_a_warning(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id, "fp-1")
    observe(ledger, volume_id, "fp-2")
    (event,) = [e for e in ledger.events() if e.kind == "copy_mhl_changed"]
    assert event.severity == "warning"


def test_mhl_change_clears_the_problems_of_the_previous_verdict(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id, "fp-1")
    incomplete = happened.quiet_but_incomplete(
        ROLL_ID, volume_id, label="RAID_A", waiting_for=["a.mov (missing)"]
    )
    ledger.set_copy_state(
        ROLL_ID, volume_id, CopyState.INCOMPLETE, event=incomplete, problems=["a.mov (missing)"]
    )
    observe(ledger, volume_id, "fp-2")
    copy = ledger.copy(ROLL_ID, volume_id)
    assert copy is not None
    assert (copy.state, copy.problems) == (CopyState.SETTLING, [])


def test_gone_copy_seen_again_settles_again(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    gone(ledger, volume_id, problems=("gone",))
    assert observe(ledger, volume_id) is CopyState.SETTLING
    copy = ledger.copy(ROLL_ID, volume_id)
    assert copy is not None
    assert copy.problems == []


def test_gone_copy_seen_again_is_announced(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    gone(ledger, volume_id)
    before = len(ledger.events(roll_id=ROLL_ID))
    observe(ledger, volume_id)
    assert len(ledger.events(roll_id=ROLL_ID)) > before


def test_copy_state_change_is_announced_and_returns_the_roll_state(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    state = start_verifying(ledger, volume_id)
    assert state is RollState.VERIFYING
    change, roll_change = ledger.events(roll_id=ROLL_ID)[-2:]
    assert (change.kind, change.message) == ("copy_state", say(started(volume_id)))
    assert (roll_change.kind, roll_change.message) == (
        "roll_state", f"roll {ROLL_ID} is now verifying",
    )  # fmt: skip


def test_copies_can_be_listed_by_volume(ledger: Ledger) -> None:
    raid = mount(ledger, "RAID_A", "U1")
    shuttle = mount(ledger, "SHUTTLE_01", "U2")
    observe(ledger, raid, roll_id=f"{DAY}/Camera_Media/A001R1AB")
    observe(ledger, raid, roll_id=f"{DAY}/Camera_Media/A002R1AB")
    observe(ledger, shuttle, roll_id=f"{DAY}/Camera_Media/A001R1AB")
    assert [c.roll_id for c in ledger.copies(volume_id=raid)] == [
        f"{DAY}/Camera_Media/A001R1AB",
        f"{DAY}/Camera_Media/A002R1AB",
    ]


# --- verification evidence ------------------------------------------------------------------------


def test_verification_stores_every_file_and_the_verdict_together(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    files = [evidence("Clips/C001.mov"), evidence("Clips/C002.mov")]
    assert verify(ledger, volume_id, files) is RollState.VERIFIED
    assert ledger.verified_files(ROLL_ID, volume_id) == files
    copy = ledger.copy(ROLL_ID, volume_id)
    assert copy is not None
    assert copy.state is CopyState.VERIFIED
    assert copy.verified_at is not None
    assert "copy_verified" in kinds(ledger)


def test_failed_verification_is_an_alarm_that_fails_the_roll(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    start_verifying(ledger, volume_id)
    state = mismatch(
        ledger,
        volume_id,
        [evidence("Clips/C001.mov", status="mismatch")],
        "Clips/C001.mov: xxh64 differs",
    )
    assert state is RollState.MISMATCH
    (failed,) = [e for e in ledger.events() if e.kind == "copy_failed"]
    assert failed.severity == "alarm"
    copy = ledger.copy(ROLL_ID, volume_id)
    assert copy is not None
    assert copy.problems == ["Clips/C001.mov: xxh64 differs"]


def test_new_verification_replaces_the_previous_evidence(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    verify(ledger, volume_id, [evidence("old.mov")])
    verify(ledger, volume_id, [evidence("new.mov")])
    assert [f.path for f in ledger.verified_files(ROLL_ID, volume_id)] == ["new.mov"]


def test_verification_that_cannot_be_stored_changes_nothing(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id)
    verify(ledger, volume_id, [evidence("a.mov")])
    start_verifying(ledger, volume_id)
    events_before = len(ledger.events())
    duplicate = [evidence("b.mov"), evidence("b.mov")]
    with pytest.raises(LedgerUnusable, match="UNIQUE constraint failed") as refused:
        mismatch(ledger, volume_id, duplicate, "b.mov")
    assert isinstance(refused.value.__cause__, sqlite3.IntegrityError)
    assert [f.path for f in ledger.verified_files(ROLL_ID, volume_id)] == ["a.mov"]
    copy = ledger.copy(ROLL_ID, volume_id)
    assert copy is not None
    assert copy.state is CopyState.VERIFYING
    assert len(ledger.events()) == events_before
    assert roll_state(ledger) is RollState.VERIFYING


def test_verification_finishing_after_the_mhl_changed_does_not_mark_the_copy_verified(
    ledger: Ledger,
) -> None:
    volume_id = mount(ledger)
    observe(ledger, volume_id, "fp-1")
    start_verifying(ledger, volume_id)
    observe(ledger, volume_id, "fp-2")  # the card was offloaded again while being read
    finish_verification(ledger, volume_id, [evidence("a.mov")])
    copy = ledger.copy(ROLL_ID, volume_id)
    assert copy is not None
    assert copy.state is CopyState.SETTLING


def test_evidence_for_a_copy_the_ledger_does_not_know_is_refused(ledger: Ledger) -> None:
    volume_id = mount(ledger)
    with pytest.raises(LedgerUnusable, match="FOREIGN KEY constraint failed") as refused:
        verify(ledger, volume_id, [evidence("a.mov")])
    assert isinstance(refused.value.__cause__, sqlite3.IntegrityError)
    assert count(ledger, "files") == 0


def test_events_can_be_read_from_a_given_id_onwards(ledger: Ledger) -> None:
    ledger.record(happened.target_unusable("one"))
    ledger.record(happened.upload_abandoned("two"))
    first = ledger.events()[0].id
    assert [row.kind for row in ledger.events(since_id=first)] == ["upload_abandoned"]


def test_writes_in_a_batch_are_committed_together(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    try:
        with ledger.batch():
            ledger.record(happened.target_unusable("first"))
            ledger.record(happened.target_unusable("second"))
            reader = Ledger(tmp_path / "ledger.sqlite3", readonly=True)
            try:
                assert reader.events() == []  # nothing is visible before the batch commits
            finally:
                reader.close()
        assert [e.message for e in ledger.events()] == ["first", "second"]
    finally:
        ledger.close()


def test_a_batch_that_fails_keeps_none_of_its_writes(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    try:
        with pytest.raises(RuntimeError), ledger.batch():
            ledger.record(happened.target_unusable("first"))
            raise RuntimeError("a bug half-way")
        assert ledger.events() == []
        ledger.record(happened.target_unusable("after"))  # the ledger takes writes again
        assert [e.message for e in ledger.events()] == ["after"]
    finally:
        ledger.close()
