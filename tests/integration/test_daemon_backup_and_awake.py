"""The real daemon backs its ledger up daily and keeps the cart awake while rolls are read."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_state_in_ledger,
    run_cli,
    sample_files,
    wait_until,
    write_config,
)

STAND_IN = """#!/bin/sh
while [ "${1#--}" != "$1" ]; do shift; done
exec "$@"
"""


def configure(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "raid").mkdir(exist_ok=True)
    return write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(tmp_path / "raid"), "raid")],
        extra=extra,
    )


def backups(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "state" / "backups"
    return sorted(folder.glob("ledger-*.sqlite3")) if folder.is_dir() else []


def integrity(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def test_the_daemon_backs_the_ledger_up_when_it_has_no_backup_of_today(tmp_path: Path) -> None:
    daemon = Daemon(configure(tmp_path)).start()
    try:
        wait_until(lambda: bool(backups(tmp_path)), what="a daily backup")
    finally:
        daemon.stop()
    (backup,) = backups(tmp_path)
    assert integrity(backup) == "ok"
    assert [p.name for p in backup.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_keep_backups_zero_makes_no_backup(tmp_path: Path) -> None:
    config = configure(tmp_path)
    text = config.read_text(encoding="utf-8").replace("[layout]", "keep_backups = 0\n[layout]")
    config.write_text(text, encoding="utf-8")  # in the [state] table the harness writes
    daemon = Daemon(config).start()
    try:
        wait_until((tmp_path / "state" / "daemon.json").exists, what="the daemon up")
        make_roll(tmp_path / "raid", A001, sample_files(1))
        wait_until(lambda: roll_state_in_ledger(tmp_path / "state", A001) == "verified")
    finally:
        daemon.stop()
    assert backups(tmp_path) == []


def test_a_backup_on_demand_while_the_daemon_runs(tmp_path: Path) -> None:
    config = configure(tmp_path)
    make_roll(tmp_path / "raid", A001, sample_files(1))
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: roll_state_in_ledger(tmp_path / "state", A001) == "verified")
        done = run_cli("ledger", "backup", str(tmp_path / "now.sqlite3"), "--config", str(config))
    finally:
        daemon.stop()
    assert done.returncode == 0, done.stderr
    assert integrity(tmp_path / "now.sqlite3") == "ok"
    with sqlite3.connect(f"file:{tmp_path / 'now.sqlite3'}?mode=ro", uri=True) as db:
        assert db.execute("SELECT state FROM rolls").fetchall() == [("verified",)]


def inhibitors(daemon_pid: int) -> list[int]:
    """The processes holding the cart awake for `daemon_pid` (the held `tail --pid=…`)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmdline[0] == b"tail" and f"--pid={daemon_pid}".encode() in cmdline:
            found.append(int(entry.name))
    return found


def test_the_cart_is_kept_awake_while_a_roll_verifies_and_released_after(tmp_path: Path) -> None:
    """With a stand-in `systemd-inhibit` first on PATH (logind is not there in a container):
    it drops the options and runs the held command, whose process the test looks for."""
    tool = tmp_path / "bin" / "systemd-inhibit"
    tool.parent.mkdir()
    tool.write_text(STAND_IN, encoding="utf-8")
    tool.chmod(0o755)
    config = configure(tmp_path, '[verify]\nread_rate = "200kB/s"\n')
    make_roll(tmp_path / "raid", A001, sample_files(1, count=2, size=400_000))
    path = f"{tool.parent}{os.pathsep}{os.environ['PATH']}"
    daemon = Daemon(config, env={"PATH": path}).start()
    assert daemon.process is not None
    pid = daemon.process.pid
    try:
        wait_until(lambda: bool(inhibitors(pid)), what="the inhibitor while verifying")
        held_while = roll_state_in_ledger(tmp_path / "state", A001)
        wait_until(lambda: roll_state_in_ledger(tmp_path / "state", A001) == "verified")
        wait_until(lambda: not inhibitors(pid), what="the inhibitor released when idle")
    finally:
        daemon.stop()
    assert held_while in ("ready", "verifying")
