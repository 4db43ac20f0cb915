"""SIGHUP reloads the configuration of the real daemon: volumes, channels and intervals change
without a restart; a configuration that cannot be used is refused, the old one kept, and the
reason logged and shown in `status` until a reload succeeds."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from rollkeeper.ledger.store import Ledger
from rollkeeper.transfer.keys import MANIFEST_SUFFIX

from tests.builders import clip
from tests.httpreceiver import HttpReceiver
from tests.integration.daemon_harness import (
    A001,
    S001,
    Daemon,
    log_lines,
    make_roll,
    roll_state_in_ledger,
    run_cli,
    sample_files,
    status,
    upload_state_in_ledger,
    wait_until,
    write_config,
)


@pytest.fixture
def cart(tmp_path: Path) -> Path:
    for drive in ("RAID_A", "SHUTTLE_01"):
        (tmp_path / drive).mkdir()
    return tmp_path


def configure(cart: Path, *drives: str, extra: str = "", state: str = "state") -> Path:
    return write_config(
        cart / "rollkeeper.toml",
        cart / state,
        [
            (str(cart / drive), "raid" if drive.startswith("RAID") else "rotation")
            for drive in drives
        ],
        extra=extra,
    )


def up(cart: Path) -> Callable[[], bool]:
    """Whether the daemon has started (its presence file written: its signals are handled)."""
    return (cart / "state" / "daemon.json").exists


def reload(daemon: Daemon) -> None:
    assert daemon.process is not None
    daemon.process.send_signal(signal.SIGHUP)


def reloads_logged(cart: Path) -> int:
    return sum(1 for line in log_lines(cart) if line.get("event") == "config.reloaded")


def verified(cart: Path, roll: str) -> bool:
    return roll_state_in_ledger(cart / "state", roll) == "verified"


def test_a_volume_added_on_reload_is_watched_and_its_rolls_verified(cart: Path) -> None:
    config = configure(cart, "RAID_A")
    make_roll(cart / "SHUTTLE_01", S001, sample_files(2))
    daemon = Daemon(config).start()
    try:
        wait_until(up(cart), what="the daemon up")
        configure(cart, "RAID_A", "SHUTTLE_01")
        reload(daemon)
        wait_until(lambda: verified(cart, S001), what="the new volume's roll verified")
    finally:
        daemon.stop()
    assert {v["label"] for v in status(config)["volumes"]} == {"RAID_A", "SHUTTLE_01"}


def test_a_volume_removed_on_reload_is_no_longer_watched(cart: Path) -> None:
    config = configure(cart, "RAID_A", "SHUTTLE_01")
    daemon = Daemon(config).start()
    try:
        wait_until(
            lambda: reloads_logged(cart) == 0 and _mounted(config) == {"RAID_A", "SHUTTLE_01"}
        )
        configure(cart, "RAID_A")
        reload(daemon)
        wait_until(lambda: _mounted(config) == {"RAID_A"}, what="SHUTTLE_01 no longer watched")
        make_roll(cart / "SHUTTLE_01", S001, sample_files(2))
        make_roll(cart / "RAID_A", A001, sample_files(1))
        wait_until(lambda: verified(cart, A001), what="RAID_A's roll verified")
    finally:
        daemon.stop()
    assert roll_state_in_ledger(cart / "state", S001) is None


def _mounted(config: Path) -> set[str]:
    done = run_cli("status", "--config", str(config), "--json")
    if done.returncode != 0:
        return set()
    return {v["label"] for v in json.loads(done.stdout)["volumes"] if v["mounted"]}


def test_a_broken_configuration_is_refused_the_old_one_kept_and_status_says_why(
    cart: Path,
) -> None:
    config = configure(cart, "RAID_A")
    daemon = Daemon(config).start()
    try:
        wait_until(up(cart), what="the daemon up")
        good = config.read_text(encoding="utf-8")
        config.write_text(good + '[verify]\njobs = "two"\n', encoding="utf-8")
        reload(daemon)
        wait_until(lambda: bool(status(config)["daemon"]["config_rejected"]), what="refusal")
        refused = status(config)["daemon"]["config_rejected"]
        text = run_cli("status", "--config", str(config)).stdout
        make_roll(cart / "RAID_A", A001, sample_files(1))  # the old configuration still runs
        wait_until(lambda: verified(cart, A001), what="a roll verified after the refusal")
        config.write_text(good, encoding="utf-8")
        reload(daemon)
        wait_until(lambda: status(config)["daemon"]["config_rejected"] is None, what="cleared")
    finally:
        daemon.stop()
    assert refused.startswith(f"{config} was not reloaded (the previous configuration still runs)")
    assert "verify.jobs" in refused
    assert "was not reloaded (the previous configuration still runs)" in " ".join(text.split())
    (line,) = [x for x in log_lines(cart) if x.get("event") == "config.reload_refused"]
    assert line["level"] == "error" and "verify.jobs" in line["error"]


def test_a_channel_whose_secret_is_missing_is_refused(
    cart: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RK_TEST_RELOAD_SLACK", raising=False)
    config = configure(cart, "RAID_A")
    daemon = Daemon(config).start()
    try:
        wait_until(up(cart), what="the daemon up")
        configure(
            cart, "RAID_A", extra='[[notify.slack]]\nwebhook_url_env = "RK_TEST_RELOAD_SLACK"\n'
        )
        reload(daemon)
        wait_until(lambda: bool(status(config)["daemon"]["config_rejected"]), what="refusal")
        refused = status(config)["daemon"]["config_rejected"]
    finally:
        daemon.stop()
    assert "RK_TEST_RELOAD_SLACK, which is not set" in refused


def flip_a_byte(roll: Path) -> None:
    clip = next((roll / "Clips").iterdir())
    data = bytearray(clip.read_bytes())
    data[100] ^= 0xFF
    clip.write_bytes(bytes(data))


def test_a_channel_added_on_reload_hears_what_happens_next(cart: Path) -> None:
    config = configure(cart, "RAID_A")
    with HttpReceiver() as hook:
        daemon = Daemon(config).start()
        try:
            wait_until(up(cart), what="the daemon up")
            configure(
                cart, "RAID_A",
                extra=f'[[notify.webhook]]\nname = "crew"\nurl = "{hook.url("/hook")}"\n',
            )  # fmt: skip
            reload(daemon)
            wait_until(lambda: reloads_logged(cart) == 1, what="the reload")
            flip_a_byte(make_roll(cart / "RAID_A", A001, sample_files(1)))  # an alarm
            wait_until(lambda: bool(hook.requests), what="a notification on the new channel")
        finally:
            daemon.stop()
    ledger = Ledger.in_state_dir(cart / "state", readonly=True)
    try:
        channels = {d.channel for d in ledger.deliveries(("pending", "sent", "failed"))}
    finally:
        ledger.close()
    assert channels == {"crew"}


def test_the_state_folder_cannot_change_without_a_restart_and_the_log_says_so(
    cart: Path,
) -> None:
    config = configure(cart, "RAID_A")
    daemon = Daemon(config).start()
    try:
        wait_until(up(cart), what="the daemon up")
        configure(cart, "RAID_A", state="elsewhere")
        reload(daemon)
        wait_until(lambda: reloads_logged(cart) == 1, what="the reload")
        make_roll(cart / "RAID_A", A001, sample_files(1))
        wait_until(lambda: verified(cart, A001), what="the roll recorded in the old state folder")
    finally:
        daemon.stop()
    (line,) = [x for x in log_lines(cart) if x.get("event") == "config.restart_needed"]
    assert line["message"].startswith("[state] changed: kept as before until the daemon restarts")
    assert not (cart / "elsewhere").exists()


#: A roll's states once its copy is verified.
PROVEN = ("verified", "uploading", "uploaded")


def test_a_reload_mid_upload_leaves_the_upload_going_and_applies_what_it_may(cart: Path) -> None:
    """A new drive is watched at once; the target's new bandwidth waits for a restart (said);
    the upload in flight goes on and finishes once, byte for byte, with one manifest."""
    nas = cart / "NAS"
    nas.mkdir()
    target = f'[target]\nkind = "fs"\npath = "{nas}"\nbandwidth_limit = "8MB/s"\n'
    content = clip(5, 24 * 1024 * 1024)
    make_roll(cart / "RAID_A", A001, {"Clips/BIG.mov": content})
    daemon = Daemon(configure(cart, "RAID_A", extra=target)).start()
    try:
        wait_until(lambda: upload_state_in_ledger(cart / "state", A001) == "uploading",
                   what="A001 uploading")  # fmt: skip
        make_roll(cart / "SHUTTLE_01", S001, sample_files(3))
        configure(cart, "RAID_A", "SHUTTLE_01", extra=target.replace("8MB/s", "1MB/s"))
        reload(daemon)
        wait_until(lambda: reloads_logged(cart) == 1, what="the reload")
        wait_until(lambda: upload_state_in_ledger(cart / "state", A001) == "uploaded",
                   what="A001 uploaded after the reload")  # fmt: skip
        wait_until(lambda: roll_state_in_ledger(cart / "state", S001) in PROVEN,
                   what="S001, on the drive the reload added, verified")  # fmt: skip
    finally:
        output = daemon.stop()
    assert "Traceback" not in output
    restart = [line for line in log_lines(cart) if line.get("event") == "config.restart_needed"]
    assert restart and restart[0]["message"].startswith("[target] changed: kept as before")
    (stored,) = nas.rglob(f"{A001}/Clips/BIG.mov")
    assert stored.read_bytes() == content
    assert len(list(nas.rglob(f"*{A001.split('/')[-1]}*{MANIFEST_SUFFIX}"))) == 1
