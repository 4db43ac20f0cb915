"""`[target] bandwidth_windows` with the real daemon: the window in force now is what the
uploads follow, and `status` shows it with when it changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_states,
    run_cli,
    status,
    wait_until,
    write_config,
)

MiB = 1024 * 1024


def test_the_window_in_force_now_is_followed_and_shown_in_status(tmp_path: Path) -> None:
    now = datetime.now().astimezone()
    start, end = (
        (now - timedelta(hours=1)).strftime("%H:%M"),
        (now + timedelta(hours=1)).strftime("%H:%M"),
    )
    volume, nas = tmp_path / "RAID_A", tmp_path / "NAS"
    volume.mkdir()
    nas.mkdir()
    target = (
        f'[target]\nkind = "fs"\npath = "{nas}"\nretry_after = "1h"\n'
        'bandwidth_limit = "1kB/s"\n'  # outside the window: far too slow to finish in a test
        f'[[target.bandwidth_windows]]\nstart = "{start}"\nend = "{end}"\nlimit = "none"\n'
    )
    config = write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(volume), "raid")], settle=0,
        extra=target,
    )  # fmt: skip
    make_roll(volume, A001, {"Clips/A.mov": clip(21, 20 * MiB)})
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: roll_states(config) == {A001: "uploaded"}, what="uploaded", timeout=60)
        control = status(config)["upload_control"]
        text = run_cli("status", "--config", str(config)).stdout
    finally:
        daemon.stop()

    assert control["bandwidth"] is None
    assert control["bandwidth_window"] == f"{start}-{end}"
    assert control["bandwidth_until"] == end
    assert f"Uploads: bandwidth unlimited (window {start}-{end}) until {end}" in text
