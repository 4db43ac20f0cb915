"""Specification, against the real daemon and real folders and mounts: the storage side.

The target proves it is the target (an unmounted NAS's empty mount point is never written to and
clears nothing), its failures are its own (a folder gone mid-upload leaves the copy verified and
nothing half-written, and the roll goes up once the folder is back, not after `retry_after`), and
verification never waits for storage (a flipped byte is the mismatch alarm at once).

Mounts are real tmpfs mounts (root only; the tests skip with the reason otherwise). A folder moved
away and back stands in for a NAS that vanished mid-upload.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rollkeeper.transfer.identity import MARKER_NAME

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    DAY,
    Daemon,
    make_roll,
    run_cli,
    status,
    upload_state_in_ledger,
    wait_until,
    write_config,
)

MiB = 1024 * 1024
A002 = f"{DAY}/Camera_Media/A002R1AB"
FILES = {"Clips/A001C001.mov": clip(1, 3 * MiB), "Clips/A001C002.mov": clip(2, 4000)}
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


def _cart(tmp_path: Path, nas: Path, extra: str = "") -> Path:
    """A RAID and a rotation drive (SHUTTLE_01), uploading to the folder `nas`."""
    for drive in ("RAID_A", "SHUTTLE_01"):
        (tmp_path / drive).mkdir(exist_ok=True)
    return write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(tmp_path / "RAID_A"), "raid"), (str(tmp_path / "SHUTTLE_01"), "rotation")],
        settle=0,
        extra=f'[target]\nkind = "fs"\npath = "{nas}"\nretry_after = "1h"\n{extra}',
    )


def _offload(tmp_path: Path, folder: str, files: dict[str, bytes]) -> None:
    """The same card on the RAID and the shuttle, with the very same MHL."""
    raid_roll = make_roll(tmp_path / "RAID_A", folder, files)
    for path in raid_roll.rglob("*"):
        if path.is_file():
            copy = tmp_path / "SHUTTLE_01" / folder / path.relative_to(raid_roll)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(path.read_bytes())


def _clearance(config: Path, drive: str) -> tuple[int, dict[str, Any]]:
    done = run_cli("clearance", drive, "--json", "--config", str(config))
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)["drives"][0]


def uploaded(state: Path) -> str | None:
    """A001's upload state in the ledger."""
    return upload_state_in_ledger(state, A001)


@pytest.fixture
def nas(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs mounted at `tmp/nas` (unmounted, if still mounted, at the end)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    point = tmp_path / "nas"
    point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(point)], check=True)
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False, capture_output=True)


@root_only
def test_an_unmounted_nas_is_never_written_to_and_clears_no_drive(
    tmp_path: Path, nas: Path
) -> None:
    config = _cart(tmp_path, nas)
    _offload(tmp_path, A001, FILES)
    assert run_cli("run", "--once", "--config", str(config)).returncode == 0
    assert _clearance(config, "SHUTTLE_01")[0] == 0
    subprocess.run(["umount", str(nas)], check=True)  # the empty mount point remains

    code, shuttle = _clearance(config, "SHUTTLE_01")
    _offload(tmp_path, A002, {"Clips/A002C001.mov": clip(3, 5000)})
    assert run_cli("run", "--once", "--config", str(config)).returncode == 1

    assert code == 1 and not shuttle["clear_to_erase"]
    assert list(nas.iterdir()) == []  # nothing uploaded, no marker written on the boot disk
    document = status(config)
    drives = {v["label"]: v["clearance"] for v in document["volumes"]}
    assert not drives["SHUTTLE_01"]["clear_to_erase"]  # the daemon's verdict is withdrawn too
    assert not document["target"]["usable"]
    assert document["target"]["problem"].startswith("TARGET is not mounted (or is another disk)")
    rolls = {r["id"]: r for r in document["rolls"]}
    assert rolls[A002]["state"] == "verified"
    assert rolls[A002]["upload"]["state"] == "waiting_for_storage"
    shown = run_cli("status", "--config", str(config)).stdout
    assert "NOT USABLE since" in shown
    assert "verified — waiting for storage (TARGET is not mounted" in shown


@root_only
def test_a_flipped_byte_is_the_mismatch_alarm_at_once_while_the_nas_is_unmounted(
    tmp_path: Path, nas: Path
) -> None:
    config = _cart(tmp_path, nas)
    _offload(tmp_path, A001, FILES)
    assert run_cli("run", "--once", "--config", str(config)).returncode == 0
    subprocess.run(["umount", str(nas)], check=True)
    _offload(tmp_path, A002, {"Clips/A002C001.mov": clip(3, 5000)})
    bad = make_roll(tmp_path / "RAID_A", f"{DAY}/Camera_Media/B001R1AB", {"B.mov": clip(4, 9000)})
    data = bytearray((bad / "B.mov").read_bytes())
    data[4000] ^= 1
    (bad / "B.mov").write_bytes(bytes(data))

    assert run_cli("run", "--once", "--config", str(config)).returncode == 1

    rolls = {r["id"]: r for r in status(config)["rolls"]}
    assert rolls[f"{DAY}/Camera_Media/B001R1AB"]["state"] == "mismatch"
    assert rolls[A002]["state"] == "verified"
    assert rolls[A002]["upload"]["state"] == "waiting_for_storage"
    assert list(nas.iterdir()) == []


