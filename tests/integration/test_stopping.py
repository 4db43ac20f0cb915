"""SIGTERM mid-upload: the real daemon exits within `[service] stop_grace`, whatever the file's
size or the bandwidth, and the next start finishes the roll with one manifest.

The uploads go through the bandwidth limit, so that the file in flight would take far longer
than the grace period to finish: a daemon that waited for it would miss the deadline.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_states,
    run_cli,
    upload_state_in_ledger,
    wait_until,
    write_config,
)
from tests.integration.test_upload_s3 import objects, open_uploads, target_table
from tests.s3server import S3Server

MiB = 1024 * 1024
#: The grace period the tests give the daemon (seconds), and the file it is stopped in: at the
#: bandwidth limit, many times longer to send than the grace period.
GRACE = 4.0
BANDWIDTH = "2MB/s"
BIG = 40 * MiB
#: Besides the grace period, the time a loaded test machine may take to deliver the signal and
#: let the process end (the interpreter's own exit).
SLACK = 3.0


pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


def service_table() -> str:
    return f'[service]\nstop_grace = "{GRACE}s"\n'


def s3_cart(tmp_path: Path, endpoint: str, bucket: str) -> tuple[Path, Path]:
    volume = tmp_path / "RAID_A"
    volume.mkdir()
    extra = target_table(endpoint, bucket, bandwidth_limit=BANDWIDTH, max_concurrency=1)
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(volume), "raid")],
        settle=0,
        extra=extra + service_table(),
    )
    return volume, config


def folder_cart(tmp_path: Path) -> tuple[Path, Path, Path]:
    volume, nas = tmp_path / "RAID_A", tmp_path / "NAS"
    volume.mkdir()
    nas.mkdir()
    target = (
        f'[target]\nkind = "fs"\npath = "{nas}"\nretry_after = "1h"\n'
        f'bandwidth_limit = "{BANDWIDTH}"\nmax_concurrency = 1\n'
    )
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(volume), "raid")],
        settle=0,
        extra=target + service_table(),
    )
    return volume, nas, config


def parts_checkpointed(state: Path) -> int:
    path = state / "ledger.sqlite3"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
            return int(db.execute("SELECT count(*) FROM upload_parts").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0


def terminate_within_grace(daemon: Daemon) -> int:
    """SIGTERM; the exit code, which must come before the grace period (and slack) is over."""
    assert daemon.process is not None
    daemon.process.send_signal(signal.SIGTERM)
    try:
        return daemon.process.wait(timeout=GRACE + SLACK)
    except subprocess.TimeoutExpired as err:
        daemon.kill()
        raise AssertionError(f"still running {GRACE + SLACK}s after SIGTERM") from err


def at_full_speed(config: Path) -> Path:
    """The same configuration without the bandwidth limit that made the file outlast the grace
    period: the restart only has to finish it."""
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(f'bandwidth_limit = "{BANDWIDTH}"\n', ""), encoding="utf-8")
    return config


def manifests(keys: list[str]) -> list[str]:
    return [key for key in keys if key.endswith(".rollkeeper.json")]


def test_sigterm_mid_file_to_s3_exits_within_grace_and_the_restart_resumes_with_one_manifest(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    volume, config = s3_cart(tmp_path, s3_server.endpoint, bucket)
    content = clip(7, BIG)
    make_roll(volume, A001, {"Clips/BIG.mov": content})
    daemon = Daemon(config).start()
    state = tmp_path / "state"
    wait_until(lambda: parts_checkpointed(state) >= 2, what="two parts sent", timeout=60)

    assert terminate_within_grace(daemon) == 0

    assert parts_checkpointed(state) >= 2  # the parts sent stay checkpointed for the restart
    assert len(open_uploads(s3_server, bucket)) == 1  # kept, not aborted: it is resumed
    assert upload_state_in_ledger(state, A001) == "uploading"
    assert run_cli("run", "--once", "--config", str(at_full_speed(config))).returncode == 0
    assert roll_states(config) == {A001: "uploaded"}
    stored = objects(s3_server, bucket)
    assert stored[f"show/{A001}/Clips/BIG.mov"] == content
    assert len(manifests(list(stored))) == 1


def test_sigterm_mid_file_to_a_folder_exits_within_grace_leaving_no_partial_file(
    tmp_path: Path,
) -> None:
    volume, nas, config = folder_cart(tmp_path)
    content = clip(8, BIG)
    make_roll(volume, A001, {"Clips/BIG.mov": content})
    daemon = Daemon(config).start()

    def writing() -> bool:
        return any(p.stat().st_size > 0 for p in nas.rglob("*rollkeeper-partial"))

    wait_until(writing, what="the file being written", timeout=60)

    assert terminate_within_grace(daemon) == 0

    assert not list(nas.rglob("*rollkeeper-partial"))  # a folder does not resume: removed
    assert run_cli("run", "--once", "--config", str(at_full_speed(config))).returncode == 0
    assert roll_states(config) == {A001: "uploaded"}
    assert (nas / A001 / "Clips/BIG.mov").read_bytes() == content
    assert len(manifests([str(p) for p in nas.rglob("*") if p.is_file()])) == 1


def test_sigint_stops_the_daemon_within_grace_too(tmp_path: Path) -> None:
    volume, nas, config = folder_cart(tmp_path)
    make_roll(volume, A001, {"Clips/BIG.mov": clip(9, BIG)})
    daemon = Daemon(config).start()
    wait_until(lambda: bool(list(nas.rglob("*rollkeeper-partial"))), what="writing", timeout=60)
    assert daemon.process is not None
    daemon.process.send_signal(signal.SIGINT)

    assert daemon.process.wait(timeout=GRACE + SLACK) == 0
