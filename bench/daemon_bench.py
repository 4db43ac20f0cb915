"""Daemon benchmarks: detection latency, full-rescan speed, idle CPU and `status --json` time.

Everything that is measured runs through the real command line (`rollkeeper run`, `run --once`,
`status --json`) or the real code path (`fs.scan.scan_tree`, `Service.scan_volume`) in fresh
child processes, against references measured in the same run on the same machine:

1. detection latency: a roll copied into a watched volume while `rollkeeper run` runs, from the
   last write of its last file (newest ctime) to `roll_copies.ready_at` in the ledger;
   target: latency - settle_seconds <= 2 s for every roll (native events, settle_seconds = 3).
   Measured on a small volume and again on the 100k-file volume while the daemon watches it.
2. full rescan: the safety-net walk (`VolumeScan.walk` inside `Service.scan_volume`) and the whole
   `Service.scan_volume` of an already-known, verified volume vs `find VOLUME -type f | wc -l` on
   the same tree, warm cache; target: <= 2x find. A first walk of the unknown volume
   (`scan_tree`, every file stat-ed) and the stat-ing `find -printf` are shown for information.
3. idle CPU of `rollkeeper run` watching the verified 100k-file volume: utime + stime from
   /proc/PID/stat over --idle-seconds windows; target: < 1 %.
4. `rollkeeper status --json` with --rolls rolls in the ledger (whole command, wall time);
   target: < 0.5 s; references: `python -c pass` and the import time (`python -X importtime`).

Test data (the volume, default 1,000 rolls x 100 files) is written under --data-dir (bench/data,
ignored by git) and deleted at the end unless --keep. Run small with e.g.
`--rolls 50 --files-per-roll 20 --idle-seconds 10 --idle-windows 1 --latency-rolls 2`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import pstats
import re
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for bench.*

from bench.harness import (
    CLOCK_TICK,
    REPO,
    BenchError,
    command_failed,
    commit_measured,
    cpu_model,
    date_line,
    kernel,
    memory_gib,
    process_cpu_ticks,
    run_main,
    rusage_cpu,
    table,
    uncommitted,
    verdict,
    wait_for,
)

_REPO = REPO
KIB = 1024
LATENCY_BUDGET = 2.0  # seconds beyond settle_seconds
RESCAN_FACTOR = 2.0  # x find
IDLE_PERCENT = 1.0
STATUS_SECONDS = 0.5
QUIET_PERCENT = 5.0  # below this over a 2 s probe, the daemon's start-up work is over
#: A shoot day of its own for the rolls copied during the latency runs.
LATENCY_DAY = "20261231_EP900_Day99_BENCH"


@dataclass(frozen=True, slots=True)
class Child:
    """One finished child process: wall and CPU seconds (its own and its children's)."""

    wall: float
    cpu: float
    stdout: str
    stderr: str


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    value: str
    reference: str
    ratio: str
    target: str
    passed: bool


@dataclass(frozen=True, slots=True)
class LatencySample:
    case: str
    roll: str
    mhl_order: str
    copy_seconds: float
    latency: float  # ready_at - newest ctime of the roll (time waited when timed out)
    settle: float
    timed_out: bool = False

    @property
    def overshoot(self) -> float:
        return self.latency - self.settle


@dataclass(slots=True)
class Report:
    checks: list[Check] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.sections.extend(lines)


@dataclass(frozen=True, slots=True)
class Tools:
    rollkeeper: str
    python: str
    py_spy: str | None

    @classmethod
    def find(cls, bin_dir: Path) -> Tools:
        rollkeeper, python = bin_dir / "rollkeeper", bin_dir / "python"
        for path in (rollkeeper, python):
            if not os.access(path, os.X_OK):
                raise BenchError(f"{path} not found (pip install -e . into that venv)")
        spy = bin_dir / "py-spy"
        return cls(str(rollkeeper), str(python), str(spy) if os.access(spy, os.X_OK) else None)


# --- children -------------------------------------------------------------------------------------


def run_child(
    argv: Sequence[str],
    *,
    timeout: float = 3600,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> Child:
    """Run `argv` to completion; CPU time from RUSAGE_CHILDREN (children run one at a time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=_REPO,
        env=env,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if check and done.returncode != 0:
        raise command_failed(argv, done.returncode, done.stderr.strip()[-2000:])
    cpu = rusage_cpu(after) - rusage_cpu(before)
    return Child(wall, cpu, done.stdout, done.stderr)


def inotify_watches(pid: int) -> int:
    count = 0
    for info in Path(f"/proc/{pid}/fdinfo").iterdir():
        try:
            count += sum(line.startswith("inotify wd:") for line in info.read_text().splitlines())
        except OSError:
            continue
    return count


class Daemon:
    """`rollkeeper run --config FILE` in the background, its output in a log file."""

    def __init__(self, tools: Tools, config: Path, log: Path) -> None:
        self.log_path = log
        self._log: TextIO = log.open("w", encoding="utf-8")
        self.started = datetime.now(UTC)
        self.process = subprocess.Popen(
            [tools.rollkeeper, "run", "--config", str(config)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> None:
        if self.process.poll() is not None:
            raise BenchError(f"the daemon exited with {self.process.returncode}: {self.output()}")

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._log.close()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def refuse_traceback(output: str) -> None:
    """A daemon that printed a traceback measured something broken: the benchmark stops."""
    if "Traceback" in output:
        raise BenchError(f"the daemon printed a traceback:\n{output[-3000:]}")


# --- the ledger, read only ------------------------------------------------------------------------


def ledger_query(state: Path, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    path = state / "ledger.sqlite3"
    if not path.exists():
        return []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
            return list(db.execute(sql, tuple(params)))
    except sqlite3.OperationalError:  # created but not yet migrated
        return []


def iso_seconds(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def wait_for_scan(state: Path, label: str, daemon: Daemon, timeout: float) -> float:
    """Wait until the daemon finished its first full scan of `label`; returns when (epoch)."""
    since = daemon.started.timestamp()

    def scanned() -> bool:
        daemon.alive()
        rows = ledger_query(state, "SELECT last_full_scan FROM volumes WHERE label = ?", (label,))
        return bool(rows and rows[0][0] and iso_seconds(rows[0][0]) >= since)

    wait_for(scanned, timeout, f"the first scan of {label}", poll=0.1)
    rows = ledger_query(state, "SELECT last_full_scan FROM volumes WHERE label = ?", (label,))
    return iso_seconds(rows[0][0])


# --- test data ------------------------------------------------------------------------------------


def roll_name(index: int) -> str:
    return f"A{index + 1:03d}R1AB"


def write_roll(folder: Path, files: int, clips: int, size: int) -> None:
    """`files` media files in `clips` clip folders below `folder`, sealed with a legacy MHL."""
    from rollkeeper.mhl.model import HashKind
    from rollkeeper.mhl.seal import seal_legacy

    clips = max(1, min(clips, files))
    per_clip = math.ceil(files / clips)
    written = 0
    for clip in range(clips):
        clip_dir = folder / f"{folder.name[:4]}C{clip + 1:03d}_261121_{folder.name[4:]}"
        clip_dir.mkdir(parents=True)
        for part in range(min(per_clip, files - written)):
            (clip_dir / f"{clip_dir.name}_{part:03d}.mxf").write_bytes(os.urandom(size))
            written += 1
    seal_legacy(folder, HashKind.XXH64, jobs=1)


def build_volume(volume: Path, args: argparse.Namespace) -> None:
    """The big volume: --rolls rolls of --files-per-roll files, 100 rolls per shoot day."""
    spec = {
        "rolls": args.rolls,
        "files": args.files_per_roll,
        "clips": args.clips_per_roll,
        "size": args.file_size,
    }
    spec_file = volume.parent / "volume.spec.json"
    try:
        if json.loads(spec_file.read_text()) == spec and volume.is_dir():
            print(f"reusing {volume}", flush=True)
            return
    except (OSError, ValueError):
        pass
    spec_file.unlink(missing_ok=True)
    if volume.exists():
        shutil.rmtree(volume)
    print(
        f"creating {volume}: {args.rolls} rolls x {args.files_per_roll} files "
        f"of {args.file_size} bytes",
        flush=True,
    )
    started = time.monotonic()
    for index in range(args.rolls):
        day, number = divmod(index, 100)
        folder = volume / f"202611{day + 1:02d}_EP101_Day{day + 1:02d}" / "Camera_Media"
        write_roll(
            folder / roll_name(number), args.files_per_roll, args.clips_per_roll, args.file_size
        )
        if (index + 1) % 100 == 0:
            print(f"  {index + 1} rolls, {time.monotonic() - started:.0f} s", flush=True)
    spec_file.write_text(json.dumps(spec))


def write_config(path: Path, state: Path, volume: Path, settle: float) -> Path:
    """A configuration with the default watch settings (rescan every 300 s, native events)."""
    path.write_text(
        "\n".join(
            [
                "[cart]",
                'name = "BENCH-CART"',
                "[state]",
                f'dir = "{state}"',
                "[layout]",
                f"settle_seconds = {settle}",
                "[[volumes]]",
                f'path = "{volume}"',
                'role = "raid"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


# --- 1. detection latency -------------------------------------------------------------------------


def stage_latency_rolls(staging: Path, args: argparse.Namespace) -> list[Path]:
    """Sealed rolls outside any volume, copied in while the daemon runs."""
    if staging.exists():
        shutil.rmtree(staging)
    rolls = []
    for index in range(args.latency_rolls):
        folder = staging / f"B{index + 1:03d}R2CD"
        write_roll(folder, args.latency_files, 2, args.latency_file_kib * KIB)
        rolls.append(folder)
    return rolls


def copy_roll(source: Path, target: Path, *, mhl_last: bool) -> float:
    """Copy like an offload tool (mtimes preserved); returns the newest ctime in the copy."""
    files = sorted(p for p in source.rglob("*") if p.is_file())
    mhls = [p for p in files if p.suffix == ".mhl"]
    media = [p for p in files if p.suffix != ".mhl"]
    for path in [*media, *mhls] if mhl_last else [*mhls, *media]:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return max(p.stat().st_ctime_ns for p in target.rglob("*") if p.is_file()) / 1e9


def measure_latency(
    case: str,
    daemon: Daemon,
    *,
    state: Path,
    volume: Path,
    rolls: Sequence[Path],
    args: argparse.Namespace,
) -> list[LatencySample]:
    """Copy each staged roll onto the watched volume and time until the daemon has verified it
    (settle_seconds and the timeout from `args`)."""
    settle, timeout = args.settle, args.latency_timeout
    samples = []
    for index, source in enumerate(rolls):
        roll_id = f"{LATENCY_DAY}/Camera_Media/{source.name}"
        target = volume / roll_id
        mhl_last = index % 2 == 0
        started = time.time()
        last_write = copy_roll(source, target, mhl_last=mhl_last)
        copied = time.time() - started

        def ready(roll_id: str = roll_id, since: float = started) -> bool:
            daemon.alive()
            rows = ledger_query(
                state, "SELECT ready_at FROM roll_copies WHERE roll_id = ?", (roll_id,)
            )
            return bool(rows and rows[0][0] and iso_seconds(rows[0][0]) >= since)

        def verified(roll_id: str = roll_id) -> bool:
            rows = ledger_query(state, "SELECT state FROM rolls WHERE id = ?", (roll_id,))
            return bool(rows and rows[0][0] == "verified")

        order = "MHL last" if mhl_last else "MHL first"
        try:
            wait_for(ready, timeout, f"{roll_id} to become ready")
        except BenchError:
            print(f"  {case}: {source.name} ({order}) not ready after {timeout:g} s", flush=True)
            samples.append(
                LatencySample(case, source.name, order, copied, timeout, settle, timed_out=True)
            )
            break  # the daemon is stuck: the next rolls would only wait as long
        (ready_at,) = ledger_query(
            state, "SELECT ready_at FROM roll_copies WHERE roll_id = ?", (roll_id,)
        )[0]
        sample = LatencySample(
            case, source.name, order, copied, iso_seconds(ready_at) - last_write, settle
        )
        print(
            f"  {case}: {sample.roll} ({sample.mhl_order}) ready {sample.latency:.2f} s after "
            f"its last write (settle {settle:g} s)",
            flush=True,
        )
        samples.append(sample)
        wait_for(verified, timeout, f"{roll_id} to be verified", poll=0.1)
        time.sleep(1.0)
    return samples


def latency_table(samples: Sequence[LatencySample]) -> list[str]:
    lines = [
        "| volume | roll | order | copy s | last write → ready s | - settle s |",
        "|---|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {s.case} | {s.roll} | {s.mhl_order} | {s.copy_seconds:.3f} "
        f"| {'> ' if s.timed_out else ''}{s.latency:.2f} "
        f"| {'> ' if s.timed_out else ''}{s.overshoot:.2f} |"
        for s in samples
    ]
    return lines


def latency_check(name: str, samples: Sequence[LatencySample]) -> Check:
    worst = max(s.overshoot for s in samples)
    median = statistics.median(s.overshoot for s in samples)
    more = "> " if any(s.timed_out for s in samples) else ""
    return Check(
        name,
        f"max {more}{worst:.2f} s (median {median:.2f} s, {len(samples)} rolls)",
        f"settle_seconds = {samples[0].settle:g}",
        "-",
        f"latency - settle <= {LATENCY_BUDGET:g} s",
        worst <= LATENCY_BUDGET and not more,
    )


def bench_latency_small(
    tools: Tools, data: Path, args: argparse.Namespace, report: Report
) -> list[LatencySample]:
    cart = data / "small"
    if cart.exists():
        shutil.rmtree(cart)
    volume, state = cart / "RAID_S", cart / "state"
    volume.mkdir(parents=True)
    rolls = stage_latency_rolls(cart / "staging", args)
    config = write_config(cart / "rollkeeper.toml", state, volume, args.settle)
    print(f"1. detection latency on a small volume ({len(rolls)} rolls)", flush=True)
    daemon = Daemon(tools, config, cart / "daemon.log")
    try:
        wait_for_scan(state, volume.name, daemon, 60)
        samples = measure_latency(
            "small",
            daemon,
            state=state,
            volume=volume,
            rolls=rolls,
            args=args,
        )
    finally:
        output = daemon.stop()
    refuse_traceback(output)
    watch = "native" if "native events" in output else "polling?"
    report.checks.append(latency_check(f"1. detection latency, small volume ({watch})", samples))
    return samples


# --- 2. full rescan -------------------------------------------------------------------------------

_SCAN_TREE = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from rollkeeper.fs.scan import scan_tree
t1, c1 = time.perf_counter(), time.process_time()
scan = scan_tree(Path(sys.argv[1]))
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"import": t1 - t0, "scan": t2 - t1, "cpu": c2 - c1, "files": len(scan.files)}))
"""

_SCAN_VOLUME = """
import cProfile, json, sys, time
from pathlib import Path
from rollkeeper.config.schema import load_config
from rollkeeper.fs.volume_scan import VolumeScan
from rollkeeper.runtime.service import Service
config, _ = load_config(Path(sys.argv[1]))
reps, out, profile = int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
service = Service(config)
service.open()
walks = []
walk = VolumeScan.walk
def timed_walk(*args, **kwargs):
    started = time.perf_counter()
    try:
        return walk(*args, **kwargs)
    finally:
        walks.append(time.perf_counter() - started)
VolumeScan.walk = timed_walk
try:
    service.refresh_volumes(start_watchers=False)
    (volume,) = service.volumes.values()
    def once():
        trusted = len(service._rolls_to_trust(volume, time.monotonic()))  # not timed
        wall, cpu = time.perf_counter(), time.process_time()
        service.scan_volume(volume)
        return time.perf_counter() - wall, time.process_time() - cpu, walks[-1], trusted
    first = once()
    runs = [once() for _ in range(reps)]
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        service.scan_volume(volume)
        profiler.disable()
        profiler.dump_stats(profile)
    states = {}
    for copy in service.ledger.copies(volume_id=volume.volume_id):
        states[copy.state.value] = states.get(copy.state.value, 0) + 1
    result = {"first": first, "runs": runs, "rolls": len(service.trackers), "states": states}
finally:
    service.close()
out.write_text(json.dumps(result))
"""


def child_row(label: str, children: Sequence[Child]) -> str:
    """A table row: median wall and CPU seconds of repeated child processes, and every wall."""
    wall = statistics.median(c.wall for c in children)
    cpu = statistics.median(c.cpu for c in children)
    return (
        f"| {label} | {wall:.3f} | {cpu:.3f} | "
        + " ".join(f"{c.wall:.3f}" for c in children)
        + " |"
    )


def hotspots(profile: Path, top: int) -> list[str]:
    """The functions with the most own time, with their share of the profiled total."""
    stats = pstats.Stats(str(profile))
    table: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    table = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:top]
    lines = [
        f"profiled total {total:.3f} s",
        "",
        "| function | calls | own s | own % | incl. s | incl. % |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for (file, line, name), (_cc, calls, own, incl, _callers) in rows:
        where = os.path.relpath(file, _REPO) if file.startswith(str(_REPO)) else Path(file).name
        label = f"`{name}` ({where}:{line})" if line else f"`{name}`"
        lines.append(
            f"| {label} | {calls} | {own:.3f} | {100 * own / total:.1f} | {incl:.3f} "
            f"| {100 * incl / total:.1f} |"
        )
    return lines


def inclusive(profile: Path, top: int, min_share: float = 0.02) -> list[str]:
    """rollkeeper's own functions by inclusive time (>= `min_share` of the profiled total)."""
    stats = pstats.Stats(str(profile))
    table: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    table = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]
    mine = sorted(
        (
            (incl, calls, os.path.relpath(file, _REPO), line, name)
            for (file, line, name), (_cc, calls, _own, incl, _callers) in table.items()
            if file.startswith(str(_REPO / "daemon")) and incl >= min_share * total
        ),
        reverse=True,
    )[:top]
    lines = ["| rollkeeper function | calls | incl. s | incl. % |", "|---|---:|---:|---:|"]
    lines += [
        f"| `{name}` ({where}:{line}) | {calls} | {incl:.3f} | {100 * incl / total:.1f} |"
        for incl, calls, where, line, name in mine
    ]
    return lines


def bench_rescan(
    tools: Tools,
    data: Path,
    *,
    volume: Path,
    config: Path,
    args: argparse.Namespace,
    report: Report,
) -> float:
    """Returns the median CPU seconds of one rescan of the known volume (for the idle budget)."""
    print("2. full rescan vs find", flush=True)
    find = ["/bin/sh", "-c", f"find '{volume}' -type f | wc -l"]
    counted = int(run_child(find).stdout.strip())  # also warms the cache
    run_child([tools.python, "-c", _SCAN_TREE, str(volume)])
    # What scan_tree has to learn of every file (size, mtime, ctime, inode) costs find a stat.
    find_stat = [
        "/bin/sh",
        "-c",
        f"find '{volume}' -type f -printf '%s %T@ %C@ %i %p\\n' | wc -l",
    ]
    finds: list[Child] = []
    find_stats: list[Child] = []
    trees: list[Child] = []
    tree_inside: list[float] = []
    tree_cpu: list[float] = []
    for _ in range(args.reps):
        finds.append(run_child(find))
        find_stats.append(run_child(find_stat))
        child = run_child([tools.python, "-c", _SCAN_TREE, str(volume)])
        trees.append(child)
        result = json.loads(child.stdout)
        if result["files"] != counted:
            raise BenchError(f"scan_tree saw {result['files']} files, find {counted}")
        tree_inside.append(result["scan"])
        tree_cpu.append(result["cpu"])
    out = data / "scan_volume.json"
    profile = data / "scan_volume.prof" if args.profile else None
    run_child(
        [
            tools.python,
            "-c",
            _SCAN_VOLUME,
            str(config),
            str(args.reps),
            str(out),
            str(profile or ""),
        ]
    )
    result = json.loads(out.read_text())
    scans = [float(run[0]) for run in result["runs"]]
    scan_cpu = [float(run[1]) for run in result["runs"]]
    walks = [float(run[2]) for run in result["runs"]]
    trusted = sorted({int(run[3]) for run in result["runs"]})
    find_s = statistics.median(c.wall for c in finds)
    find_stat_s = statistics.median(c.wall for c in find_stats)
    tree_s = statistics.median(tree_inside)
    volume_s = statistics.median(scans)
    walk_s = statistics.median(walks)
    report.add(
        "### 2. Full rescan",
        "",
        f"Volume: {counted} files, {result['rolls']} rolls (copy states {result['states']}), "
        f"{sum(1 for _ in volume.rglob('*') if _.is_dir())} folders; warm cache; "
        f"{args.reps} interleaved repetitions.",
        "",
        "| what | median wall s | median CPU s | runs, wall (s) |",
        "|---|---:|---:|---|",
        child_row("`find VOLUME -type f \\| wc -l` (whole command)", finds),
        child_row(
            "reference only: `find VOLUME -type f -printf '%s %T@ %C@ %i %p\\n' \\| wc -l` "
            "(stats every file, as a first walk must)",
            find_stats,
        ),
        f"| first walk of an unknown volume (start-up): `scan_tree(VOLUME)` inside a fresh "
        f"process, every file stat-ed | {tree_s:.3f} "
        f"| {statistics.median(tree_cpu):.3f} | "
        + " ".join(f"{s:.3f}" for s in tree_inside)
        + " |",
        child_row("the same, whole `python -c` process", trees),
        f"| `Service.scan_volume` of the known volume, first call | {result['first'][0]:.3f} "
        f"| {result['first'][1]:.3f} | |",
        f"| `Service.scan_volume` of the known volume, rescans | {volume_s:.3f} "
        f"| {statistics.median(scan_cpu):.3f} | " + " ".join(f"{s:.3f}" for s in scans) + " |",
        f"| of which the walk (`VolumeScan.walk`) | {walk_s:.3f} | | "
        + " ".join(f"{s:.3f}" for s in walks)
        + " |",
        "",
        f"In each rescan, {' or '.join(map(str, trusted))} of the {result['rolls']} verified "
        "rolls were walked against their earlier inventory (a file listed again with the same "
        "inode is not stat-ed; `rescan_interval` / `restat_interval` of the verified rolls, the "
        "longest unstat-ed, are stat-ed in full each time; MHLs, new names and everything else "
        "always).",
        "",
        f"Against the reference that stats every file (`find -printf`, {find_stat_s:.3f} s): "
        f"first walk {tree_s / find_stat_s:.2f}x, rescan `Service.scan_volume` "
        f"{volume_s / find_stat_s:.2f}x (information only; the target is against plain find).",
        "",
    )
    for name, value in (
        ("2a. safety-net walk (`VolumeScan.walk` in a rescan) ÷ find", walk_s),
        ("2b. `Service.scan_volume` rescan ÷ find", volume_s),
    ):
        ratio = value / find_s
        report.checks.append(
            Check(
                name,
                f"{value:.3f} s",
                f"find {find_s:.3f} s",
                f"{ratio:.2f}x",
                f"<= {RESCAN_FACTOR:g}x",
                ratio <= RESCAN_FACTOR,
            )
        )
    if profile is not None:
        report.add(
            "cProfile of one `Service.scan_volume` rescan (top functions by own time):",
            "",
            *hotspots(profile, args.profile_top),
            "",
            *inclusive(profile, 2 * args.profile_top),
            "",
        )
    return statistics.median(scan_cpu)


# --- 4. status --json -----------------------------------------------------------------------------

_STATUS_WORK = """
import json, sys, time
from pathlib import Path
from rollkeeper.reports.status import load_status, status_json
runs = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    text = status_json(load_status(Path(sys.argv[1])))
    runs.append(time.perf_counter() - t)
print(json.dumps({"runs": runs, "bytes": len(text)}))
"""

#: Serves the dashboard of a state folder (the daemon's own app and server) and prints its URL.
_DASHBOARD_SERVE = """
import sys, time
from pathlib import Path
from rollkeeper.config.dashboard import ListenAddress
from rollkeeper.dashboard.app import build_app
from rollkeeper.dashboard.guard import Gate
from rollkeeper.dashboard.server import DashboardServer
from rollkeeper.dashboard.views import StatusSource
app = build_app(StatusSource(Path(sys.argv[1])), Gate.of("127.0.0.1", [], None))
server = DashboardServer(app, ListenAddress("127.0.0.1", 0))
assert server.start() is None and server.wait_started(30)
print(server.url, flush=True)
time.sleep(3600)
"""


def time_dashboard(tools: Tools, state: Path, reps: int) -> dict[str, list[float]]:
    """Seconds per answer of `/api/status` and of the page `/`, each asked `reps` times over
    HTTP from this process, of a dashboard serving `state` in a child process."""
    import httpx

    child = subprocess.Popen(
        [tools.python, "-c", _DASHBOARD_SERVE, str(state)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip().rstrip("/")
        times: dict[str, list[float]] = {"/api/status": [], "/": []}
        with httpx.Client(timeout=60) as client:
            for path in times:
                client.get(url + path).raise_for_status()  # warm: templates, first snapshot
            for _ in range(reps):
                for path, answers in times.items():
                    started = time.perf_counter()
                    client.get(url + path).raise_for_status()
                    answers.append(time.perf_counter() - started)
        return times
    finally:
        child.terminate()
        child.wait(timeout=10)


_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


@dataclass(frozen=True, slots=True)
class ImportTimes:
    """One `python -X importtime` run: seconds per module, by cumulative and own time."""

    total: float  # sum of the cumulative times of what the program imported itself
    cumulative: dict[str, float]
    own: dict[str, float]

    def heaviest(self, wanted: Callable[[str], bool], count: int) -> str:
        chosen = sorted(
            ((n, t) for n, t in self.cumulative.items() if wanted(n)),
            key=lambda item: item[1],
            reverse=True,
        )[:count]
        return ", ".join(f"`{name}` {seconds:.3f}" for name, seconds in chosen)


def import_times(stderr: str) -> ImportTimes:
    """Parse `-X importtime` output (one space of indent: imported by the program itself)."""
    total = 0.0
    cumulative: dict[str, float] = {}
    own: dict[str, float] = {}
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        name, seconds = match.group(4), int(match.group(2)) / 1e6
        cumulative[name] = seconds
        own[name] = int(match.group(1)) / 1e6
        if len(match.group(3)) == 1:
            total += seconds
    return ImportTimes(total, cumulative, own)


def bench_status(
    tools: Tools,
    data: Path,
    *,
    config: Path,
    state: Path,
    args: argparse.Namespace,
    report: Report,
) -> None:
    print("4. status --json", flush=True)
    status = [tools.rollkeeper, "status", "--json", "--config", str(config)]
    document = json.loads(run_child(status).stdout)
    rolls = len(document["rolls"])
    bare = [tools.python, "-c", "pass"]
    bare_isolated = [tools.python, "-I", "-S", "-c", "pass"]
    # Without a bytecode cache every module of daemon/ (an editable install) is compiled from
    # source on every run: what happens when PYTHONDONTWRITEBYTECODE is set.
    no_cache = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
    no_cache["PYTHONDONTWRITEBYTECODE"] = "1"
    runs: dict[str, list[Child]] = {"status": [], "bare": [], "bare -I -S": [], "no pyc": []}
    for _ in range(args.reps):
        runs["status"].append(run_child(status))
        runs["bare"].append(run_child(bare))
        runs["bare -I -S"].append(run_child(bare_isolated))
        runs["no pyc"].append(run_child(status, env=no_cache))
    work = json.loads(
        run_child([tools.python, "-c", _STATUS_WORK, str(state), str(args.reps)]).stdout
    )
    imports: list[ImportTimes] = []
    baseline: list[float] = []
    for _ in range(3):
        traced = run_child(
            [tools.python, "-X", "importtime", "-m", "rollkeeper", *status[1:]], check=True
        )
        imports.append(import_times(traced.stderr))
        baseline.append(
            import_times(run_child([tools.python, "-X", "importtime", "-c", "pass"]).stderr).total
        )
    total_imports = statistics.median(i.total for i in imports)
    base_imports = statistics.median(baseline)
    typical = sorted(imports, key=lambda i: i.total)[len(imports) // 2]
    rollkeeper_own = sum(t for n, t in typical.own.items() if n.split(".")[0] == "rollkeeper")
    status_s = statistics.median(c.wall for c in runs["status"])
    bare_s = statistics.median(c.wall for c in runs["bare"])
    work_s = statistics.median(work["runs"])
    report.add(
        "### 4. `rollkeeper status --json`",
        "",
        f"Ledger: {rolls} rolls; JSON output {work['bytes'] / 1e6:.2f} MB; {args.reps} "
        "interleaved repetitions.",
        "",
        "| what | median wall s | median CPU s | runs, wall (s) |",
        "|---|---:|---:|---|",
        *(
            child_row(f"`{label}`", children)
            for label, children in (
                ("rollkeeper status --json", runs["status"]),
                ("rollkeeper status --json, no bytecode cache", runs["no pyc"]),
                ("python -c pass", runs["bare"]),
                ("python -I -S -c pass", runs["bare -I -S"]),
            )
        ),
        f"| imports of `status --json` (`-X importtime`, top-level sum) | {total_imports:.3f} "
        f"| | `python -c pass` alone: {base_imports:.3f} |",
        f"| `load_status` + `status_json` in process | {work_s:.3f} | | "
        + " ".join(f"{s:.3f}" for s in work["runs"])
        + " |",
        "",
        "Import profile of the median `-X importtime` run (seconds, cumulative, inflated by "
        "the tracing itself):",
        "",
        "- rollkeeper modules: "
        + typical.heaviest(lambda n: n.split(".")[0] == "rollkeeper", 8)
        + f" (their own code: {rollkeeper_own:.3f})",
        "- packages: "
        + typical.heaviest(lambda n: "." not in n and n not in ("rollkeeper", "site"), 10),
        "",
    )
    served = time_dashboard(tools, state, args.reps)
    report.add(
        "Dashboard (the daemon's app and server, in a child process, asked over HTTP; "
        f"{args.reps} runs each, after one to warm up):",
        "",
        "| request | median s | runs (s) |",
        "|---|---:|---|",
        *(
            f"| `GET {path}` | {statistics.median(answers):.3f} | "
            + " ".join(f"{a:.3f}" for a in answers)
            + " |"
            for path, answers in served.items()
        ),
        "",
    )
    if args.profile:
        profile = data / "status.prof"
        run_child(
            [tools.python, "-m", "cProfile", "-o", str(profile), "-m", "rollkeeper", *status[1:]]
        )
        report.add(
            "cProfile of `rollkeeper status --json` (top functions by own time):",
            "",
            *hotspots(profile, args.profile_top),
            "",
        )
    report.checks.append(
        Check(
            f"4. `status --json`, {rolls} rolls",
            f"{status_s:.3f} s",
            f"python -c pass {bare_s:.3f} s",
            f"{status_s / bare_s:.1f}x",
            f"< {STATUS_SECONDS:g} s",
            status_s < STATUS_SECONDS,
        )
    )
    for path, answers in served.items():
        answer_s = statistics.median(answers)
        report.checks.append(
            Check(
                f"4b. dashboard `GET {path}`, {rolls} rolls",
                f"{answer_s:.3f} s",
                f"`status --json` {status_s:.3f} s",
                f"{answer_s / status_s:.1f}x",
                f"< {STATUS_SECONDS:g} s",
                answer_s < STATUS_SECONDS,
            )
        )


# --- 3. idle CPU (and latency on the big volume) --------------------------------------------------


def wait_until_quiet(daemon: Daemon, timeout: float) -> float:
    """Seconds until the daemon's start-up work is over: the first 2 s probe in which it uses
    less than QUIET_PERCENT of a core (gives up after `timeout`). Idle windows start after it,
    so they measure the idle daemon, not the tail of its start-up."""
    tick = os.sysconf("SC_CLK_TCK")
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        daemon.alive()
        before, probe = process_cpu_ticks(daemon.pid), time.monotonic()
        time.sleep(2.0)
        used = 100 * (process_cpu_ticks(daemon.pid) - before) / tick / (time.monotonic() - probe)
        if used < QUIET_PERCENT:
            break
    return time.monotonic() - started


def py_spy_profile(tools: Tools, pid: int, seconds: int, out: Path) -> list[str]:
    """Sample the idle daemon with py-spy (all threads, idle frames dropped); top leaf functions."""
    if tools.py_spy is None:
        return ["(py-spy not installed in the venv: no profile)"]
    done = subprocess.run(
        [
            tools.py_spy,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not out.exists():
        return [f"(py-spy failed: {done.stderr.strip()[-500:]})"]
    own: dict[str, int] = {}
    incl: dict[str, int] = {}
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1] for f in stack.split(";")]
        total += count
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for frame in set(frames):
            incl[frame] = incl.get(frame, 0) + count
    if not total:
        return ["(py-spy saw no busy samples)"]
    lines = [
        f"py-spy, {seconds} s at 200 Hz, {total} busy samples "
        f"({100 * total / (seconds * 200):.1f} % of one core)",
        "",
        "| function | own % of busy | incl. % of busy |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| `{frame}` | {100 * n / total:.1f} | {100 * incl[frame] / total:.1f} |"
        for frame, n in sorted(own.items(), key=lambda item: item[1], reverse=True)[:12]
    ]
    lines += ["", "| function (inclusive) | incl. % of busy |", "|---|---:|"]
    lines += [
        f"| `{frame}` | {100 * n / total:.1f} |"
        for frame, n in sorted(incl.items(), key=lambda item: item[1], reverse=True)[:15]
    ]
    return lines


def bench_idle_and_big_latency(
    tools: Tools,
    data: Path,
    *,
    volume: Path,
    config: Path,
    state: Path,
    args: argparse.Namespace,
    report: Report,
    rescan_cpu: float,
) -> list[LatencySample]:
    print("3. idle CPU of the running daemon", flush=True)
    directories = sum(1 for p in volume.rglob("*") if p.is_dir()) + 1
    limit = int(Path("/proc/sys/fs/inotify/max_user_watches").read_text())
    staged = stage_latency_rolls(data / "staging-big", args) if args.big_latency else []
    daemon = Daemon(tools, config, data / "daemon-big.log")
    samples: list[LatencySample] = []
    try:
        scanned = wait_for_scan(state, volume.name, daemon, 600)
        startup = scanned - daemon.started.timestamp()
        settled_after = wait_until_quiet(daemon, args.quiet_timeout)
        time.sleep(args.idle_warmup)
        daemon.alive()
        watches = inotify_watches(daemon.pid)
        threads = next(
            line.split()[1]
            for line in Path(f"/proc/{daemon.pid}/status").read_text().splitlines()
            if line.startswith("Threads:")
        )
        windows: list[float] = []
        for _ in range(args.idle_windows):
            before, started = process_cpu_ticks(daemon.pid), time.monotonic()
            time.sleep(args.idle_seconds)
            after, elapsed = process_cpu_ticks(daemon.pid), time.monotonic() - started
            windows.append(100 * (after - before) / CLOCK_TICK / elapsed)
            print(f"  idle window: {windows[-1]:.2f} % CPU", flush=True)
        spy = (
            py_spy_profile(tools, daemon.pid, args.profile_seconds, data / "idle.pyspy.txt")
            if args.profile
            else []
        )
        if args.big_latency:
            print(f"1b. detection latency on the {args.rolls}-roll volume", flush=True)
            samples = measure_latency(
                "big",
                daemon,
                state=state,
                volume=volume,
                rolls=staged,
                args=args,
            )
    finally:
        output = daemon.stop()
    refuse_traceback(output)
    watching = "native events" if "native events" in output else "POLLING"
    overflows = output.count("Inotify queue overflowed; reconciling")
    queue = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    failed = ledger_query(state, "SELECT message FROM events WHERE kind = 'watch_failed'")
    idle = statistics.median(windows)
    rescan_interval = 300.0
    amortised = 100 * rescan_cpu / rescan_interval
    report.add(
        "### 3. Idle CPU of `rollkeeper run`",
        "",
        f"Watching {directories} folders with {watching}; {watches} inotify watches held "
        f"(max_user_watches = {limit}){'; WATCH FAILED: ' + str(failed) if failed else ''}; "
        f"{threads} threads. The daemon logged {overflows} inotify queue overflow(s) "
        f"(max_queued_events = {queue}), each answered by watchdog re-walking the volume and "
        f"re-adding every watch. Start-up (process start → first full scan recorded): "
        f"{startup:.1f} s. The start-up work after that scan (the first clearance judgment of "
        f"the drive, on a background thread) was over {settled_after:.1f} s later (first 2 s "
        f"probe under {QUIET_PERCENT:g} % CPU). Then {args.idle_warmup:g} s of rest, then "
        f"{args.idle_windows} window(s) of {args.idle_seconds:g} s: "
        + ", ".join(f"{w:.2f} %" for w in windows)
        + f" of one core (median {idle:.2f} %).",
        "",
        f"Not in the windows: the safety-net full rescan every rescan_interval = "
        f"{rescan_interval:g} s (default); at the measured {rescan_cpu:.2f} CPU s per rescan it "
        f"adds {amortised:.2f} % on average.",
        "",
        *spy,
        "",
    )
    report.checks.append(
        Check(
            f"3. idle CPU, {directories} folders watched",
            f"{idle:.2f} %",
            f"{args.idle_windows} x {args.idle_seconds:g} s",
            "-",
            f"< {IDLE_PERCENT:g} %",
            idle < IDLE_PERCENT,
        )
    )
    report.checks.append(
        Check(
            "3b. idle CPU incl. amortised 300 s rescan",
            f"{idle + amortised:.2f} %",
            f"rescan {rescan_cpu:.2f} CPU s / {rescan_interval:g} s",
            "-",
            f"< {IDLE_PERCENT:g} %",
            idle + amortised < IDLE_PERCENT,
        )
    )
    if samples:
        report.checks.append(
            latency_check(f"1b. detection latency, {args.rolls}-roll volume", samples)
        )
    for roll in staged:
        shutil.rmtree(volume / LATENCY_DAY / "Camera_Media" / roll.name, ignore_errors=True)
    shutil.rmtree(volume / LATENCY_DAY, ignore_errors=True)
    return samples


# --- report ---------------------------------------------------------------------------------------


def machine() -> str:
    return (
        f"nproc {os.cpu_count()}, {cpu_model()}, {memory_gib():.0f} GiB RAM, "
        f"{kernel()}, Python {platform.python_version()}"
    )


def code_version() -> str:
    """The commit measured, and which files under daemon/ differed from it (others edit)."""
    changed = ", ".join(uncommitted("daemon")) or "none"
    return f"Code: {commit_measured()}; uncommitted changes under daemon/: {changed}"


def check_table(checks: Sequence[Check]) -> list[str]:
    header = ["check", "rollkeeper", "reference", "ratio", "target", "result"]
    rows = [[c.name, c.value, c.reference, c.ratio, c.target, verdict(c.passed)] for c in checks]
    return table(header, rows, "lrlr")


# --- main -----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    add = parser.add_argument
    add("--data-dir", type=Path, default=_REPO / "bench" / "data" / "daemon", help="test data")
    add("--keep", action="store_true", help="keep the test data (and reuse it next time)")
    add("--rolls", type=int, default=1000, help="rolls on the big volume")
    add("--files-per-roll", type=int, default=100, help="media files per roll")
    add("--clips-per-roll", type=int, default=10, help="clip folders per roll")
    add("--file-size", type=int, default=1024, help="bytes per media file on the big volume")
    add("--settle", type=float, default=3.0, help="settle_seconds for the latency runs")
    add("--latency-rolls", type=int, default=5, help="rolls copied in per latency run")
    add("--latency-files", type=int, default=8, help="files per latency roll")
    add("--latency-file-kib", type=int, default=1024, help="KiB per latency file")
    add("--latency-timeout", type=float, default=300.0, help="give up on a roll after (s)")
    add("--no-big-latency", dest="big_latency", action="store_false", help="skip latency 1b")
    add("--idle-seconds", type=float, default=60.0, help="length of one idle window")
    add("--idle-windows", type=int, default=3, help="idle windows (median reported)")
    add("--idle-warmup", type=float, default=5.0, help="rest after the start-up work")
    add("--quiet-timeout", type=float, default=120.0, help="longest wait for the start-up work")
    add("--reps", type=int, default=5, help="repetitions of each timed command (>= 3)")
    add("--profile", action="store_true", help="cProfile the rescan and status, py-spy idle")
    add("--profile-top", type=int, default=12, help="functions listed per profile")
    add("--profile-seconds", type=int, default=20, help="py-spy sampling time (idle daemon)")
    add("--only", choices=["latency", "big"], help="run only the small latency case or the rest")
    add("--no-status", dest="status", action="store_false", help="skip 4. status --json")
    add("--bin-dir", type=Path, default=Path(sys.prefix) / "bin", help="venv with rollkeeper")
    add("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.reps < 3:
        parser.error("--reps must be at least 3")
    if args.rolls < 1 or args.rolls > 100 * 99:
        parser.error("--rolls must be between 1 and 9900")
    return args


def bench(args: argparse.Namespace) -> tuple[list[str], bool]:
    tools = Tools.find(args.bin_dir)
    data: Path = args.data_dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    load = os.getloadavg()
    report = Report()
    version = code_version()
    # Measure rollkeeper as installed (bytecode cached), even where the environment forbids
    # writing .pyc files next to the sources: a cache of our own, outside the tree.
    dont_write = os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(data / "pycache")
    try:
        run_all(tools, data, args, report)
    finally:
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    command = " ".join(["python bench/daemon_bench.py", *(sys.argv[1:])])
    lines = [
        f"Command: `{command}`",
        date_line(started, load),
        f"Machine: {machine()}",
        version,
        "Bytecode: children use PYTHONPYCACHEPREFIX=<data>/pycache"
        + (f" (the environment had PYTHONDONTWRITEBYTECODE={dont_write})" if dont_write else ""),
        "",
        *check_table(report.checks),
        "",
        *report.sections,
    ]
    return lines, all(c.passed for c in report.checks)


def run_all(
    tools: Tools, data: Path, args: argparse.Namespace, report: Report
) -> list[LatencySample]:
    samples: list[LatencySample] = []
    if args.only in (None, "latency"):
        samples += bench_latency_small(tools, data, args, report)
    if args.only in (None, "big"):
        volume = data / "big" / "RAID_BIG"
        volume.parent.mkdir(parents=True, exist_ok=True)
        build_volume(volume, args)
        state = data / "big" / "state"
        if state.exists():
            shutil.rmtree(state)
        once_config = write_config(data / "big" / "once.toml", state, volume, 0)
        config = write_config(data / "big" / "rollkeeper.toml", state, volume, args.settle)
        print(f"verifying the volume with `rollkeeper run --once` ({args.rolls} rolls)", flush=True)
        once = run_child([tools.rollkeeper, "run", "--once", "--config", str(once_config)])
        report.add(
            f"`rollkeeper run --once` on the new volume (verifies all {args.rolls} rolls): "
            f"{once.wall:.1f} s wall, {once.cpu:.1f} s CPU.",
            "",
        )
        rescan_cpu = bench_rescan(
            tools, data, volume=volume, config=config, args=args, report=report
        )
        if args.status:
            bench_status(tools, data, config=config, state=state, args=args, report=report)
        samples += bench_idle_and_big_latency(
            tools,
            data,
            volume=volume,
            config=config,
            state=state,
            args=args,
            report=report,
            rescan_cpu=rescan_cpu,
        )
    if samples:
        report.sections[:0] = [
            "### 1. Detection latency",
            "",
            f"settle_seconds = {args.settle:g}; default watch settings; rolls of "
            f"{args.latency_files} x {args.latency_file_kib} KiB copied in with mtimes kept, "
            "alternately MHL last and MHL first; latency = `roll_copies.ready_at` - newest "
            "ctime in the copied roll.",
            "",
            *latency_table(samples),
            "",
        ]
    return samples


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return run_main("daemon_bench", lambda: bench(args), args.strict)


if __name__ == "__main__":
    sys.exit(main())
