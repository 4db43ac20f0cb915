"""The daemon end to end: real folders as volumes, the real CLI as a subprocess, the real ledger."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pytest
from rollkeeper.ledger.store import Ledger

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    DAY,
    S001,
    Daemon,
    make_roll,
    roll_state_in_ledger,
    roll_states,
    run_cli,
    sample_files,
    status,
    wait_until,
    write_config,
)

#: Verification reads throttled so a 40 MB roll takes about two seconds to verify.
SLOW_READS = '[verify]\nread_rate = "20MB/s"\n'


@pytest.fixture
def cart(tmp_path: Path) -> dict[str, Path]:
    volumes = tmp_path / "Volumes"
    (volumes / "RAID_A").mkdir(parents=True)
    return {"root": tmp_path, "volumes": volumes, "raid": volumes / "RAID_A"}


def config_for(cart: dict[str, Path], settle: float = 0.5, extra: str = "") -> Path:
    return write_config(
        cart["root"] / "rollkeeper.toml",
        cart["root"] / "state",
        [(str(cart["raid"]), "raid"), (str(cart["volumes"] / "SHUTTLE_*"), "rotation")],
        settle=settle,
        extra=extra,
    )


def events(cart: dict[str, Path], kind: str | None = None) -> list[dict[str, object]]:
    ledger = Ledger.in_state_dir(cart["root"] / "state", readonly=True)
    try:
        return [asdict(e) for e in ledger.events() if kind is None or e.kind == kind]
    finally:
        ledger.close()


def verifying(cart: dict[str, Path]) -> bool:
    return roll_state_in_ledger(cart["root"] / "state", A001) == "verifying"


def when(event: dict[str, object]) -> float:
    return datetime.fromisoformat(str(event["at"])).timestamp()


# --- run --once -----------------------------------------------------------------------------------


def test_once_verifies_every_settled_roll_and_exits_zero(cart: dict[str, Path]) -> None:
    make_roll(cart["raid"], A001, sample_files(1))
    make_roll(cart["raid"], S001, {"S001_T01.wav": clip(9, 10_000)})
    config = config_for(cart, settle=0)

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 0, done.stderr
    assert roll_states(config) == {
        f"{DAY}/Camera_Media/A001R1AB": "verified",
        f"{DAY}/Sound_Media/S001": "verified",
    }


def test_once_exits_one_and_records_mismatch_for_a_flipped_byte(cart: dict[str, Path]) -> None:
    roll = make_roll(cart["raid"], A001, sample_files(1))
    clip_path = next((roll / "Clips").iterdir())
    data = bytearray(clip_path.read_bytes())
    data[100] ^= 0xFF
    clip_path.write_bytes(bytes(data))
    config = config_for(cart, settle=0)

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 1
    roll_status = status(config)["rolls"][0]
    assert roll_status["state"] == "mismatch"
    assert any(
        clip_path.name in problem and "mismatch" in problem for problem in roll_status["problems"]
    )


def test_same_roll_with_same_mhl_on_two_volumes_is_one_roll_with_two_copies(
    cart: dict[str, Path],
) -> None:
    files = sample_files(1)
    make_roll(cart["raid"], A001, files)
    shuttle = cart["volumes"] / "SHUTTLE_01"
    shuttle.mkdir()
    # The same card copied to the shuttle: same files, and the very same MHL file.
    make_roll(shuttle, A001, files)
    for mhl in (shuttle / A001).glob("*.mhl"):
        mhl.unlink()
    for mhl in (cart["raid"] / A001).glob("*.mhl"):
        (shuttle / A001 / mhl.name).write_bytes(mhl.read_bytes())
    config = config_for(cart, settle=0)

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    (roll,) = status(config)["rolls"]
    assert roll["state"] == "verified"
    assert roll["volumes"] == ["RAID_A", "SHUTTLE_01"]


def test_same_roll_name_with_different_content_on_two_drives_is_one_alarm_not_a_failed_roll(
    cart: dict[str, Path],
) -> None:
    make_roll(cart["raid"], A001, sample_files(1))
    config = config_for(cart, settle=0)
    assert run_cli("run", "--once", "--config", str(config)).returncode == 0
    shuttle = cart["volumes"] / "SHUTTLE_01"
    make_roll(shuttle, A001, sample_files(2))

    run_cli("run", "--once", "--config", str(config))

    (roll,) = status(config)["rolls"]
    assert roll["state"] == "verified"  # the roll is RAID_A's content, verified first
    alarms = [e for e in events(cart) if e["severity"] == "alarm"]
    assert [e["kind"] for e in alarms] == ["copy_differs"]
    assert "SHUTTLE_01 holds a different A001R1AB" in str(alarms[0]["message"])
    assert "read from RAID_A" in str(alarms[0]["message"])


def test_layout_errors_are_reported_per_volume_and_are_not_rolls(cart: dict[str, Path]) -> None:
    make_roll(cart["raid"], "261121/Camera_Media/A001R1AB", sample_files(1))
    make_roll(cart["raid"], f"{DAY}/camera_media/B001R1AB", sample_files(2))
    config = config_for(cart, settle=0)

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    document = status(config)
    assert document["rolls"] == []
    (raid,) = [v for v in document["volumes"] if v["label"] == "RAID_A"]
    problems = " ".join(raid["problems"])
    assert "use yyyyMMdd: 20261121" in problems
    assert "must be spelled Camera_Media" in problems


def test_a_second_instance_on_the_same_state_dir_exits_with_a_clear_message(
    cart: dict[str, Path],
) -> None:
    config = config_for(cart)
    first = Daemon(config).start()
    try:
        wait_until((cart["root"] / "state" / "ledger.sqlite3").exists, what="ledger")
        second = run_cli("run", "--config", str(config))
        assert second.returncode == 3
        assert "already running" in second.stderr
    finally:
        first.stop()


def test_a_bad_config_names_file_key_and_value(cart: dict[str, Path]) -> None:
    config = cart["root"] / "bad.toml"
    config.write_text('[[volumes]]\npath = "relative/RAID"\nrole = "raid"\n', encoding="utf-8")

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 2
    assert str(config) in done.stderr
    assert "volumes[0].path" in done.stderr
    assert "absolute path" in done.stderr


# --- the running daemon -------------------------------------------------------------------------


def test_a_roll_copied_while_the_daemon_runs_is_verified_only_after_it_settles(
    cart: dict[str, Path],
) -> None:
    config = config_for(cart, settle=1.5)
    daemon = Daemon(config).start()
    try:
        wait_until((cart["root"] / "state" / "ledger.sqlite3").exists, what="start")
        # MHL first (written by sealing elsewhere and copied in), files still arriving.
        staging = cart["root"] / "staging"
        files = sample_files(3, count=2, size=200_000)
        sealed = make_roll(staging, "A001R1AB", files)
        roll = cart["raid"] / A001
        roll.mkdir(parents=True)
        for mhl in sealed.glob("*.mhl"):
            (roll / mhl.name).write_bytes(mhl.read_bytes())
        (roll / "Clips").mkdir()
        for name, content in files.items():
            half = len(content) // 2
            (roll / name).write_bytes(content[:half])
        # A stall longer than the settle time: a short file is never "complete".
        time.sleep(2.5)
        assert roll_states(config).get(A001) == "discovered"
        last_write = time.time()
        for name, content in files.items():
            with (roll / name).open("ab") as handle:
                handle.write(content[len(content) // 2 :])
        wait_until(lambda: roll_states(config).get(A001) == "verified", what="verified")
    finally:
        daemon.stop()
    (ready,) = [e for e in events(cart, "copy_state") if "is ready" in str(e["message"])]
    assert when(ready) >= last_write + 1.5


def test_files_first_and_mhl_last_waits_for_the_mhl_to_settle(cart: dict[str, Path]) -> None:
    config = config_for(cart, settle=1.5)
    daemon = Daemon(config).start()
    try:
        staging = cart["root"] / "staging"
        files = sample_files(4)
        sealed = make_roll(staging, "A001R1AB", files)
        roll = cart["raid"] / A001
        for name, content in files.items():
            (roll / name).parent.mkdir(parents=True, exist_ok=True)
            (roll / name).write_bytes(content)
        time.sleep(1.0)
        mhl_written = time.time()
        for mhl in sealed.glob("*.mhl"):
            (roll / mhl.name).write_bytes(mhl.read_bytes())
        wait_until(lambda: roll_states(config).get(A001) == "verified", what="verified")
    finally:
        daemon.stop()
    (ready,) = [e for e in events(cart, "copy_state") if "is ready" in str(e["message"])]
    assert when(ready) >= mhl_written + 1.5 - 0.001  # the ledger keeps times to the millisecond


def test_rotation_drives_matching_a_glob_come_and_go_without_restart(
    cart: dict[str, Path],
) -> None:
    config = config_for(cart, settle=0.3)
    daemon = Daemon(config).start()
    try:
        staging = cart["root"] / "SHUTTLE_07"
        make_roll(staging, S001, {"S001_T01.wav": clip(5, 50_000)})
        staging.rename(cart["volumes"] / "SHUTTLE_07")  # plugged in
        wait_until(lambda: roll_states(config).get(S001) == "verified", what="verified")
        (cart["volumes"] / "SHUTTLE_07").rename(staging)  # pulled out
        wait_until(
            lambda: (
                not next(v for v in status(config)["volumes"] if v["label"] == "SHUTTLE_07")[
                    "mounted"
                ]
            ),
            what="unmounted",
        )
    finally:
        daemon.stop()


def test_a_roll_modified_after_verification_is_marked_stale_and_verified_again(
    cart: dict[str, Path],
) -> None:
    roll = make_roll(cart["raid"], A001, sample_files(1))
    config = config_for(cart, settle=0.3)
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: roll_states(config).get(A001) == "verified", what="verified")
        clip_path = next((roll / "Clips").iterdir())
        data = bytearray(clip_path.read_bytes())
        data[0] ^= 0xFF
        clip_path.write_bytes(bytes(data))
        wait_until(lambda: roll_states(config).get(A001) == "mismatch", what="re-verified")
    finally:
        daemon.stop()
    (stale,) = events(cart, "copy_stale")
    assert stale["severity"] == "alarm"
    assert "STALE" in str(stale["message"])
    assert clip_path.name in str(stale["message"])


def test_an_mhl_deleted_after_verification_raises_an_alarm(cart: dict[str, Path]) -> None:
    roll = make_roll(cart["raid"], A001, sample_files(1))
    config = config_for(cart, settle=0.3)
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: roll_states(config).get(A001) == "verified", what="verified")
        for mhl in roll.glob("*.mhl"):
            mhl.unlink()
        wait_until(lambda: bool(events(cart, "copy_gone")), what="gone event")
    finally:
        daemon.stop()
    (gone,) = events(cart, "copy_gone")
    assert gone["severity"] == "alarm"
    assert "after it was verified" in str(gone["message"])
    assert all(p.exists() for p in (roll / "Clips").iterdir())  # nothing deleted by us


def test_a_restart_does_not_verify_again_what_was_already_proven(cart: dict[str, Path]) -> None:
    make_roll(cart["raid"], A001, sample_files(1))
    config = config_for(cart, settle=0)
    assert run_cli("run", "--once", "--config", str(config)).returncode == 0
    verified_before = len(events(cart, "copy_verified"))

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    assert len(events(cart, "copy_verified")) == verified_before == 1


def test_kill_9_during_verification_loses_nothing_and_the_restart_finishes(
    cart: dict[str, Path],
) -> None:
    make_roll(cart["raid"], A001, {"Clips/BIG.mov": clip(7, 40_000_000)})
    config = config_for(cart, settle=0, extra=SLOW_READS)
    daemon = Daemon(config).start()
    wait_until(lambda: verifying(cart), what="verifying")
    assert daemon.process is not None
    os.kill(daemon.process.pid, signal.SIGKILL)
    daemon.process.communicate(timeout=30)

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    assert roll_states(config)[A001] == "verified"


def test_a_volume_unplugged_mid_verification_resumes_when_it_returns(
    cart: dict[str, Path],
) -> None:
    make_roll(cart["raid"], A001, {"Clips/BIG.mov": clip(8, 40_000_000)})
    config = config_for(cart, settle=0.2, extra=SLOW_READS)
    away = cart["root"] / "RAID_A_unplugged"
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: verifying(cart), what="verifying")
        cart["raid"].rename(away)
        wait_until(lambda: bool(events(cart, "volume_unmounted")), what="unplugged")
        away.rename(cart["raid"])
        wait_until(lambda: roll_states(config).get(A001) == "verified", what="verified", timeout=90)
    finally:
        output = daemon.stop()
    assert "Traceback" not in output
    assert events(cart, "verify_interrupted")
    assert not any(e["kind"] == "copy_failed" for e in events(cart))
