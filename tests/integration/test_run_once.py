"""`rollkeeper run --once` is a full answer: it waits (at most `--wait`) for copies still
settling, verifies and uploads every ready roll, retries failed uploads and polls the archive
whatever their backoff says, and ends with the summary `rollkeeper status` prints."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    S001,
    Daemon,
    make_roll,
    roll_state_in_ledger,
    roll_states,
    run_cli,
    status,
    wait_until,
    write_config,
)
from tests.s3server import WRITER_KEY, WRITER_SECRET, S3Server

FILES = {"Clips/A001C001.mov": clip(1, 5000), "Clips/A001C002.mov": clip(2, 3000)}


def folder_cart(
    tmp_path: Path, *, settle: float, stall_after: float = 5.0, extra: str = ""
) -> tuple[Path, Path]:
    """A RAID volume uploading to a target folder; returns the volume and the configuration."""
    raid = tmp_path / "Volumes" / "RAID_A"
    raid.mkdir(parents=True)
    (tmp_path / "store").mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(raid), "raid")],
        settle=settle,
        stall_after=stall_after,
        extra=f'[target]\npath = "{tmp_path / "store"}"\n{extra}',
    )
    return raid, config


def run_once(config: Path, *options: str) -> tuple[int, str]:
    done = run_cli("run", "--once", *options, "--config", str(config))
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout


def test_run_once_right_after_an_offload_waits_for_the_copy_to_settle_and_verifies_it(
    tmp_path: Path,
) -> None:
    raid, config = folder_cart(tmp_path, settle=1.0)
    make_roll(raid, A001, FILES)  # just written: younger than settle_seconds

    code, output = run_once(config)

    assert code == 0
    assert roll_states(config) == {A001: "uploaded"}
    assert "Still settling" not in output


def test_a_copy_still_short_of_a_file_is_walked_again_and_verified_once_it_arrives(
    tmp_path: Path,
) -> None:
    raid, config = folder_cart(tmp_path, settle=0.5, stall_after=600)
    roll = make_roll(raid, A001, FILES)
    late = roll / "Clips/A001C002.mov"
    late.unlink()  # still being copied when run --once starts
    once = Daemon(config, "--once", "--wait", "120").start()
    try:
        wait_until(
            lambda: roll_state_in_ledger(tmp_path / "state", A001) == "discovered",
            what="run --once waiting for the copy",
        )
        late.write_bytes(FILES["Clips/A001C002.mov"])  # the copy finishes
        assert once.process is not None
        output, _ = once.process.communicate(timeout=120)
    finally:
        if once.process is not None and once.process.poll() is None:
            once.kill()

    assert once.process.returncode == 0, output
    assert roll_states(config) == {A001: "uploaded"}
    assert "Still settling" not in output


def test_run_once_with_wait_0_does_not_wait_and_names_the_rolls_still_settling(
    tmp_path: Path,
) -> None:
    # Waiting 3 x 600 s would outlast the command's timeout: the answer comes without waiting.
    raid, config = folder_cart(tmp_path, settle=600)
    make_roll(raid, A001, FILES)
    make_roll(raid, S001, {"S001_T01.wav": clip(3, 2000)})

    code, output = run_once(config, "--wait", "0")

    assert code == 0
    assert roll_states(config) == {A001: "discovered", S001: "discovered"}
    assert output.rstrip().endswith(
        f"Still settling after 0 s, not yet verified: 2 roll(s): {A001}, {S001}; run again "
        "later, or with a longer --wait"
    )


def test_a_negative_wait_is_refused_with_exit_2_and_nothing_is_done(tmp_path: Path) -> None:
    raid, config = folder_cart(tmp_path, settle=0)
    make_roll(raid, A001, FILES)

    done = run_cli("run", "--once", "--wait", "-1", "--config", str(config))

    assert done.returncode == 2
    assert "--wait" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "state" / "ledger.sqlite3").exists()


def test_wait_without_once_is_refused_with_exit_2(tmp_path: Path) -> None:
    _raid, config = folder_cart(tmp_path, settle=0)

    done = run_cli("run", "--wait", "5", "--config", str(config))

    assert done.returncode == 2
    assert "--wait applies to --once only" in done.stderr
    assert not (tmp_path / "state" / "ledger.sqlite3").exists()


def test_the_summary_of_run_once_is_the_summary_status_prints(tmp_path: Path) -> None:
    raid, config = folder_cart(tmp_path, settle=0)
    make_roll(raid, A001, FILES)

    code, output = run_once(config)
    shown = run_cli("status", "--config", str(config))

    assert code == 0
    assert shown.returncode == 0
    assert output == shown.stdout
    assert "A001R1AB" in output and "uploaded" in output


def test_an_archive_copy_that_landed_since_the_last_poll_is_seen_at_once(tmp_path: Path) -> None:
    lto = tmp_path / "LTO_STAGING"
    lto.mkdir()
    archive = f'[archive]\nprovider = "fs-copy"\npath = "{lto}"\npoll_interval = "1h"\n'
    raid, config = folder_cart(tmp_path, settle=0, extra=archive)
    make_roll(raid, A001, FILES)
    assert run_once(config)[0] == 0
    assert roll_states(config) == {A001: "uploaded"}  # polled: no archive copy yet, next in 1 h

    shutil.copytree(tmp_path / "store" / A001, lto / A001)  # the archive job ran meanwhile
    code, _output = run_once(config)

    assert code == 0
    assert roll_states(config) == {A001: "archived"}


def test_a_roll_waiting_for_storage_goes_up_on_the_next_run_whatever_its_retry_after(
    tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An identity that cannot create buckets: the first pass finds the bucket missing, the
    # target's problem (the copy is verified all the same), with `retry_after` an hour away.
    monkeypatch.setenv("RK_TEST_KEY_ID", WRITER_KEY)
    monkeypatch.setenv("RK_TEST_SECRET", WRITER_SECRET)
    bucket = f"later-{uuid.uuid4().hex[:12]}"
    raid = tmp_path / "RAID_A"
    raid.mkdir()
    target = [
        "[target]", 'kind = "s3"', f'bucket = "{bucket}"',
        f'endpoint_url = "{s3_server.endpoint}"', 'region = "us-east-1"',
        'access_key_id_env = "RK_TEST_KEY_ID"', 'secret_access_key_env = "RK_TEST_SECRET"',
        'retry_after = "1h"',
    ]  # fmt: skip
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(raid), "raid")],
        settle=0,
        extra="\n".join(target) + "\n",
    )
    make_roll(raid, A001, FILES)
    assert run_once(config)[0] == 1  # a roll waits for a target that cannot be used
    (roll,) = status(config)["rolls"]
    assert (roll["state"], roll["upload"]["state"]) == ("verified", "waiting_for_storage")

    s3_server.client().create_bucket(Bucket=bucket)  # the storage is back
    code, _output = run_once(config)

    assert code == 0
    assert roll_states(config) == {A001: "uploaded"}
    listing = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert {f"{A001}/{name}" for name in FILES} <= {o["Key"] for o in listing}
