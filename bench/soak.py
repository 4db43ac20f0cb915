"""The soak: the real daemon through a scripted stretch of a shoot, faults and all, then counted.

For `--minutes` (an hour by default; `make test` runs two), against its own SeaweedFS, a webhook
receiver and an archive portal on loopback: rolls arrive on the RAID and on whichever shuttle is
mounted; the shuttles are unplugged and plugged back (`SHUTTLE_*` watched by glob); the S3 server
is restarted twice; the webhook channel answers 500 for a fifth of the time; the archive portal
says "pending" until two thirds in, then "archived" (the archive tier catching up). Then the
daemon is given time to catch up and stopped, and the run is counted: rolls, bytes, faults
injected, **bytes lost** (any stored object that is missing or differs from its source),
**false clearances** (a drive cleared while a roll on it was not yet uploaded, or for a RAID not
yet archived, by the event log's order), **notifications lost** (deliveries failed or still
pending at the end), and the daemon's RSS and open files once the first roll went through and at
the end.

Run: `.venv/bin/python bench/soak.py [--minutes M]`; it prints the counts, and exits 1 if any
must-be-zero count is not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository

from rollkeeper.ledger.store import Ledger

from bench.harness import process_memory
from tests.builders import clip
from tests.httpreceiver import Answer, HttpReceiver
from tests.integration.daemon_harness import DAY, Daemon, make_roll, run_cli, write_config
from tests.integration.notify_cart import http_channel
from tests.integration.test_upload_s3 import target_table
from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server

BUCKET = "soak-footage"
KiB = 1024


@dataclass
class Soak:
    """The run's world: its folders, servers, the daemon, and what happened to them."""

    root: Path
    seconds: float
    clip_bytes: int
    s3: S3Server
    webhook: HttpReceiver
    portal: HttpReceiver
    rolls: dict[str, dict[str, bytes]] = field(default_factory=dict)  # roll id -> files
    faults: list[str] = field(default_factory=list)
    daemon: Daemon | None = None

    @property
    def raid(self) -> Path:
        return self.root / "drives" / "RAID_A"

    def shuttle(self, number: int) -> Path:
        return self.root / "drives" / f"SHUTTLE_{number:02d}"

    def config(self) -> Path:
        archive = (
            '[archive]\nprovider = "http"\n'
            f'url = "{self.portal.url("/rolls/{roll}")}"\n'
            'status_pointer = "/archive/state"\npoll_interval = "2s"\n'
        )
        channel = http_channel("webhook", f'url = "{self.webhook.url("/hook")}"', name="hook")
        return write_config(
            self.root / "rollkeeper.toml", self.root / "state",
            [(str(self.raid), "raid"), (str(self.root / "drives" / "SHUTTLE_*"), "rotation")],
            settle=0.5,
            extra=target_table(self.s3.endpoint, BUCKET) + archive + channel,
        )  # fmt: skip

    def new_roll(self) -> None:
        """A roll written to the RAID, and copied to every shuttle plugged in."""
        number = len(self.rolls) + 1
        roll_id = f"{DAY}/Camera_Media/A{number:03d}R1AB"
        files = {f"Clips/A{number:03d}C{c:03d}.mov": clip(number * 10 + c, self.clip_bytes)
                 for c in range(3)}  # fmt: skip
        source = make_roll(self.raid, roll_id, files)
        for shuttle in sorted((self.root / "drives").glob("SHUTTLE_*")):
            shutil.copytree(source, shuttle / roll_id)
        self.rolls[roll_id] = files

    def unplug(self, number: int) -> None:
        self.shuttle(number).rename(self.root / f"unplugged_{number:02d}")
        self.faults.append(f"SHUTTLE_{number:02d} unplugged")

    def plug(self, number: int) -> None:
        unplugged = self.root / f"unplugged_{number:02d}"
        if unplugged.exists():
            unplugged.rename(self.shuttle(number))
        else:
            self.shuttle(number).mkdir(parents=True)
        self.faults.append(f"SHUTTLE_{number:02d} plugged in")

    def restart_s3(self) -> None:
        self.s3.restart()
        self.faults.append("S3 server restarted")

    def channel_down(self, down: bool) -> None:
        self.webhook.answers = [Answer(500 if down else 200)]
        if down:
            self.faults.append("webhook answering 500")

    def archive_catches_up(self) -> None:
        self.portal.answers = [Answer(body=_portal("archived"))]


