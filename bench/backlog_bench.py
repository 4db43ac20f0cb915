"""Load with a backlog: the daemon uploading 1,000 rolls / 200,000 files while new rolls arrive.

The real daemon (`rollkeeper run`) watches one RAID holding --rolls rolls of --files-per-roll
small files plus --large-rolls rolls of one large file each, and uploads them all to a real
SeaweedFS on loopback (tests/s3server), its dashboard on. While that backlog uploads:

1. detection latency: rolls copied onto the RAID one by one, from the last write of a roll's
   last file (newest ctime) to `roll_copies.ready_at`; target: latency - settle <= 2 s for every
   roll, each measured while rolls were still waiting to upload;
2. `rollkeeper status --json` and the daemon's own `GET /api/status`, asked while it uploads
   and once all is uploaded; target: < 0.5 s (median); reference: `python -c pass`;
3. the daemon's memory: RSS sampled every second; peak RSS (VmHWM) reported, and RSS once all is
   uploaded against RSS when a quarter was; target: <= 1.25 x (memory does not grow with the
   rolls uploaded);
4. idle CPU once all is uploaded and every roll listed once since (the steady state of a drive
   kept fresh: the same objects listed again and again), over one `[clearance]
   recheck_interval` (set to --idle-seconds, 300 s: the window holds one listing of every
   stored object and one judgment of every drive), read in 5 s slices. What one such re-check
   costs (the window's CPU beyond its quiet rate) is then spread over the default interval (an
   hour) and over 300 s (how often the rolls under a drive's clearance are listed: half of
   `max_evidence_age`); target: < 1 %.

Run: `.venv/bin/python bench/backlog_bench.py` (the full load, ~1 h on 2 cores); small:
`--rolls 20 --files-per-roll 50 --large-rolls 1 --large-mib 32 --idle-seconds 30`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository

from bench.daemon_bench import (
    STATUS_SECONDS,
    Check,
    Daemon,
    LatencySample,
    Tools,
    build_volume,
    check_table,
    code_version,
    copy_roll,
    iso_seconds,
    latency_check,
    latency_table,
    ledger_query,
    machine,
    refuse_traceback,
    run_child,
    stage_latency_rolls,
    wait_until_quiet,
    write_roll,
)
from bench.harness import CLOCK_TICK, REPO, date_line, process_cpu_ticks, process_memory, run_main
from bench.harness import wait_for as wait_until
from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server

BUCKET = "backlog-footage"
MiB = 1024 * 1024
GROWTH_LIMIT = 1.25  # RSS when all is uploaded / RSS when a quarter was
IDLE_PERCENT = 1.0
DEFAULT_RECHECK = 3600.0  # `[clearance] recheck_interval`'s default
#: Shoot days of their own for the large rolls and for the rolls copied in during the backlog.
LARGE_DAY = "20261030_EP100_Day00"
ARRIVAL_DAY = "20261231_EP900_Day99_BENCH"
DONE = ("uploaded", "archived")


@dataclass(frozen=True, slots=True)
class Sample:
    """The daemon at one moment: seconds since start, RSS and peak RSS (kB), rolls uploaded."""

    at: float
    rss_kb: int
    peak_kb: int
    open_files: int
    uploaded: int


@dataclass
class Sampler:
    """Reads the daemon's memory and the ledger's upload count every second, on a thread."""

    pid: int
    state: Path
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Sampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(1.0):
            try:
                rss, peak, files = process_memory(self.pid)
            except OSError:
                return  # the daemon is gone
            self.samples.append(
                Sample(time.monotonic() - started, rss, peak, files, uploaded(self.state))
            )

    @property
    def latest(self) -> Sample | None:
        return self.samples[-1] if self.samples else None


def uploaded(state: Path, *, backlog_only: bool = False) -> int:
    """Rolls uploaded (and proven) so far; with `backlog_only`, not counting the arrivals."""
    query = "SELECT COUNT(*) FROM rolls WHERE state IN (?, ?)"
    params: tuple[str, ...] = DONE
    if backlog_only:
        query, params = query + " AND id NOT LIKE ?", (*DONE, f"{ARRIVAL_DAY}/%")
    rows = ledger_query(state, query, params)
    return int(rows[0][0]) if rows else 0  # the ledger not migrated yet: nothing uploaded


# --- the cart -------------------------------------------------------------------------------------


def build_raid(raid: Path, args: argparse.Namespace) -> int:
    """The backlog: the small rolls (reused when unchanged) and the large ones; the roll count."""
    build_volume(raid, args)
    large = raid / LARGE_DAY / "Camera_Media"
    shutil.rmtree(raid / LARGE_DAY, ignore_errors=True)
    for index in range(args.large_rolls):
        write_roll(large / f"L{index + 1:03d}R1AB", 1, 1, args.large_mib * MiB)
    shutil.rmtree(raid / ARRIVAL_DAY, ignore_errors=True)
    return int(args.rolls + args.large_rolls)


def write_config(cart: Path, raid: Path, s3: S3Server, args: argparse.Namespace) -> Path:
    path = cart / "rollkeeper.toml"
    path.write_text(
        "\n".join(
            [
                '[cart]\nname = "BACKLOG-CART"',
                f'[state]\ndir = "{cart / "state"}"',
                f"[layout]\nsettle_seconds = {args.settle}",
                f'[clearance]\nrecheck_interval = "{args.idle_seconds:g}s"',
                f'[dashboard]\nlisten = "127.0.0.1:{args.dashboard_port}"',
                f'[[volumes]]\npath = "{raid}"\nrole = "raid"',
                f'[target]\nkind = "s3"\nbucket = "{BUCKET}"\nendpoint_url = "{s3.endpoint}"',
                'region = "us-east-1"\nprefix = "show"',
                'access_key_id_env = "RK_BENCH_KEY_ID"',
                'secret_access_key_env = "RK_BENCH_SECRET"\n',
            ]
        ),
        encoding="utf-8",
    )
    return path


# --- 1. and 2.: while the backlog uploads ---------------------------------------------------------


def arrive(daemon: Daemon, state: Path, raid: Path, source: Path,
           args: argparse.Namespace, backlog: int) -> tuple[LatencySample, int]:  # fmt: skip
    """Copy one roll in; its latency, and how many backlog rolls were still waiting to upload."""
    roll_id = f"{ARRIVAL_DAY}/Camera_Media/{source.name}"
    started = time.time()
    last_write = copy_roll(source, raid / roll_id, mhl_last=True)
    copied = time.time() - started

    def ready() -> bool:
        daemon.alive()
        rows = ledger_query(state, "SELECT ready_at FROM roll_copies WHERE roll_id = ?", (roll_id,))
        return bool(rows and rows[0][0])

    wait_until(ready, args.latency_timeout, f"{roll_id} to become ready", poll=0.05)
    (ready_at,) = ledger_query(
        state, "SELECT ready_at FROM roll_copies WHERE roll_id = ?", (roll_id,)
    )[0]
    waiting = backlog - uploaded(state, backlog_only=True)
    sample = LatencySample("backlog", source.name, "MHL last", copied,
                           iso_seconds(ready_at) - last_write, args.settle)  # fmt: skip
    print(f"  {source.name} ready {sample.latency:.2f} s after its last write; "
          f"{waiting} rolls waiting to upload", flush=True)  # fmt: skip
    return sample, waiting


def time_answers(tools: Tools, config: Path, port: int, reps: int) -> dict[str, list[float]]:
    """Seconds per `status --json` (whole command) and per `GET /api/status` of the daemon."""
    import httpx

    times: dict[str, list[float]] = {
        "status --json": [],
        "GET /api/status": [],
        "python -c pass": [],
    }
    url = f"http://127.0.0.1:{port}/api/status"
    with httpx.Client(timeout=60) as client:
        for _ in range(reps):
            times["status --json"].append(
                run_child([tools.rollkeeper, "status", "--json", "--config", str(config)]).wall
            )
            started = time.perf_counter()
            client.get(url).raise_for_status()
            times["GET /api/status"].append(time.perf_counter() - started)
            times["python -c pass"].append(run_child([tools.python, "-c", "pass"]).wall)
    return times


@dataclass
class Run:
    """What the run measured."""

    total: int
    latency: list[tuple[LatencySample, int]] = field(default_factory=list)
    answers: dict[str, list[float]] = field(default_factory=dict)  # while uploading
    waiting_while_asked: int = 0
    answers_after: dict[str, list[float]] = field(default_factory=dict)  # once all is uploaded
    samples: list[Sample] = field(default_factory=list)
    idle: Idle | None = None
    objects: int = 0


def wait_listed(daemon: Daemon, state: Path, timeout: float) -> None:
    """Wait until every uploaded roll's objects were listed once since its upload."""
    query = (
        "SELECT COUNT(*) FROM roll_uploads WHERE state = 'uploaded' "
        "AND (objects_checked_at IS NULL OR objects_checked_at <= finished_at)"
    )

    def done() -> bool:
        daemon.alive()
        rows = ledger_query(state, query, ())
        return bool(rows) and int(rows[0][0]) == 0

    wait_until(done, timeout, "every roll listed once since its upload", poll=5.0)


