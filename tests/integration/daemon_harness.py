"""Driving the real `rollkeeper` daemon as a subprocess on real folders, for integration tests."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.seal import seal_legacy

from tests.builders import clip, write_files

ROLLKEEPER = str(Path(sys.executable).parent / "rollkeeper")
#: The shoot day and the two rolls the daemon specifications offload.
DAY = "20261121_Day01"
A001 = f"{DAY}/Camera_Media/A001R1AB"
S001 = f"{DAY}/Sound_Media/S001"


def make_roll(volume: Path, folder: str, files: dict[str, bytes]) -> Path:
    """A sealed roll (legacy xxhash64be MHL written by rollkeeper) at `volume/folder`."""
    root = write_files(volume / folder, files)
    seal_legacy(root, HashKind.XXH64)
    return root


def sample_files(seed: int, count: int = 2, size: int = 4096) -> dict[str, bytes]:
    return {f"Clips/C{seed:03d}_{i:02d}.mov": clip(seed * 100 + i, size) for i in range(count)}


def write_config(
    path: Path,
    state: Path,
    volumes: list[tuple[str, str]],
    *,
    settle: float = 0.5,
    stall_after: float = 5.0,
    extra: str = "",
    rescan_interval: str | None = None,
    restat_interval: str | None = None,
    dashboard: str = "",
) -> Path:
    """A configuration with `volumes` as (path or glob, role) pairs, a copy still short of
    files after `stall_after` seconds being INCOMPLETE (and, with
    `rescan_interval`, that many seconds between safety-net full rescans, e.g. "1h"; with
    `restat_interval`, the longest time before such a rescan stats a verified roll's files; with
    `dashboard`, the `[dashboard] listen` address, else no dashboard)."""
    lines = [
        "[cart]",
        'name = "TEST-CART"',
        "[state]",
        f'dir = "{state}"',
        "[layout]",
        f"settle_seconds = {settle}",
        f"stall_after = {max(stall_after, settle)}",  # never below settle (refused)
        "[watch]",
        'mount_check_interval = "0.2s"',
        'poll_interval = "0.2s"',
    ]
    if rescan_interval is not None:
        lines.append(f'rescan_interval = "{rescan_interval}"')
    if restat_interval is not None:
        lines.append(f'restat_interval = "{restat_interval}"')
    lines += ["[dashboard]", f'listen = "{dashboard}"']  # none by default: many daemons at once
    for volume, role in volumes:
        lines += ["[[volumes]]", f'path = "{volume}"', f'role = "{role}"']
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ROLLKEEPER, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def status(config: Path) -> dict[str, Any]:
    done = run_cli("status", "--config", str(config), "--json")
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


#: What `status` says while the starting daemon has not yet created, or not yet migrated, its
#: ledger: nothing to read yet, not a failure.
LEDGER_NOT_READY = (
    "no ledger yet",
    "start `rollkeeper run` once to upgrade it",
    "does not exist: start `rollkeeper run` to create it",
)


def roll_states(config: Path) -> dict[str, str]:
    """Each roll's state; empty while the daemon has not created (or migrated) its ledger."""
    done = run_cli("status", "--config", str(config), "--json")
    if done.returncode != 0 and any(text in done.stderr for text in LEDGER_NOT_READY):
        return {}
    assert done.returncode == 0, done.stderr
    return {r["id"]: r["state"] for r in json.loads(done.stdout)["rolls"]}


def _state_in_ledger(state_dir: Path, table: str, roll_id: str) -> str | None:
    """The `state` of a roll's row in `table`, read straight from the ledger: faster than
    `status`, for tight races. None until there is one (or while the starting daemon has
    created but not yet migrated its ledger)."""
    path = state_dir / "ledger.sqlite3"
    if not path.exists():
        return None
    column = "id" if table == "rolls" else "roll_id"
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
            row = db.execute(
                f"SELECT state FROM {table} WHERE {column} = ?",  # noqa: S608 - our own names
                (roll_id,),
            ).fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row else None


def roll_state_in_ledger(state_dir: Path, roll_id: str) -> str | None:
    """A roll's state read straight from the ledger."""
    return _state_in_ledger(state_dir, "rolls", roll_id)


def upload_state_in_ledger(state_dir: Path, roll_id: str) -> str | None:
    """A roll's upload state (`roll_uploads`) read straight from the ledger."""
    return _state_in_ledger(state_dir, "roll_uploads", roll_id)


def parts_in_ledger(state_dir: Path, roll_id: str) -> int:
    """How many multipart parts of a roll's uploads the ledger holds as done (0: none yet)."""
    path = state_dir / "ledger.sqlite3"
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
            row = db.execute("SELECT COUNT(*) FROM upload_parts WHERE roll_id = ?", (roll_id,))
            return int(row.fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def wait_until(
    condition: Callable[[], bool], *, timeout: float = 30.0, what: str = "condition"
) -> None:
    """Poll `condition` until it holds; fails the test with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Daemon:
    """`rollkeeper run` (with `options`, e.g. "--once") in the background; stopped (or killed)
    by the test."""

    def __init__(
        self,
        config: Path,
        *options: str,
        env: dict[str, str] | None = None,
        output: Path | None = None,
    ) -> None:
        self.config = config
        self.options = options  # e.g. "--once"
        self.env = env or {}  # added to the environment (e.g. NOTIFY_SOCKET)
        # where its output goes: a pipe read at the end holds 64 KiB, then blocks the daemon's
        # logging, so a long run (the soak) writes it to a file
        self.output = output
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> Daemon:
        if self.output is None:
            self.process = self._spawn(subprocess.PIPE)
        else:
            with self.output.open("w", encoding="utf-8") as sink:  # the child keeps its own
                self.process = self._spawn(sink)
        return self

    def _spawn(self, sink: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [ROLLKEEPER, "run", *self.options, "--config", str(self.config)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
        )

    def stop(self) -> str:
        """SIGTERM and wait; returns everything the daemon printed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=30)
        return output if self.output is None else self.output.read_text(encoding="utf-8")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.communicate(timeout=30)


def log_lines(tmp_path: Path, kind: str | None = None) -> list[dict[str, Any]]:
    """The JSON lines of the daemon's log in `tmp_path/state` (of one event `kind`, if given)."""
    path = tmp_path / "state" / "rollkeeper.log"
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [line for line in lines if kind is None or line.get("kind") == kind]