def _portal(state: str) -> bytes:
    return json.dumps({"archive": {"state": state}}).encode()


def _process(pid: int) -> tuple[int, int]:
    """The daemon's resident memory (kB) and open files now."""
    rss, _, files = process_memory(pid)
    return rss, files


def _timeline(soak: Soak) -> list[tuple[float, Callable[[], None]]]:
    """What happens when, as fractions of the run."""
    arrivals = [(i / 16, soak.new_roll) for i in range(15)]
    return sorted(
        [
            *arrivals,
            (0.15, lambda: soak.unplug(1)),
            (0.25, lambda: soak.channel_down(True)),
            (0.30, soak.restart_s3),
            (0.35, lambda: soak.plug(2)),
            (0.45, lambda: soak.channel_down(False)),
            (0.50, lambda: soak.plug(1)),
            (0.60, soak.restart_s3),
            (0.65, lambda: soak.unplug(2)),
            (0.67, soak.archive_catches_up),
        ],
        key=lambda step: step[0],
    )


@dataclass
class SoakReport:
    """What the run counted."""

    seconds: float
    rolls: int
    bytes: int
    faults: list[str]
    uploaded: int
    archived: int
    bytes_lost: int
    false_clearances: list[str]
    notifications: dict[str, int]  # sent, pending, failed (over every channel)
    memory_kb: tuple[int, int]  # the daemon's RSS at the start and the end
    open_files: tuple[int, int]
    tracebacks: int

    @property
    def notifications_lost(self) -> int:
        return self.notifications["pending"] + self.notifications["failed"]

    def lines(self) -> list[str]:
        return [
            f"soak of {self.seconds / 60:.1f} min: {self.rolls} rolls, {self.bytes / 1e6:.1f} MB",
            f"faults injected: {len(self.faults)} ({'; '.join(self.faults)})",
            f"uploaded {self.uploaded}/{self.rolls}, archived {self.archived}/{self.rolls}",
            f"bytes lost: {self.bytes_lost}",
            f"false clearances: {len(self.false_clearances)} {self.false_clearances or ''}",
            f"notifications: {self.notifications} — lost: {self.notifications_lost}",
            f"daemon RSS {self.memory_kb[0] / 1024:.0f} -> {self.memory_kb[1] / 1024:.0f} MB, "
            f"open files {self.open_files[0]} -> {self.open_files[1]}",
            f"tracebacks in the daemon's output: {self.tracebacks}",
        ]

    @property
    def clean(self) -> bool:
        everything = self.uploaded == self.archived == self.rolls
        return everything and not (
            self.bytes_lost or self.false_clearances or self.notifications_lost or self.tracebacks
        )


def _bytes_lost(soak: Soak) -> int:
    """Bytes of the rolls' files missing from the bucket or stored otherwise."""
    client, lost = soak.s3.client(), 0
    for roll_id, files in soak.rolls.items():
        for path, content in files.items():
            try:
                stored = client.get_object(Bucket=BUCKET, Key=f"show/{roll_id}/{path}")
                same = stored["Body"].read() == content
            except client.exceptions.NoSuchKey:
                same = False
            lost += 0 if same else len(content)
    return lost


def _false_clearances(state: Path) -> list[str]:
    """Drives cleared (by the event log's order) while a roll found on them before was not yet
    uploaded, or, for a RAID, not yet archived."""
    ledger = Ledger.in_state_dir(state, readonly=True)
    try:
        roles = {v.id: (v.label, v.role) for v in ledger.volumes()}
        done: dict[str, set[str]] = {"upload_done": set(), "archive_done": set()}
        on_drive: dict[int, set[str]] = {}
        false = []
        for event in ledger.events():
            if event.kind in done and event.roll_id:
                done[event.kind].add(event.roll_id)
            elif event.kind == "copy_discovered" and event.volume_id and event.roll_id:
                on_drive.setdefault(event.volume_id, set()).add(event.roll_id)
            elif event.kind == "clearance_granted" and event.volume_id:
                label, role = roles[event.volume_id]
                needed = done["archive_done" if role == "raid" else "upload_done"]
                early = sorted(on_drive.get(event.volume_id, set()) - needed)
                false += [f"{label} (event {event.id}): {roll}" for roll in early]
        return false
    finally:
        ledger.close()