def test_a_folder_gone_mid_upload_leaves_the_copy_verified_and_uploads_once_it_is_back(
    tmp_path: Path,
) -> None:
    nas = tmp_path / "NAS"
    nas.mkdir()
    config = _cart(tmp_path, nas, extra='bandwidth_limit = "10MB/s"\n')
    big = {"Clips/BIG.mov": clip(8, 48 * MiB)}  # above half the folder's part size: in parts
    make_roll(tmp_path / "RAID_A", A001, big)
    away = tmp_path / "NAS_away"
    state = tmp_path / "state"
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: any(nas.rglob("*rollkeeper-partial")), what="upload under way")
        nas.rename(away)  # the NAS vanishes mid-upload
        wait_until(lambda: uploaded(state) == "waiting_for_storage", what="waiting")
        assert status(config)["rolls"][0]["state"] == "verified"
        away.rename(nas)  # and is back: uploaded now, not after retry_after (1 h)
        wait_until(lambda: uploaded(state) == "uploaded", what="uploaded", timeout=60)
    finally:
        output = daemon.stop()
    assert "Traceback" not in output
    assert not list(nas.rglob("*rollkeeper-partial"))
    stored = nas / A001 / "Clips/BIG.mov"
    assert stored.read_bytes() == big["Clips/BIG.mov"]
    (copy,) = status(config)["rolls"][0]["copies"]
    assert copy["state"] == "verified"
    assert (nas / MARKER_NAME).exists()


def test_an_unreachable_s3_store_verifies_at_once_says_waiting_once_and_alarms_a_flipped_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A closed loopback port stands in for the S3 endpoint being unreachable."""
    monkeypatch.setenv("RK_TEST_KEY_ID", "key")
    monkeypatch.setenv("RK_TEST_SECRET", "secret")
    (tmp_path / "RAID_A").mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(tmp_path / "RAID_A"), "raid")],
        settle=0,
        extra="\n".join([
            "[target]", 'kind = "s3"', 'bucket = "footage"', 'prefix = "show"',
            'endpoint_url = "http://127.0.0.1:9"', 'region = "us-east-1"',
            'access_key_id_env = "RK_TEST_KEY_ID"', 'secret_access_key_env = "RK_TEST_SECRET"',
        ]) + "\n",
    )  # fmt: skip
    make_roll(tmp_path / "RAID_A", A001, FILES)
    bad = make_roll(tmp_path / "RAID_A", f"{DAY}/Camera_Media/B001R1AB", {"B.mov": clip(4, 9000)})
    data = bytearray((bad / "B.mov").read_bytes())
    data[4000] ^= 1
    (bad / "B.mov").write_bytes(bytes(data))

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 1 and "Traceback" not in done.stderr
    rolls = {r["id"]: r for r in status(config)["rolls"]}
    assert rolls[f"{DAY}/Camera_Media/B001R1AB"]["state"] == "mismatch"
    good = rolls[A001]
    assert good["state"] == "verified"
    assert good["upload"]["state"] == "waiting_for_storage"
    assert good["problems"] == []  # not one connection error per file
    shown = run_cli("status", "--config", str(config)).stdout
    assert shown.count("verified — waiting for storage") == 1


@root_only
def test_a_plain_folder_under_mnt_is_refused_by_default_and_nothing_lands_on_the_boot_disk(
    tmp_path: Path,
) -> None:
    """The real /mnt prefix and its real default (`must_be_mount` unset): a folder there that
    is no mount point is refused even at first use."""
    if not Path("/mnt").is_dir() or os.path.ismount("/mnt"):
        pytest.skip("needs a /mnt folder on the boot disk")
    plain = Path("/mnt") / f"rollkeeper-test-{tmp_path.name}"
    plain.mkdir()
    try:
        config = _cart(tmp_path, plain)
        make_roll(tmp_path / "RAID_A", A001, FILES)

        assert run_cli("run", "--once", "--config", str(config)).returncode == 1

        assert list(plain.iterdir()) == []
        document = status(config)
        assert "is not on a mounted volume (must_be_mount)" in document["target"]["problem"]
        (roll,) = document["rolls"]
        assert roll["state"] == "verified"
        assert roll["upload"]["state"] == "waiting_for_storage"
    finally:
        shutil.rmtree(plain)
