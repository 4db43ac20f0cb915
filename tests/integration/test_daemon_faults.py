"""The real daemon under faults a cart meets: an offload still growing slowly past
`stall_after`, the daemon paused (SIGSTOP) and continued mid-upload, the daemon killed while
`status` is being read."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from rollkeeper.transfer.keys import MANIFEST_SUFFIX

from tests.builders import clip
from tests.httpreceiver import Answer, HttpReceiver
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_state_in_ledger,
    run_cli,
    sample_files,
    wait_until,
    write_config,
)
from tests.integration.faults import GrowingFile, paused
from tests.integration.test_upload_fs import events

CLIP = "Clips/C001_00.mov"


def _raid(tmp_path: Path) -> Path:
    raid = tmp_path / "RAID_A"
    raid.mkdir(exist_ok=True)
    return raid


def _with_folder_target(
    tmp_path: Path, *, stall_after: float = 5.0, target: str = "", extra: str = ""
) -> Path:
    """A cart whose target is the folder `store` (`target`: more of its keys; `extra`: more
    tables after it)."""
    store = tmp_path / "store"
    store.mkdir()
    return write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(_raid(tmp_path)), "raid")],
        stall_after=stall_after,
        extra=f'[target]\nkind = "fs"\npath = "{store}"\n{target}{extra}',
    )


def _copy_states(config: Path) -> list[str]:
    done = run_cli("status", "--config", str(config), "--json")
    if done.returncode != 0:
        return []
    return [c["state"] for r in json.loads(done.stdout)["rolls"] for c in r["copies"]]


def test_a_file_still_growing_past_stall_after_is_waited_for_never_called_incomplete(
    tmp_path: Path,
) -> None:
    """Growth is activity: a copy whose file grows every second for three times `stall_after`
    keeps settling, and is verified once the file is whole."""
    config = _with_folder_target(tmp_path, stall_after=2.0)
    files = sample_files(1)
    roll = make_roll(tmp_path / "RAID_A", A001, files)
    growing = GrowingFile(roll / CLIP, files[CLIP], step=512, every=0.75).start(already=512)
    daemon = Daemon(config).start()
    seen: set[str] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and roll_state_in_ledger(
            tmp_path / "state", A001
        ) not in ("uploaded", "incomplete"):
            seen.update(_copy_states(config))
            time.sleep(0.2)
        growing.join(timeout=5)
    finally:
        daemon.stop()
    assert "incomplete" not in seen
    assert roll_state_in_ledger(tmp_path / "state", A001) == "uploaded"


def test_a_daemon_paused_mid_upload_and_continued_finishes_the_roll_once(tmp_path: Path) -> None:
    """A cart put to sleep in the middle of an upload (SIGSTOP), woken (SIGCONT): the upload
    goes on and the roll is uploaded, with one manifest."""
    config = _with_folder_target(tmp_path, target='bandwidth_limit = "20MB/s"\n')
    big = {f"Clips/C001_{i:02d}.mov": clip(i, 16 * 1024 * 1024) for i in range(4)}
    make_roll(tmp_path / "RAID_A", A001, big)
    daemon = Daemon(config).start()
    assert daemon.process is not None
    try:
        wait_until(
            lambda: roll_state_in_ledger(tmp_path / "state", A001) == "uploading",
            what="the upload to begin",
        )
        with paused(daemon.process):
            time.sleep(3)
            assert roll_state_in_ledger(tmp_path / "state", A001) == "uploading"
        wait_until(
            lambda: roll_state_in_ledger(tmp_path / "state", A001) == "uploaded",
            timeout=120,
            what="the roll to be uploaded after the pause",
        )
    finally:
        daemon.stop()
    manifests = list((tmp_path / "store").rglob(f"*{MANIFEST_SUFFIX}"))
    assert len(manifests) == 1, manifests


def test_status_read_while_the_daemon_is_killed_always_answers_in_sentences(
    tmp_path: Path,
) -> None:
    """`status` read over and over while the daemon verifies and uploads, and while it is
    killed -9: every answer is a status or a one-sentence refusal, never a traceback."""
    config = _with_folder_target(tmp_path)
    for n in range(1, 4):
        make_roll(
            tmp_path / "RAID_A",
            f"20261121_Day01/Camera_Media/A00{n}R1AB",
            {f"Clips/C{n:03d}_{i:02d}.mov": clip(n * 10 + i, 8 * 1024 * 1024) for i in range(3)},
        )
    answers: list[tuple[int, str, str]] = []
    reading = threading.Event()

    def read_status() -> None:
        while not reading.is_set():
            done = run_cli("status", "--config", str(config))
            answers.append((done.returncode, done.stdout, done.stderr))

    reader = threading.Thread(target=read_status, daemon=True)
    daemon = Daemon(config).start()
    reader.start()
    try:
        wait_until(
            lambda: roll_state_in_ledger(tmp_path / "state", A001) is not None,
            what="the daemon to record the first roll",
        )
        time.sleep(0.5)
        daemon.kill()
        time.sleep(1.5)  # status goes on being read beside the dead daemon's files
    finally:
        reading.set()
        reader.join(timeout=60)
    assert len(answers) >= 3
    for code, out, err in answers:
        assert "Traceback" not in out + err
        assert code == 0 or (err.strip() and "\n" not in err.strip()), (code, err)
    final = run_cli("status", "--config", str(config))
    assert final.returncode == 0, final.stderr
    assert "Daemon: NOT running" in final.stdout


def test_kill_9_while_the_archive_is_being_asked_archives_the_roll_once_after_restart(
    tmp_path: Path,
) -> None:
    """The portal holds its answer while the daemon is killed -9 mid-poll; the restart asks
    again and records the roll archived exactly once (one event, one announcement)."""
    held = threading.Event()
    archived = json.dumps({"archive": {"state": "archived"}}).encode()
    with HttpReceiver([Answer(body=archived, held_until=held)]) as portal:
        archive = (
            '[archive]\nprovider = "http"\n'
            f'url = "{portal.url("/rolls/{roll}")}"\n'
            'status_pointer = "/archive/state"\npoll_interval = "1s"\n'
        )
        config = _with_folder_target(tmp_path, target="", extra=archive)
        make_roll(tmp_path / "RAID_A", A001, sample_files(1))
        state = tmp_path / "state"
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: len(portal.requests) >= 1, what="the archive asked")
        finally:
            daemon.kill()
        portal.answers = [Answer(body=archived)]
        held.set()
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: roll_state_in_ledger(state, A001) == "archived", what="archived")
        finally:
            output = daemon.stop()
    assert "Traceback" not in output
    assert len(events(state, "archive_done")) == 1