def _status(config: Path) -> dict[str, Any]:
    done = run_cli("status", "--config", str(config), "--json")
    return json.loads(done.stdout) if done.returncode == 0 else {}


def _caught_up(soak: Soak, config: Path) -> bool:
    document = _status(config)
    rolls = document.get("rolls", [])
    channels = document.get("notify", [])
    archived = [r for r in rolls if r["state"] == "archived"]
    waiting = sum(c["pending"] for c in channels)
    return len(archived) == len(soak.rolls) and waiting == 0


def _count(soak: Soak, config: Path, output: str, memory: tuple[int, int],
           files: tuple[int, int]) -> SoakReport:  # fmt: skip
    document = _status(config)
    rolls = document.get("rolls", [])
    states = [r["state"] for r in rolls]
    channels = document.get("notify", [])
    notifications = {k: sum(c[k] for c in channels) for k in ("sent", "pending", "failed")}
    return SoakReport(
        seconds=soak.seconds, rolls=len(soak.rolls),
        bytes=sum(len(c) for files in soak.rolls.values() for c in files.values()),
        faults=soak.faults,
        uploaded=sum(1 for s in states if s in ("uploaded", "archived")),
        archived=states.count("archived"), bytes_lost=_bytes_lost(soak),
        false_clearances=_false_clearances(soak.root / "state"), notifications=notifications,
        memory_kb=memory, open_files=files, tracebacks=output.count("Traceback"),
    )  # fmt: skip


def run_soak(root: Path, seconds: float, clip_bytes: int = 256 * KiB) -> SoakReport:
    """The soak in `root` for `seconds` (then up to 3 min more to catch up); its counts."""
    os.environ.update(RK_TEST_KEY_ID=ACCESS_KEY, RK_TEST_SECRET=SECRET_KEY)
    s3 = S3Server(root / "seaweedfs").start()
    try:
        s3.client().create_bucket(Bucket=BUCKET)
        with HttpReceiver() as webhook, HttpReceiver([Answer(body=_portal("pending"))]) as portal:
            soak = Soak(root, seconds, clip_bytes, s3, webhook, portal)
            soak.raid.mkdir(parents=True)
            soak.shuttle(1).mkdir()
            return _soak_with_daemon(soak, soak.config())
    finally:
        s3.stop()


def _soak_with_daemon(soak: Soak, config: Path) -> SoakReport:
    """Run the daemon through the timeline, let it catch up, stop it and count."""
    daemon = Daemon(config, output=soak.root / "daemon-output.log").start()
    assert daemon.process is not None
    try:
        started, first = time.monotonic(), None
        for at, step in _timeline(soak):
            time.sleep(max(0.0, started + at * soak.seconds - time.monotonic()))
            if first is None and at > 0:  # the start: once the first roll went through (the
                first = _process(daemon.process.pid)  # watchers and pools it opens are open)
            step()
        assert first is not None
        time.sleep(max(0.0, started + soak.seconds - time.monotonic()))
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not _caught_up(soak, config):
            time.sleep(1)
        last = _process(daemon.process.pid)
    finally:
        output = daemon.stop()
    return _count(soak, config, output, (first[0], last[0]), (first[1], last[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--clip-kib", type=int, default=4096, help="KiB per clip (3 per roll)")
    parser.add_argument("--root", type=Path, default=Path("bench/data/soak"))
    args = parser.parse_args()
    shutil.rmtree(args.root, ignore_errors=True)
    args.root.mkdir(parents=True)
    report = run_soak(args.root.resolve(), args.minutes * 60, args.clip_kib * KiB)
    print("\n".join(report.lines()))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