def wait_uploaded(daemon: Daemon, state: Path, count: int, timeout: float, what: str) -> None:
    """Wait until `count` rolls are uploaded; a BenchError if the daemon exits first."""

    def done() -> bool:
        daemon.alive()
        return uploaded(state) >= count

    wait_until(done, timeout, what, poll=1.0)


def during_backlog(run: Run, tools: Tools, daemon: Daemon, cart: Path, config: Path,
                   args: argparse.Namespace) -> None:  # fmt: skip
    """Status is asked and rolls arrive while the backlog uploads; then wait for it to drain."""
    state, raid = cart / "state", cart / "RAID_BACKLOG"
    staged = stage_latency_rolls(cart / "staging", args)
    first = max(1, run.total // 20)
    wait_uploaded(daemon, state, first, args.drain_timeout, f"the first {first} rolls to upload")
    print(f"2. status and /api/status while uploading ({uploaded(state)} of {run.total} done)")
    waiting = run.total - uploaded(state)
    run.answers = time_answers(tools, config, args.dashboard_port, args.reps)
    run.waiting_while_asked = min(waiting, run.total - uploaded(state))
    print("1. rolls arriving while the backlog uploads", flush=True)
    for source in staged:
        run.latency.append(arrive(daemon, state, raid, source, args, run.total))
        time.sleep(args.arrival_gap)
    everything = run.total + len(staged)
    wait_uploaded(daemon, state, everything, args.drain_timeout, "the backlog to drain")
    print(f"  all {everything} rolls uploaded", flush=True)


@dataclass(frozen=True, slots=True)
class Idle:
    """The daemon's CPU over one recheck interval once all was uploaded, in slices."""

    seconds: float
    cpu_seconds: float
    slices: list[float]  # percent of one core in each slice

    @property
    def percent(self) -> float:
        return 100 * self.cpu_seconds / self.seconds

    @property
    def quiet_percent(self) -> float:
        """The rate between re-checks: the lower quartile of the slices."""
        return sorted(self.slices)[len(self.slices) // 4]

    @property
    def recheck_cpu_seconds(self) -> float:
        """One re-check of everything (listing every roll, judging every drive): the window's
        CPU beyond its quiet rate."""
        return max(0.0, self.cpu_seconds - self.quiet_percent / 100 * self.seconds)

    def amortised(self, interval: float) -> float:
        """Percent of a core with one re-check every `interval` seconds."""
        return self.quiet_percent + 100 * self.recheck_cpu_seconds / interval


def idle_window(daemon: Daemon, seconds: float, slice_seconds: float = 5.0) -> Idle:
    """The daemon's CPU over `seconds`, read every `slice_seconds`."""
    started = time.monotonic()
    first = last = process_cpu_ticks(daemon.pid)
    slices = []
    while (elapsed := time.monotonic() - started) < seconds:
        time.sleep(min(slice_seconds, seconds - elapsed))
        now = process_cpu_ticks(daemon.pid)
        slices.append(100 * (now - last) / CLOCK_TICK / slice_seconds)
        last = now
    return Idle(time.monotonic() - started, (last - first) / CLOCK_TICK, slices)


def count_objects(s3: S3Server) -> int:
    pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="show/")
    return sum(page.get("KeyCount", 0) for page in pages)


def measure(tools: Tools, cart: Path, args: argparse.Namespace) -> Run:
    raid = cart / "RAID_BACKLOG"
    run = Run(total=build_raid(raid, args))
    state = cart / "state"
    shutil.rmtree(state, ignore_errors=True)
    os.environ.update(RK_BENCH_KEY_ID=ACCESS_KEY, RK_BENCH_SECRET=SECRET_KEY)
    shutil.rmtree(cart / "seaweedfs", ignore_errors=True)
    s3 = S3Server(cart / "seaweedfs").start()
    try:
        s3.client().create_bucket(Bucket=BUCKET)
        config = write_config(cart, raid, s3, args)
        print(f"uploading {run.total} rolls", flush=True)
        daemon = Daemon(tools, config, cart / "daemon.log")
        sampler = Sampler(daemon.pid, state).start()
        try:
            during_backlog(run, tools, daemon, cart, config, args)
            run.answers_after = time_answers(tools, config, args.dashboard_port, args.reps)
            wait_listed(daemon, state, args.drain_timeout)
            wait_until_quiet(daemon, args.quiet_timeout)
            time.sleep(args.idle_warmup)
            print(f"4. idle CPU over {args.idle_seconds:g} s", flush=True)
            run.idle = idle_window(daemon, args.idle_seconds)
        finally:
            sampler.stop()
            run.samples = sampler.samples
            refuse_traceback(daemon.stop())
        run.objects = count_objects(s3)
    finally:
        s3.stop()
    return run


# --- the report -----------------------------------------------------------------------------------


def rss_when(samples: Sequence[Sample], done: int) -> Sample:
    """The first sample in which at least `done` rolls were uploaded (the last one otherwise)."""
    return next((s for s in samples if s.uploaded >= done), samples[-1])


@dataclass(frozen=True, slots=True)
class Memory:
    """The daemon's memory over the run: RSS as the backlog drained, and its peak."""

    marks: list[Sample]  # the first samples with 25, 50, 75 and 100 % of the backlog uploaded
    last: Sample  # after the idle window
    peak: Sample  # the first sample to show the peak RSS (VmHWM)

    @classmethod
    def of(cls, run: Run) -> Memory:
        samples = run.samples
        marks = [rss_when(samples, max(1, round(run.total * q))) for q in (0.25, 0.5, 0.75, 1.0)]
        highest = max(s.peak_kb for s in samples)
        return cls(marks, samples[-1], next(s for s in samples if s.peak_kb == highest))

    @property
    def peak_kb(self) -> int:
        return self.peak.peak_kb

    @property
    def growth(self) -> float:
        return self.marks[-1].rss_kb / self.marks[0].rss_kb


def answer_checks(label: str, answers: dict[str, list[float]]) -> list[Check]:
    """`status --json` and `GET /api/status` against the 0.5 s target."""
    med = {what: statistics.median(times) for what, times in answers.items()}
    bare = med["python -c pass"]
    return [
        Check(f"2. `{what}` {label}", f"{med[what]:.3f} s", f"python -c pass {bare:.3f} s",
              f"{med[what] / bare:.1f}x", f"< {STATUS_SECONDS:g} s", med[what] < STATUS_SECONDS)
        for what in ("status --json", "GET /api/status")
    ]  # fmt: skip


def checks(run: Run, memory: Memory, args: argparse.Namespace) -> list[Check]:
    """The targets, each against its reference."""
    assert run.idle is not None
    idle, latency = run.idle, [sample for sample, _ in run.latency]
    every_hour, cleared = idle.amortised(DEFAULT_RECHECK), idle.amortised(args.idle_seconds)
    return [
        latency_check("1. detection latency while the backlog uploads", latency),
        *answer_checks("once all is uploaded", run.answers_after),
        *answer_checks("while uploading", run.answers),
        Check("3. RSS, all uploaded vs a quarter", f"{memory.marks[-1].rss_kb / 1024:.0f} MB",
              f"{memory.marks[0].rss_kb / 1024:.0f} MB", f"{memory.growth:.2f}x",
              f"<= {GROWTH_LIMIT:g}x", memory.growth <= GROWTH_LIMIT),
        Check("4a. idle CPU, a re-check of everything hourly (the default)",
              f"{every_hour:.2f} %", f"quiet {idle.quiet_percent:.2f} %", "-",
              f"< {IDLE_PERCENT:g} %", every_hour < IDLE_PERCENT),
        Check(f"4b. idle CPU, a re-check every {args.idle_seconds:g} s (a cleared drive's rolls)",
              f"{cleared:.2f} %", f"measured {idle.percent:.2f} %", "-",
              f"< {IDLE_PERCENT:g} %", cleared < IDLE_PERCENT),
    ]  # fmt: skip


def sections(run: Run, memory: Memory, args: argparse.Namespace) -> list[str]:
    """What was loaded and what was seen, below the table of checks."""
    assert run.idle is not None
    idle, small = run.idle, args.rolls * args.files_per_roll
    size = small * args.file_size + args.large_rolls * args.large_mib * MiB
    return [
        f"Backlog: {args.rolls} rolls x {args.files_per_roll} files of {args.file_size} bytes "
        f"and {args.large_rolls} roll(s) of one {args.large_mib} MiB file: "
        f"{small + args.large_rolls} media files, {size / 1e9:.2f} GB, on one RAID, to SeaweedFS "
        f"on loopback with the target's defaults; {len(run.latency)} rolls of "
        f"{args.latency_files} x {args.latency_file_kib} KiB copied in {args.arrival_gap:g} s "
        f"apart while it uploaded; settle_seconds = {args.settle:g}.",
        "",
        f"Every roll uploaded and proven {memory.marks[-1].at:.0f} s after the daemon started; "
        f"{run.objects} objects in the bucket. Peak RSS (VmHWM) {memory.peak_kb / 1024:.0f} MB, "
        f"first seen {memory.peak.at:.0f} s in ({memory.peak.uploaded} rolls uploaded); "
        "RSS at 25/50/75/100 % of the backlog uploaded: "
        + ", ".join(f"{m.rss_kb / 1024:.0f} MB ({m.at:.0f} s)" for m in memory.marks)
        + f", after the idle window {memory.last.rss_kb / 1024:.0f} MB; open files "
        f"{memory.marks[0].open_files} -> {memory.last.open_files}.",
        "",
        *latency_table([sample for sample, _ in run.latency]),
        "",
        "Backlog rolls still waiting to upload when each arrival became ready: "
        + ", ".join(str(waiting) for _, waiting in run.latency)
        + f"; while status was asked: at least {run.waiting_while_asked}.",
        "",
        "| asked | median s | runs (s) |",
        "|---|---:|---|",
        *(
            f"| `{what}` {when} | {statistics.median(times):.3f} | "
            + " ".join(f"{t:.3f}" for t in times)
            + " |"
            for when, answers in (
                ("while uploading", run.answers),
                ("once all is uploaded", run.answers_after),
            )
            for what, times in answers.items()
        ),
        "",
        f"Idle, once all was uploaded: {idle.cpu_seconds:.1f} CPU s over "
        f"{idle.seconds:.0f} s with `recheck_interval` = {args.idle_seconds:g} s (every "
        f"roll listed and every drive judged once in it); {len(idle.slices)} slices of 5 s, "
        f"quiet (their lower quartile) {idle.quiet_percent:.2f} %, so one re-check of "
        f"everything cost {idle.recheck_cpu_seconds:.1f} CPU s. Slices (%): "
        + " ".join(f"{p:.1f}" for p in idle.slices)
        + ".",
        "",
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    add = parser.add_argument
    add("--data-dir", type=Path, default=REPO / "bench" / "data" / "backlog", help="test data")
    add("--keep", action="store_true", help="keep the RAID (and reuse it next time)")
    add("--rolls", type=int, default=1000, help="small rolls in the backlog")
    add("--files-per-roll", type=int, default=200, help="media files per small roll")
    add("--clips-per-roll", type=int, default=10, help="clip folders per small roll")
    add("--file-size", type=int, default=4096, help="bytes per small file")
    add("--large-rolls", type=int, default=4, help="rolls of one large file")
    add("--large-mib", type=int, default=256, help="MiB per large file")
    add("--settle", type=float, default=3.0, help="settle_seconds")
    add("--latency-rolls", type=int, default=5, help="rolls copied in while the backlog uploads")
    add("--latency-files", type=int, default=8, help="files per arriving roll")
    add("--latency-file-kib", type=int, default=1024, help="KiB per arriving file")
    add("--latency-timeout", type=float, default=120.0, help="give up on an arrival after (s)")
    add("--arrival-gap", type=float, default=20.0, help="seconds between arrivals")
    add("--drain-timeout", type=float, default=4 * 3600.0, help="longest wait for the backlog")
    add("--idle-seconds", type=float, default=300.0, help="recheck_interval and the idle window")
    add("--idle-warmup", type=float, default=10.0, help="rest once the daemon is quiet")
    add("--quiet-timeout", type=float, default=300.0, help="longest wait for it to be quiet")
    add("--reps", type=int, default=5, help="repetitions of each timed question")
    add("--dashboard-port", type=int, default=18642, help="the daemon's dashboard port")
    add("--bin-dir", type=Path, default=Path(sys.prefix) / "bin", help="venv with rollkeeper")
    add("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def bench(args: argparse.Namespace) -> tuple[list[str], bool]:
    tools = Tools.find(args.bin_dir)
    cart: Path = args.data_dir.resolve()
    cart.mkdir(parents=True, exist_ok=True)
    started, load = datetime.now(UTC), os.getloadavg()
    try:
        run = measure(tools, cart, args)
    finally:
        if not args.keep:
            shutil.rmtree(cart, ignore_errors=True)
    memory = Memory.of(run)
    if args.keep:  # the daemon's memory and progress, second by second, for a closer look
        samples = [asdict(sample) for sample in run.samples]
        (cart / "samples.json").write_text(json.dumps(samples), encoding="utf-8")
    found = checks(run, memory, args)
    command = " ".join(["python bench/backlog_bench.py", *(sys.argv[1:])])
    lines = [
        f"Command: `{command}`",
        date_line(started, load),
        f"Machine: {machine()}",
        code_version(),
        "",
        *check_table(found),
        "",
        *sections(run, memory, args),
    ]
    return lines, all(c.passed for c in found)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return run_main("backlog_bench", lambda: bench(args), args.strict)


if __name__ == "__main__":
    sys.exit(main())
