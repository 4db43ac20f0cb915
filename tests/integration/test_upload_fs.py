"""Uploading rolls to a folder target (a NAS or second RAID): the embedded default."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from rollkeeper.ledger.store import Ledger
from rollkeeper.transfer.identity import MARKER_NAME

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_state_in_ledger,
    roll_states,
    run_cli,
    status,
    upload_state_in_ledger,
    wait_until,
    write_config,
)

MiB = 1024 * 1024


def cart(tmp_path: Path, *, target: Path | None = None, extra: str = "") -> tuple[Path, Path, Path]:
    volume = tmp_path / "RAID_A"
    volume.mkdir(exist_ok=True)
    nas = target or tmp_path / "NAS"
    if target is None:
        nas.mkdir(exist_ok=True)
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(volume), "raid")],
        settle=0,
        extra=f'[target]\nkind = "fs"\npath = "{nas}"\nretry_after = "1h"\n{extra}',
    )
    return volume, nas, config


def events(state: Path, kind: str) -> list[str]:
    if not (state / "ledger.sqlite3").exists():
        return []
    ledger = Ledger.in_state_dir(state, readonly=True)
    try:
        return [str(e.message) for e in ledger.events() if e.kind == kind]
    finally:
        ledger.close()


def stored_files(nas: Path) -> dict[str, bytes]:
    """What the folder stores, besides its identity marker (written at first use)."""
    return {
        str(p.relative_to(nas)): p.read_bytes()
        for p in nas.rglob("*")
        if p.is_file() and not p.name.startswith(".rollkeeper-write-test") and p.name != MARKER_NAME
    }


def test_a_roll_is_copied_into_the_folder_and_proven_by_reading_it_back(tmp_path: Path) -> None:
    volume, nas, config = cart(tmp_path)
    files = {"Clips/A.mov": clip(1, 3 * MiB), "Clips/B.mov": clip(2, 1000), "empty.bin": b""}
    make_roll(volume, A001, files)

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    assert roll_states(config) == {A001: "uploaded"}
    stored = stored_files(nas)
    for name, content in files.items():
        assert stored[f"{A001}/{name}"] == content
    assert not [name for name in stored if "rollkeeper-partial" in name]
    ledger = Ledger.in_state_dir(tmp_path / "state", readonly=True)
    try:
        upload = ledger.file_uploads(A001)["Clips/A.mov"]
    finally:
        ledger.close()
    assert upload.state == "stored"
    assert (upload.proof or "").startswith("read back")


def test_a_flipped_byte_leaves_nothing_in_the_folder(tmp_path: Path) -> None:
    volume, nas, config = cart(tmp_path)
    roll = make_roll(volume, A001, {"Clips/BAD.mov": clip(3, 2 * MiB)})
    data = bytearray((roll / "Clips/BAD.mov").read_bytes())
    data[12345] ^= 1
    (roll / "Clips/BAD.mov").write_bytes(bytes(data))

    assert run_cli("run", "--once", "--config", str(config)).returncode == 1

    assert roll_states(config) == {A001: "mismatch"}
    assert stored_files(nas) == {}


def test_a_file_already_there_with_other_content_is_never_overwritten(tmp_path: Path) -> None:
    volume, nas, config = cart(tmp_path)
    make_roll(volume, A001, {"Clips/A.mov": clip(4, 5000)})
    existing = nas / A001 / "Clips/A.mov"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"an older, different clip")

    assert run_cli("run", "--once", "--config", str(config)).returncode == 1

    (roll,) = status(config)["rolls"]
    assert roll["state"] == "conflict"
    assert existing.read_bytes() == b"an older, different clip"


def test_a_missing_target_folder_leaves_the_roll_verified_and_waiting_for_storage(
    tmp_path: Path,
) -> None:
    volume, _nas, config = cart(tmp_path, target=tmp_path / "NAS_not_mounted")
    make_roll(volume, A001, {"Clips/A.mov": clip(5, 5000)})

    # 1: the pass could not do all it had to (the roll waits for storage), though nothing failed
    assert run_cli("run", "--once", "--config", str(config)).returncode == 1

    (roll,) = status(config)["rolls"]
    assert roll["state"] == "verified"
    assert roll["upload"]["state"] == "waiting_for_storage"
    assert "does not exist or is not mounted" in roll["upload"]["last_error"]
    assert not (tmp_path / "NAS_not_mounted").exists()


def test_kill_9_mid_copy_leaves_no_partial_file_once_the_restart_finishes(tmp_path: Path) -> None:
    volume, nas, config = cart(tmp_path, extra='bandwidth_limit = "20MB/s"\n')
    content = clip(6, 40 * MiB)
    make_roll(volume, A001, {"Clips/BIG.mov": content})
    daemon = Daemon(config).start()
    state = tmp_path / "state"
    wait_until(lambda: roll_state_in_ledger(state, A001) == "uploading", what="uploading")
    wait_until(lambda: any(nas.rglob("*rollkeeper-partial")), what="a partial file")
    assert daemon.process is not None
    os.kill(daemon.process.pid, signal.SIGKILL)
    daemon.process.communicate(timeout=30)

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    assert roll_states(config) == {A001: "uploaded"}
    assert stored_files(nas)[f"{A001}/Clips/BIG.mov"] == content
    assert not list(nas.rglob("*rollkeeper-partial"))


def test_a_roll_waiting_for_storage_is_uploaded_once_the_folder_is_there_not_after_retry_after(
    tmp_path: Path,
) -> None:
    nas = tmp_path / "NAS"
    volume, _nas, config = cart(tmp_path, target=nas)  # retry_after = "1h"
    make_roll(volume, A001, {"Clips/A.mov": clip(7, 5000)})
    daemon = Daemon(config).start()
    try:
        state = tmp_path / "state"
        wait_until(
            lambda: upload_state_in_ledger(state, A001) == "waiting_for_storage", what="waiting"
        )
        assert roll_state_in_ledger(state, A001) == "verified"
        nas.mkdir()  # the NAS is mounted at last
        wait_until(lambda: roll_state_in_ledger(state, A001) == "uploaded", what="uploaded")
    finally:
        daemon.stop()
    assert (nas / A001 / "Clips/A.mov").read_bytes() == clip(7, 5000)


def test_a_drive_unplugged_mid_upload_resumes_when_it_returns(tmp_path: Path) -> None:
    volume, nas, config = cart(tmp_path, extra='bandwidth_limit = "10MB/s"\n')
    content = clip(8, 48 * MiB)  # many times the folder target's part size: written in parts
    make_roll(volume, A001, {"Clips/BIG.mov": content})
    away = tmp_path / "RAID_A_unplugged"
    daemon = Daemon(config).start()
    try:
        state = tmp_path / "state"
        wait_until(lambda: any(nas.rglob("*rollkeeper-partial")), what="upload under way")
        volume.rename(away)
        wait_until(lambda: bool(events(state, "volume_unmounted")), what="unplugged noticed")
        away.rename(volume)
        wait_until(
            lambda: roll_state_in_ledger(state, A001) == "uploaded", what="uploaded", timeout=90
        )
    finally:
        output = daemon.stop()
    assert "Traceback" not in output
    assert events(state, "verify_interrupted")
    assert not events(state, "upload_failed")
    assert stored_files(nas)[f"{A001}/Clips/BIG.mov"] == content
