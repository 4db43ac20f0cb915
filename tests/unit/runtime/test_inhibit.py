"""Specification: the cart is kept awake while rolls are read (`runtime.inhibit`).

The lifecycle is shown with a stand-in `systemd-inhibit` on a private PATH (a script that
drops the options and runs the held command), since logind is rarely there in a test
environment; the real tool is tried where it is installed."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rollkeeper.runtime.inhibit import SleepInhibitor, inhibit_command

STAND_IN = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/calls"
while [ "${1#--}" != "$1" ]; do shift; done
exec "$@"
"""


@pytest.fixture
def stand_in(tmp_path: Path) -> Path:
    tool = tmp_path / "bin" / "systemd-inhibit"
    tool.parent.mkdir()
    tool.write_text(STAND_IN, encoding="utf-8")
    tool.chmod(0o755)
    return tool


def which_in(folder: Path) -> Callable[[str], str | None]:
    """`shutil.which` looking in `folder` only."""
    return lambda name: shutil.which(name, path=str(folder))


def holding(pid: int) -> bool:
    """Whether the stand-in has become the held command (`tail --pid=…`), waiting for it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if cmdline[0] == b"tail":
            return True
        time.sleep(0.01)
    return False


def test_linux_holds_idle_and_sleep_with_systemd_inhibit_until_this_process_ends() -> None:
    command = inhibit_command("linux", 4242)
    assert command is not None
    assert command[:2] == ["systemd-inhibit", "--what=idle:sleep"]
    assert "--mode=block" in command
    assert command[-4:] == ["tail", "--pid=4242", "-f", "/dev/null"]


def test_macos_holds_idle_sleep_with_caffeinate_watching_this_process() -> None:
    assert inhibit_command("darwin", 4242) == ["caffeinate", "-i", "-w", "4242"]


def test_the_inhibitor_runs_while_busy_and_is_gone_when_idle(stand_in: Path) -> None:
    inhibitor = SleepInhibitor(True, platform="linux", which=which_in(stand_in.parent))
    inhibitor.hold(True)
    child = inhibitor.child
    assert child is not None and holding(child.pid)
    assert f"--pid={os.getpid()}".encode() in Path(f"/proc/{child.pid}/cmdline").read_bytes()
    inhibitor.hold(True)
    assert inhibitor.child is child  # one for the whole busy spell
    inhibitor.hold(False)
    assert inhibitor.child is None and child.poll() is not None
    (call,) = (stand_in.parent / "calls").read_text(encoding="utf-8").splitlines()
    assert call.startswith("--what=idle:sleep --who=rollkeeper")


def test_a_missing_tool_is_said_once_and_never_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inhibitor = SleepInhibitor(True, platform="linux", which=which_in(tmp_path))
    for busy in (True, False, True):
        inhibitor.hold(busy)
    assert inhibitor.child is None
    said = capsys.readouterr().out + capsys.readouterr().err
    assert said.count("systemd-inhibit is not installed") == 1


def test_prevent_sleep_false_holds_nothing(stand_in: Path) -> None:
    inhibitor = SleepInhibitor(False, platform="linux", which=which_in(stand_in.parent))
    inhibitor.hold(True)
    assert inhibitor.child is None


@pytest.mark.skipif(shutil.which("systemd-inhibit") is None, reason="systemd-inhibit not installed")
def test_the_real_systemd_inhibit_held_or_failing_is_never_fatal() -> None:
    """Without logind (a container) the real tool exits at once: said once, not retried in
    the same busy spell."""
    inhibitor = SleepInhibitor(True, platform="linux")
    inhibitor.hold(True)
    child = inhibitor.child
    assert child is not None
    inhibitor.hold(True)
    inhibitor.hold(False)
    assert inhibitor.child is None
