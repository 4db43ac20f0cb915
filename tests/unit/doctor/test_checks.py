"""Specification: doctor's checks one by one, as plain functions — what each finds and the fix it
gives — and how their outcomes make the exit code."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rollkeeper.config.sections import TargetSettings, VolumeSettings
from rollkeeper.core.errors import ExitCode
from rollkeeper.doctor.local import (
    clock_against_server,
    clock_year,
    state_dir_writable,
    state_disk_local,
)
from rollkeeper.doctor.model import Outcome, exit_code, fail, ok, verdict, warn
from rollkeeper.doctor.volumes import count_folders, inotify_limit, volume_findings
from rollkeeper.transfer.s3_client import QUICK_PATIENCE, make_client


def test_warnings_pass_a_failure_exits_3_and_a_configuration_failure_exits_2() -> None:
    good, caution = ok("a", "fine"), warn("b", "hm", "do x")
    assert exit_code([good, caution]) is ExitCode.OK and verdict([good, caution]) == "warnings"
    assert exit_code([good, fail("c", "broken", "fix it")]) is ExitCode.ENVIRONMENT
    both = [fail("c", "broken", "fix it"), fail("d", "bad key", "edit", config=True)]
    assert exit_code(both) is ExitCode.BAD_INPUT and verdict(both) == "invalid_config"


def test_doctors_s3_client_sends_each_request_once_and_cannot_wait_30_seconds_on_it() -> None:
    settings = TargetSettings.model_validate(
        {"kind": "s3", "bucket": "footage", "endpoint_url": "http://127.0.0.1:9"}
    )
    config = make_client(settings, patience=QUICK_PATIENCE).meta.config
    assert config.retries["total_max_attempts"] == 1
    assert config.connect_timeout + config.read_timeout < 30


def test_the_daemons_s3_client_still_tries_each_request_four_times() -> None:
    settings = TargetSettings.model_validate(
        {"kind": "s3", "bucket": "footage", "endpoint_url": "http://127.0.0.1:9"}
    )
    config = make_client(settings).meta.config
    assert config.retries["total_max_attempts"] == 4
    assert (config.connect_timeout, config.read_timeout) == (10, 120)


def test_a_writable_state_folder_passes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    assert state_dir_writable(tmp_path).outcome is Outcome.OK
    assert list(tmp_path.iterdir()) == []


def test_a_missing_state_folder_whose_parent_exists_is_a_warning_run_will_create_it(
    tmp_path: Path,
) -> None:
    found = state_dir_writable(tmp_path / "state")
    assert found.outcome is Outcome.WARN
    assert found.fix is not None and "`rollkeeper run` creates it" in found.fix
    assert not (tmp_path / "state").exists()  # doctor creates nothing


def test_a_state_folder_on_an_unmounted_drive_fails(tmp_path: Path) -> None:
    found = state_dir_writable(tmp_path / "STATE_DRIVE" / "rollkeeper")
    assert found.outcome is Outcome.FAIL
    assert found.fix is not None and "mount the disk" in found.fix


@pytest.mark.skipif(os.geteuid() != 0, reason="a read-only tmpfs mount needs root")
def test_a_state_folder_on_a_read_only_disk_fails_naming_it(tmp_path: Path) -> None:
    import subprocess

    folder = tmp_path / "ro"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], check=True)
    try:
        found = state_dir_writable(folder)
    finally:
        subprocess.run(["umount", str(folder)], check=True)
    assert found.outcome is Outcome.FAIL
    assert f"the state folder {folder} cannot be written (Read-only file system)" == found.sentence


def test_a_state_folder_on_a_local_disk_passes_and_names_its_filesystem(tmp_path: Path) -> None:
    found = state_disk_local(tmp_path)
    assert found.outcome is Outcome.OK
    assert found.sentence.startswith("the state folder is on a local disk (")


def test_a_clock_in_1970_fails_and_one_in_2026_passes() -> None:
    assert clock_year(datetime(1970, 1, 1, tzinfo=UTC)).outcome is Outcome.FAIL
    assert clock_year(datetime(2026, 12, 6, tzinfo=UTC)).outcome is Outcome.OK


def test_a_clock_ten_minutes_off_the_stores_fails_and_says_which_way() -> None:
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    found = clock_against_server(now - timedelta(minutes=10), "the S3 endpoint", now=now)
    assert found.outcome is Outcome.FAIL
    assert found.sentence == "the cart's clock is 10 minutes ahead of the S3 endpoint"
    close = clock_against_server(now - timedelta(seconds=3), "the S3 endpoint", now=now)
    assert close.outcome is Outcome.OK


def _volume(path: Path, **settings: object) -> VolumeSettings:
    return VolumeSettings.model_validate({"path": str(path), "role": "raid", **settings})


def test_a_volume_forced_to_poll_says_so_and_why(tmp_path: Path) -> None:
    (found,) = volume_findings([_volume(tmp_path, poll=True)], poll_interval=5.0)
    assert found.outcome is Outcome.OK
    assert "polled every 5 s (poll = true in its [[volumes]] table)" in found.sentence


def test_a_configured_drive_not_mounted_is_a_warning(tmp_path: Path) -> None:
    (found,) = volume_findings([_volume(tmp_path / "RAID_B")], poll_interval=5.0)
    assert found.outcome is Outcome.WARN
    assert found.sentence == f"{tmp_path / 'RAID_B'} is not there: the raid drive is not mounted"


def test_folders_are_counted_as_inotify_watches(tmp_path: Path) -> None:
    for day in ("D1", "D2"):
        (tmp_path / day / "A001").mkdir(parents=True)
    assert count_folders(tmp_path) == 5


def test_more_folders_than_the_inotify_limit_fails_with_the_sysctl_fix(tmp_path: Path) -> None:
    for number in range(4):
        (tmp_path / f"R{number}").mkdir()
    limit = tmp_path.parent / f"{tmp_path.name}-max_user_watches"
    limit.write_text("3\n")
    found = inotify_limit([_volume(tmp_path)], limit_file=limit)
    assert found.outcome is Outcome.FAIL
    assert found.fix is not None and "fs.inotify.max_user_watches" in found.fix
    limit.write_text("1000000\n")
    assert inotify_limit([_volume(tmp_path)], limit_file=limit).outcome is Outcome.OK
