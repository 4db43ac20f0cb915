"""Specification: `make run`'s demo cart shows the whole job — detected, verified, uploaded,
archived, the shuttle and then the RAID cleared — on the console, by itself.

The demo runs headless as `make run` runs it (`python -m rollkeeper.cli.demo` in a folder of its
own, the daemon in the foreground), its standard output read until the RAID is cleared; the
deadline only stops a broken demo from hanging the suite.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rollkeeper.cli.demo import MARKER, introduction, prepare
from rollkeeper.config.schema import load_config

#: How long the headless demo may take before the test gives up on it (it takes seconds).
DEADLINE = 120.0
DAEMON_SOURCE = str(Path(__file__).resolve().parents[3] / "daemon")


def _read_until(process: subprocess.Popen[bytes], wanted: str) -> str:
    """Everything the demo printed until `wanted` appeared (or the deadline passed)."""
    assert process.stdout is not None
    seen = b""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    give_up = time.monotonic() + DEADLINE
    while wanted.encode() not in seen and time.monotonic() < give_up:
        if selector.select(timeout=1.0):
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
    return seen.decode("utf-8", "replace")


def test_the_demo_tells_the_shuttle_then_the_raid_may_be_erased(tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": DAEMON_SOURCE}
    process = subprocess.Popen(
        [sys.executable, "-m", "rollkeeper.cli.demo"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        printed = _read_until(process, "RAID_A may be erased")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert f"rollkeeper demo cart in {tmp_path / 'demo'}" in printed
    assert "1 roll uploaded and verified" in printed
    assert "3 rolls archived" in printed
    shuttle = printed.find("[DEMO-CART] SHUTTLE_01 may be erased — 3 rolls")
    raid = printed.find("[DEMO-CART] RAID_A may be erased — 3 rolls")
    assert 0 <= shuttle < raid, printed


def test_the_demo_cart_holds_three_sealed_rolls_on_the_raid_and_copies_on_the_shuttle(
    tmp_path: Path,
) -> None:
    cart = prepare(tmp_path / "demo")
    day = "20261121_Day01"
    rolls = ("Camera_Media/A001R1AB", "Camera_Media/B001R2CD", "Sound_Media/S001")
    for volume in (cart.raid, cart.shuttle):
        for roll in rolls:
            assert (volume / day / roll).is_dir()
    assert list((cart.raid / day / rolls[0]).glob("A001R1AB_*.mhl"))  # legacy MHL
    assert (cart.raid / day / rolls[1] / "ascmhl").is_dir()  # ASC MHL history
    assert (cart.shuttle / day / rolls[0] / "CLIPS" / "A001C001_261121_R1AB.mxf").is_file()
    config, _file = load_config(cart.config)
    assert config.archive.provider == "fs-copy" and config.archive.make_copy
    assert [name for name, _channel in config.notify.channels()] == ["console"]


def test_a_second_run_replaces_the_previous_demo(tmp_path: Path) -> None:
    cart = prepare(tmp_path / "demo")
    (cart.state / "left-over").parent.mkdir(parents=True)
    (cart.state / "left-over").write_text("from the last run", encoding="utf-8")
    prepare(tmp_path / "demo")
    assert not (cart.state / "left-over").exists()
    assert (cart.root / MARKER).is_file()


def test_a_folder_named_demo_that_is_not_the_demo_is_never_touched(tmp_path: Path) -> None:
    mine = tmp_path / "demo"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        prepare(mine)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_make_run_refuses_a_foreign_demo_folder_with_a_sentence_and_exit_3(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "notes.txt").write_text("mine", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "rollkeeper.cli.demo"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": DAEMON_SOURCE},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3
    assert done.stderr == (
        f"rollkeeper demo: {tmp_path / 'demo'} exists and is not a demo folder; move it away or "
        "run `make run` from another folder\n"
    )
    assert (tmp_path / "demo" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_make_run_prints_the_dashboards_address(tmp_path: Path) -> None:
    cart = prepare(tmp_path / "demo")
    said = introduction(cart, Path("/usr/bin/rollkeeper"))
    assert (
        "  dashboard: http://127.0.0.1:8642/ (the drives board in a browser; JSON under /api/)\n"
        in said
    )
    assert load_config(cart.config)[0].dashboard.listen == "127.0.0.1:8642"
