"""The daemon facing broken volumes: unreadable folders, symlink loops, huge volumes, polling."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from tests.builders import clip, without_root_privileges, xxh64_hex
from tests.integration.daemon_harness import (
    A001,
    DAY,
    ROLLKEEPER,
    Daemon,
    make_roll,
    roll_states,
    run_cli,
    sample_files,
    status,
    wait_until,
    write_config,
)


def cart_config(tmp_path: Path, volume: Path, *, settle: float = 0, extra: str = "") -> Path:
    return write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(volume), "raid")],
        settle=settle,
        extra=extra,
    )


def test_permission_denied_on_a_subfolder_is_a_volume_problem_not_a_crash(
    tmp_path: Path,
) -> None:
    volume = tmp_path / "RAID_A"
    make_roll(volume, A001, sample_files(1))
    locked = volume / "20261121_Day02" / "Camera_Media"
    make_roll(volume, "20261121_Day02/Camera_Media/B001R1AB", sample_files(2))
    locked.chmod(0)
    config = cart_config(tmp_path, volume)
    try:
        done = subprocess.run(
            without_root_privileges([ROLLKEEPER, "run", "--once", "--config", str(config)]),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        locked.chmod(0o755)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    document = status(config)
    assert {r["id"]: r["state"] for r in document["rolls"]} == {A001: "verified"}
    (raid,) = document["volumes"]
    assert any(
        "20261121_Day02/Camera_Media" in p and "Permission denied" in p for p in raid["problems"]
    )


def test_a_symlink_loop_in_a_volume_neither_hangs_nor_hides_the_rolls(tmp_path: Path) -> None:
    volume = tmp_path / "RAID_A"
    make_roll(volume, A001, sample_files(1))
    (volume / DAY / "loop").symlink_to(volume / DAY)
    (volume / "a").symlink_to(volume / "b")
    (volume / "b").symlink_to(volume / "a")
    config = cart_config(tmp_path, volume)

    done = run_cli("run", "--once", "--config", str(config), timeout=60)

    assert done.returncode == 0, done.stderr
    assert roll_states(config) == {A001: "verified"}


def test_ten_thousand_rolls_on_one_volume_are_all_discovered(tmp_path: Path) -> None:
    volume = tmp_path / "RAID_A"
    body = "<xxhash64be>{}</xxhash64be>"
    for number in range(10_000):
        roll = volume / f"202611{number // 1000 + 10:02d}_Day01" / "Camera_Media" / f"A{number:04d}"
        roll.mkdir(parents=True)
        content = f"clip {number}".encode()
        (roll / "C001.mov").write_bytes(content)
        (roll / f"A{number:04d}.mhl").write_text(
            '<hashlist version="1.1"><creatorinfo><username>u</username><hostname>h</hostname>'
            "<tool>t</tool><startdate>2026-11-21T10:00:00Z</startdate>"
            "<finishdate>2026-11-21T10:00:00Z</finishdate></creatorinfo><hash>"
            f"<file>C001.mov</file><size>{len(content)}</size>"
            "<lastmodificationdate>2026-11-21T10:00:00Z</lastmodificationdate>"
            + body.format(xxh64_hex(content))
            + "<hashdate>2026-11-21T10:00:00Z</hashdate></hash></hashlist>",
            encoding="utf-8",
        )
    # A long settle time and no wait for it: this measures discovery, not ten thousand
    # verifications.
    config = cart_config(tmp_path, volume, settle=3600)

    done = run_cli("run", "--once", "--wait", "0", "--config", str(config), timeout=300)

    assert done.returncode == 0, done.stderr
    document = status(config)
    assert len(document["rolls"]) == 10_000
    assert {r["state"] for r in document["rolls"]} == {"discovered"}


def test_a_volume_with_poll_true_is_watched_by_polling(tmp_path: Path) -> None:
    volume = tmp_path / "NAS_SHARE"
    volume.mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [],
        settle=0.3,
        extra=f'[[volumes]]\npath = "{volume}"\nrole = "raid"\npoll = true\n',
    )
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: bool(status_or_none(config)), what="daemon start")
        time.sleep(0.5)
        make_roll(volume, A001, {"Clips/C.mov": clip(3, 10_000)})
        wait_until(lambda: roll_states(config).get(A001) == "verified", what="verified")
    finally:
        output = daemon.stop()
    assert "polling" in output


def status_or_none(config: Path) -> dict[str, object] | None:
    done = run_cli("status", "--config", str(config), "--json")
    return json.loads(done.stdout) if done.returncode == 0 else None
