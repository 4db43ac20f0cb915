"""Verification throughput of `rollkeeper verify` against xxhsum and ascmhl, and its peak memory.

Everything runs as separate processes through the real command lines, on the same files, in the
same run, with a warm page cache:

* one large file:   `xxhsum -H64 FILE`          vs `rollkeeper verify --jobs 1 ROLL`  (>= 0.9)
* a roll of files:  `xxhsum -H64 FILE...`       vs `rollkeeper verify --jobs 2 ROLL`  (>= 1.4)
* the same roll, sealed as ASC MHL:
                    `ascmhl-debug verify ROLL`  vs `rollkeeper verify --jobs 2 ROLL`  (> 1)
* peak RSS of `rollkeeper verify` on one large file (default 4 GiB)                   (< 100 MB)

Ratios are throughput ratios (rollkeeper ÷ reference; > 1 means rollkeeper is faster), each from
the median of several interleaved repetitions. Test data is created once under --data-dir
(bench/data by default, ignored by git) and reused; the file for the memory check is deleted
after use. Run small with e.g. `--single-mib 64 --roll-files 2 --roll-file-mib 32 --rss-mib 128`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess  # only to read tool versions; timed runs use posix_spawn
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

MIB = 1024 * 1024
_WRITE_CHUNK = 8 * MIB
_REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Run:
    """One finished child process: wall seconds, CPU seconds and peak resident set (bytes)."""

    wall: float
    cpu: float
    max_rss: int


@dataclass(frozen=True, slots=True)
class Timing:
    """Repeated runs of one command over `size` bytes."""

    label: str
    argv: tuple[str, ...]
    size: int
    runs: tuple[Run, ...]

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def mb_per_s(self) -> float:
        return self.size / self.median / 1e6

    @property
    def cpu_per_wall(self) -> float:
        return statistics.median(r.cpu for r in self.runs) / self.median


@dataclass(frozen=True, slots=True)
class Ratio:
    name: str
    value: float
    target: str
    passed: bool


class BenchError(Exception):
    """A tool failed or the machine cannot hold the data; the benchmark stops."""


# --- running children -------------------------------------------------------------------------


def run_once(argv: Sequence[str]) -> Run:
    """Run `argv` with stdout discarded; its rusage comes from wait4 on that very child."""
    with tempfile.TemporaryFile() as errors:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, errors.fileno(), 2),
        ]
        started = time.perf_counter()
        pid = os.posix_spawn(argv[0], list(argv), os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise BenchError(f"{' '.join(argv)} exited with {code}: {message}")
    # ru_maxrss is in KiB on Linux.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def time_interleaved(
    commands: Sequence[tuple[str, Sequence[str]]], size: int, reps: int
) -> list[Timing]:
    """Run each command `reps` times, round-robin, so drifting load hits them all alike."""
    runs: list[list[Run]] = [[] for _ in commands]
    for _ in range(reps):
        for index, (_, argv) in enumerate(commands):
            runs[index].append(run_once(argv))
    return [
        Timing(label, tuple(argv), size, tuple(done))
        for (label, argv), done in zip(commands, runs, strict=True)
    ]


# --- test data --------------------------------------------------------------------------------


def _write_random(path: Path, size: int) -> None:
    with path.open("wb") as out:
        left = size
        while left:
            count = min(left, _WRITE_CHUNK)
            out.write(os.urandom(count))
            left -= count


def _spec_ok(spec_file: Path, spec: dict[str, object]) -> bool:
    try:
        return bool(json.loads(spec_file.read_text()) == spec)
    except (OSError, ValueError):
        return False


def make_roll(
    data_dir: Path, name: str, sizes: Sequence[int], tools: Tools, *, asc_copy: bool = False
) -> tuple[Path, list[Path], Path | None]:
    """A folder of random files sealed with a legacy MHL (and optionally an ASC-sealed twin).

    Reused when a previous run left the same layout; the spec file sits beside the roll so that
    no tool sees it as part of the roll.
    """
    roll = data_dir / name
    asc = data_dir / f"{name}_asc" if asc_copy else None
    files = [roll / f"A{index + 1:03d}C001_BENCH.mov" for index in range(len(sizes))]
    spec: dict[str, object] = {"sizes": list(sizes), "asc": asc_copy}
    spec_file = data_dir / f"{name}.spec.json"
    if _spec_ok(spec_file, spec):
        return roll, files, asc
    spec_file.unlink(missing_ok=True)
    for folder in (roll, asc):
        if folder is not None and folder.exists():
            shutil.rmtree(folder)
    roll.mkdir(parents=True)
    print(f"creating {roll} ({len(sizes)} file(s), {sum(sizes) / MIB:.0f} MiB)", flush=True)
    for path, size in zip(files, sizes, strict=True):
        _write_random(path, size)
    tools.check([tools.rollkeeper, "seal", "--format", "legacy", "--jobs", "2", str(roll)])
    if asc is not None:
        asc.mkdir()
        for path in files:
            target = asc / path.name
            try:
                os.link(path, target)  # same inode: same cached pages, no extra disk
            except OSError:
                shutil.copyfile(path, target)
        tools.check([tools.ascmhl, "create", "-h", "xxh64", str(asc)])
    spec_file.write_text(json.dumps(spec))
    return roll, files, asc


def warm(paths: Sequence[Path]) -> None:
    """Read every file once so that all timed runs start from the page cache."""
    buffer = bytearray(8 * MIB)
    for path in paths:
        with path.open("rb", buffering=0) as source:
            while source.readinto(buffer):
                pass


# --- tools ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tools:
    rollkeeper: str
    ascmhl: str
    ascmhl_debug: str
    xxhsum: str

    @classmethod
    def find(cls, bin_dir: Path) -> Tools:
        def need(path: str | None, hint: str) -> str:
            if path is None or not os.access(path, os.X_OK):
                raise BenchError(f"{hint} not found")
            return path

        return cls(
            rollkeeper=need(str(bin_dir / "rollkeeper"), f"{bin_dir}/rollkeeper"),
            ascmhl=need(str(bin_dir / "ascmhl"), f"{bin_dir}/ascmhl (pip install -e '.[test]')"),
            ascmhl_debug=need(str(bin_dir / "ascmhl-debug"), f"{bin_dir}/ascmhl-debug"),
            xxhsum=need(shutil.which("xxhsum"), "xxhsum (apt-get install xxhash)"),
        )

    def check(self, argv: Sequence[str]) -> None:
        run_once(argv)

    def verify(self, roll: Path, jobs: int) -> list[str]:
        return [self.rollkeeper, "verify", "--jobs", str(jobs), str(roll)]


# --- report -----------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc), {model}, {platform.system()} {platform.release()}"


def tool_versions(tools: Tools) -> str:
    def first_line(argv: list[str]) -> str:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        text = (done.stdout or done.stderr).strip()
        return text.splitlines()[0] if text else "?"

    return "; ".join(
        (
            first_line([tools.xxhsum, "--version"]),
            first_line([tools.rollkeeper, "--version"]),
            "ascmhl-debug " + first_line([tools.ascmhl_debug, "--version"]),
            f"Python {platform.python_version()}",
        )
    )


def _short(argv: Sequence[str]) -> str:
    shown = [
        Path(a).name if a.startswith("/") and index == 0 else a for index, a in enumerate(argv)
    ]
    text = " ".join(os.path.relpath(a, _REPO) if a.startswith("/") else a for a in shown)
    return text if len(text) <= 70 else text[:67] + "..."


def timing_table(timings: Sequence[Timing]) -> list[str]:
    lines = [
        "| case | command | data | median s | MB/s | CPU/wall | runs (s) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for t in timings:
        runs = " ".join(f"{r.wall:.3f}" for r in t.runs)
        lines.append(
            f"| {t.label} | `{_short(t.argv)}` | {t.size / MIB:.0f} MiB | {t.median:.3f} "
            f"| {t.mb_per_s:.0f} | {t.cpu_per_wall:.2f} | {runs} |"
        )
    return lines


def ratio_table(ratios: Sequence[Ratio]) -> list[str]:
    lines = ["| check | value | target | result |", "|---|---:|---|---|"]
    lines += [
        f"| {r.name} | {r.value:.2f} | {r.target} | {'PASS' if r.passed else 'MISS'} |"
        for r in ratios
    ]
    return lines


# --- the benchmark ----------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--data-dir", type=Path, default=_REPO / "bench" / "data", help="where test data lives"
    )
    parser.add_argument("--single-mib", type=int, default=1024, help="size of the single file")
    parser.add_argument("--roll-files", type=int, default=4, help="files in the roll")
    parser.add_argument("--roll-file-mib", type=int, default=512, help="size of each roll file")
    parser.add_argument(
        "--rss-mib", type=int, default=4096, help="file size for the peak-RSS check (0: skip it)"
    )
    parser.add_argument("--reps", type=int, default=5, help="repetitions per command (>= 3)")
    parser.add_argument(
        "--bin-dir",
        type=Path,
        default=Path(sys.prefix) / "bin",
        help="where rollkeeper, ascmhl and ascmhl-debug are (default: this Python's venv)",
    )
    parser.add_argument("--skip-asc", action="store_true", help="skip the ascmhl comparison")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.reps < 3:
        parser.error("--reps must be at least 3")
    return args


def check_space(data_dir: Path, needed: int) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(data_dir).free
    if free < needed + 2 * 1024 * MIB:
        raise BenchError(
            f"{data_dir}: {free / 2**30:.1f} GiB free, need {needed / 2**30:.1f} GiB plus 2 GiB"
        )


def bench(args: argparse.Namespace) -> tuple[list[str], bool]:
    tools = Tools.find(args.bin_dir)
    data_dir: Path = args.data_dir.resolve()
    single_size = args.single_mib * MIB
    roll_sizes = [args.roll_file_mib * MIB] * args.roll_files
    rss_size = args.rss_mib * MIB
    check_space(data_dir, single_size + sum(roll_sizes) + rss_size)
    reps: int = args.reps

    single, single_files, _ = make_roll(data_dir, "single", [single_size], tools)
    roll, roll_files, asc = make_roll(
        data_dir, "roll", roll_sizes, tools, asc_copy=not args.skip_asc
    )
    tiny, _, _ = make_roll(data_dir, "tiny", [4096], tools)
    print("warming the page cache", flush=True)
    warm([*single_files, *roll_files])

    started = datetime.now(UTC)
    load = os.getloadavg()[0]
    print(f"timing, {reps} interleaved repetitions each", flush=True)
    timings: list[Timing] = []
    (fixed,) = time_interleaved([("fixed cost", tools.verify(tiny, 1))], 0, reps)
    single_t = time_interleaved(
        [
            ("1 file", [tools.xxhsum, "-H64", *map(str, single_files)]),
            ("1 file", tools.verify(single, 1)),
        ],
        single_size,
        reps,
    )
    roll_t = time_interleaved(
        [
            ("roll", [tools.xxhsum, "-H64", *map(str, roll_files)]),
            ("roll", tools.verify(roll, 2)),
        ],
        sum(roll_sizes),
        reps,
    )
    timings += single_t + roll_t
    ratios = [
        Ratio(
            "1 file: rollkeeper --jobs 1 ÷ xxhsum -H64",
            single_t[0].median / single_t[1].median,
            ">= 0.9",
            single_t[0].median / single_t[1].median >= 0.9,
        ),
        Ratio(
            f"roll of {len(roll_sizes)}: rollkeeper --jobs 2 ÷ xxhsum -H64",
            roll_t[0].median / roll_t[1].median,
            ">= 1.4",
            roll_t[0].median / roll_t[1].median >= 1.4,
        ),
    ]
    if asc is not None:
        asc_t = time_interleaved(
            [
                ("ASC roll", [tools.ascmhl_debug, "verify", str(asc)]),
                ("ASC roll", tools.verify(asc, 2)),
            ],
            sum(roll_sizes),
            reps,
        )
        timings += asc_t
        value = asc_t[0].median / asc_t[1].median
        ratios.append(
            Ratio("ASC roll: rollkeeper --jobs 2 ÷ ascmhl-debug verify", value, "> 1", value > 1)
        )

    if rss_size:
        big, _, _ = make_roll(data_dir, "rss", [rss_size], tools)
        try:
            peak = max(run_once(tools.verify(big, 2)).max_rss for _ in range(3))
        finally:
            shutil.rmtree(big)
            (data_dir / "rss.spec.json").unlink(missing_ok=True)
        ratios.append(
            Ratio(
                f"peak RSS, verify {rss_size / MIB:.0f} MiB file (MB, max of 3)",
                peak / 1e6,
                "< 100",
                peak < 100e6,
            )
        )

    def steady(t: Timing) -> float:
        # Throughput once the fixed cost (interpreter start, imports, scan, MHL parse) is paid.
        return t.size / max(t.median - fixed.median, 1e-9) / 1e6

    command = " ".join(["python bench/verify_throughput.py", *sys.argv[1:]])
    lines: list[str] = []
    emit = lines.extend
    emit([f"Command: `{command}`"])
    emit([f"Date: {started:%Y-%m-%d %H:%M} UTC; load average at start: {load:.2f}"])
    emit([f"Machine: {machine()}"])
    emit([f"Tools: {tool_versions(tools)}", ""])
    emit([*timing_table(timings), ""])
    emit(
        [
            f"rollkeeper fixed cost (verify of a 4 KiB roll, median): {fixed.median:.3f} s; "
            "rollkeeper MB/s with it subtracted: "
            + ", ".join(
                f"{t.label} {steady(t):.0f}" for t in timings if t.argv[0] == tools.rollkeeper
            )
        ]
    )
    emit(["", *ratio_table(ratios)])
    return lines, all(r.passed for r in ratios)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)

    try:
        lines, passed = bench(args)
    except BenchError as err:
        print(f"verify_throughput: {err}", file=sys.stderr)
        return 2
    print()
    print("\n".join(lines))
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
