"""Verification throughput of `rollkeeper verify` against xxhsum and ascmhl, and its peak memory.

Everything runs as separate processes through the real command lines, on the same files, in the
same run, with a warm page cache:

* one large file:   `xxhsum -H64 FILE`          vs `rollkeeper verify --jobs 1 ROLL`  (>= 0.9)
* a roll of files:  `xxhsum -H64 FILE...`       vs `rollkeeper verify --jobs 2 ROLL`  (>= 1.4)
* the same roll, sealed as ASC MHL:
                    `ascmhl-debug verify ROLL`  vs `rollkeeper verify --jobs 2 ROLL`  (> 1)
* peak RSS of `rollkeeper verify` on one large file (default 4 GiB)                   (< 100 MB)

Ratios are throughput ratios (rollkeeper ÷ reference; > 1 means rollkeeper is faster), each from
the median of several interleaved repetitions. The ratios are end to end, as a user sees them:
rollkeeper's fixed cost (interpreter start, imports, scan, MHL parse) counts. That cost is timed on
its own too, beside a bare start of the same interpreter, and the report shows each ratio without
it, for information. rollkeeper is measured as installed: its package is byte-compiled first, as
`make` installs it (an environment with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every
module from source at every start).

On a shared machine, each run first waits (briefly) for other processes to go quiet, and a round
during which they kept more than --max-background cores busy is run again; the table shows how
many rounds that took and how busy the machine was during the rounds kept.

Test data is created once under --data-dir (bench/data by default, ignored by git) and reused;
the file for the memory check is deleted after use. Run small with e.g.
`--single-mib 64 --roll-files 2 --roll-file-mib 32 --rss-mib 128 --reps 3`.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for bench.*

from bench.harness import (
    REPO,
    BenchError,
    command_failed,
    cpu_model,
    date_line,
    kernel,
    machine_busy_seconds,
    run_main,
    rusage_cpu,
    table,
    verdict,
)

MIB = 1024 * 1024
_WRITE_CHUNK = 8 * MIB
_REPO = REPO


@dataclass(frozen=True, slots=True)
class Run:
    """One finished child process: wall seconds, CPU seconds and peak resident set (bytes)."""

    wall: float
    cpu: float
    max_rss: int
    background: float  # cores other processes kept busy meanwhile


@dataclass(frozen=True, slots=True)
class Timing:
    """Repeated runs of one command over `size` bytes."""

    label: str
    argv: tuple[str, ...]
    size: int
    runs: tuple[Run, ...]
    rounds: int  # rounds run, including those repeated because the machine was busy

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def mb_per_s(self) -> float:
        return self.size / self.median / 1e6

    @property
    def cpu_per_wall(self) -> float:
        return statistics.median(r.cpu for r in self.runs) / self.median

    @property
    def background(self) -> float:
        return statistics.median(r.background for r in self.runs)


@dataclass(frozen=True, slots=True)
class Ratio:
    name: str
    value: float
    target: str
    passed: bool
    without_startup: float | None = None  # for information: the same ratio, fixed cost removed


# --- running children -------------------------------------------------------------------------


def wait_until_quiet(limit: float, threshold: float = 0.15, window: float = 0.25) -> None:
    """Wait (at most `limit` seconds) until other processes use < `threshold` of a core.

    Other people's test runs on a shared machine would otherwise land in some timings and not
    in others; waiting keeps the comparison fair, and each run still records how busy the
    machine was (`background`).
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = machine_busy_seconds()
        time.sleep(window)
        if (machine_busy_seconds() - before) / window < threshold:
            return


def run_once(argv: Sequence[str], *, quiet_wait: float = 0.0) -> Run:
    """Run `argv` with stdout discarded; its rusage comes from wait4 on that very child."""
    if quiet_wait:
        wait_until_quiet(quiet_wait)
    with tempfile.TemporaryFile() as errors:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, errors.fileno(), 2),
        ]
        busy_before = machine_busy_seconds()
        started = time.perf_counter()
        pid = os.posix_spawn(argv[0], list(argv), os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - started
        busy = machine_busy_seconds() - busy_before
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise command_failed(argv, code, message)
    cpu = rusage_cpu(usage)
    # ru_maxrss is in KiB on Linux. /proc/stat counts in ticks: clamp the rounding.
    return Run(wall, cpu, usage.ru_maxrss * 1024, max(0.0, (busy - cpu) / wall))


@dataclass(frozen=True, slots=True)
class Pacing:
    """How runs are protected from other people's work on a shared machine."""

    reps: int
    quiet_wait: float  # seconds to wait, before each run, for the machine to go quiet
    max_background: float  # a round in which other processes used more cores is run again


def time_interleaved(
    commands: Sequence[tuple[str, Sequence[str]]], size: int, pacing: Pacing
) -> list[Timing]:
    """Run the commands one after the other, in rounds, until `reps` rounds ran undisturbed.

    Round-robin, so drifting load hits all commands alike; a round during which other processes
    kept more than `max_background` cores busy is repeated (at most 4 x reps rounds in all;
    then the least disturbed rounds are kept and the table shows how busy the machine was).
    """
    rounds: list[list[Run]] = []
    while len(rounds) < 4 * pacing.reps:
        rounds.append([run_once(argv, quiet_wait=pacing.quiet_wait) for _, argv in commands])
        clean = [r for r in rounds if max(run.background for run in r) <= pacing.max_background]
        if len(clean) >= pacing.reps:
            break
    kept = sorted(rounds, key=lambda r: max(run.background for run in r))[: pacing.reps]
    kept.sort(key=rounds.index)
    return [
        Timing(label, tuple(argv), size, tuple(r[index] for r in kept), len(rounds))
        for index, (label, argv) in enumerate(commands)
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

    @property
    def python(self) -> str:
        """The interpreter rollkeeper runs on (its venv's)."""
        return str(Path(self.rollkeeper).parent / "python")

    def byte_compile(self) -> str:
        """Byte-compile the installed rollkeeper package, as `make` installs it; its folder."""
        where = subprocess.run(
            [
                self.python,
                "-c",
                "import rollkeeper, os; print(os.path.dirname(rollkeeper.__file__))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.check([self.python, "-m", "compileall", "-q", where])
        return where

    def verify(self, roll: Path, jobs: int) -> list[str]:
        return [self.rollkeeper, "verify", "--jobs", str(jobs), str(roll)]


# --- report -----------------------------------------------------------------------------------


def machine() -> str:
    return f"{os.cpu_count()} CPUs (nproc), {cpu_model()}, {kernel()}"


def tool_versions(tools: Tools) -> str:
    def first_line(argv: list[str]) -> str:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        text = (done.stdout or done.stderr).strip()
        return text.splitlines()[0].strip() if text else "?"

    return "; ".join(
        (
            first_line([tools.xxhsum, "--version"]),
            first_line([tools.rollkeeper, "--version"]),
            first_line([tools.ascmhl_debug, "--version"]),
            f"Python {platform.python_version()}",
        )
    )


def _shown(argv: Sequence[str], data_dir: Path) -> str:
    """A command as the report shows it: the program's name, test data under `$DATA`."""
    words = [Path(argv[0]).name, *(w.replace(str(data_dir), "$DATA") for w in argv[1:])]
    files = [w for w in words if w.startswith("$DATA/")]
    if len(files) > 2:  # a roll's files, one by one
        words = [w for w in words if w not in files[1:]] + [f"... ({len(files)} files)"]
    return " ".join(words)


def timing_table(timings: Sequence[Timing], data_dir: Path) -> list[str]:
    header = ["case", "command", "data", "median s", "MB/s", "CPU/wall", "busy elsewhere"]
    rows = [
        [
            t.label,
            f"`{_shown(t.argv, data_dir)}`",
            f"{t.size / MIB:.0f} MiB",
            f"{t.median:.3f}",
            f"{t.mb_per_s:.0f}",
            f"{t.cpu_per_wall:.2f}",
            f"{t.background:.2f}",
            f"{len(t.runs)}/{t.rounds}",
            " ".join(f"{r.wall:.3f}" for r in t.runs),
        ]
        for t in timings
    ]
    return table([*header, "kept/run", "kept runs (s)"], rows, "llrrrrrr")


def ratio_table(ratios: Sequence[Ratio]) -> list[str]:
    rows = [
        [
            r.name,
            f"{r.value:.2f}",
            r.target,
            verdict(r.passed),
            "" if r.without_startup is None else f"{r.without_startup:.2f}",
        ]
        for r in ratios
    ]
    header = ["check", "value", "target", "result", "without rollkeeper's start-up"]
    return table(header, rows, "lrllr")


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
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=5.0,
        help="before each run, wait up to this many seconds for other processes to go quiet",
    )
    parser.add_argument(
        "--max-background",
        type=float,
        default=0.25,
        help="repeat a round when other processes kept more cores than this busy during it",
    )
    parser.add_argument(
        "--prepare", action="store_true", help="only create the test data (not the RSS file)"
    )
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


def _speed_ratio(name: str, pair: Sequence[Timing], fixed: Timing, minimum: float) -> Ratio:
    """rollkeeper's throughput ÷ the reference's, as measured and with its fixed cost removed.

    `minimum` is inclusive; a target of "> 1" is passed as 1 and shown as such.
    """
    reference, ours = pair
    value = reference.median / ours.median
    hashing = ours.median - fixed.median
    without = reference.median / hashing if hashing > 0 else None
    if minimum == 1:
        return Ratio(name, value, "> 1 (well above)", value > 1, without)
    return Ratio(name, value, f">= {minimum}", value >= minimum, without)


def bench(args: argparse.Namespace) -> tuple[list[str], bool]:
    tools = Tools.find(args.bin_dir)
    data_dir: Path = args.data_dir.resolve()
    single_size = args.single_mib * MIB
    roll_sizes = [args.roll_file_mib * MIB] * args.roll_files
    roll_size = sum(roll_sizes)
    rss_size = args.rss_mib * MIB
    check_space(data_dir, single_size + roll_size + rss_size)
    pacing = Pacing(args.reps, args.quiet_wait, args.max_background)

    single, single_files, _ = make_roll(data_dir, "single", [single_size], tools)
    roll, roll_files, asc = make_roll(
        data_dir, "roll", roll_sizes, tools, asc_copy=not args.skip_asc
    )
    tiny, _, _ = make_roll(data_dir, "tiny", [4096], tools)
    if args.prepare:
        return [f"test data ready in {data_dir}"], True
    package = tools.byte_compile()
    print("warming the page cache", flush=True)
    warm([*single_files, *roll_files])

    started = datetime.now(UTC)
    loads = os.getloadavg()[:1]
    print(f"timing, {pacing.reps} interleaved repetitions each", flush=True)
    fixed, bare = time_interleaved(
        [("fixed cost", tools.verify(tiny, 1)), ("interpreter", [tools.python, "-c", "pass"])],
        0,
        pacing,
    )
    single_t = time_interleaved(
        [
            ("1 file", [tools.xxhsum, "-H64", *map(str, single_files)]),
            ("1 file", tools.verify(single, 1)),
        ],
        single_size,
        pacing,
    )
    roll_t = time_interleaved(
        [
            ("roll", [tools.xxhsum, "-H64", *map(str, roll_files)]),
            ("roll", tools.verify(roll, 2)),
        ],
        roll_size,
        pacing,
    )
    timings = [fixed, bare, *single_t, *roll_t]
    ratios = [
        _speed_ratio("1 file: rollkeeper --jobs 1 ÷ xxhsum -H64", single_t, fixed, 0.9),
        _speed_ratio(
            f"roll of {len(roll_sizes)}: rollkeeper --jobs 2 ÷ xxhsum -H64",
            roll_t,
            fixed,
            1.4,
        ),
    ]
    if asc is not None:
        asc_t = time_interleaved(
            [
                ("ASC roll", [tools.ascmhl_debug, "verify", str(asc)]),
                ("ASC roll", tools.verify(asc, 2)),
            ],
            roll_size,
            pacing,
        )
        timings += asc_t
        ratios.append(
            _speed_ratio(
                "ASC roll: rollkeeper --jobs 2 ÷ ascmhl-debug verify",
                asc_t,
                fixed,
                1,
            )
        )

    if rss_size:
        print(f"peak RSS on a {rss_size / MIB:.0f} MiB file", flush=True)
        big, _, _ = make_roll(data_dir, "rss", [rss_size], tools)
        try:
            peak = max(run_once(tools.verify(big, 2)).max_rss for _ in range(3))
        finally:
            shutil.rmtree(big)
            (data_dir / "rss.spec.json").unlink(missing_ok=True)
        ratios.append(
            Ratio(
                f"peak RSS (MB), `rollkeeper verify --jobs 2` of one {rss_size / MIB:.0f} MiB "
                "file, max of 3 runs",
                peak / 1e6,
                "< 100",
                peak < 100e6,
            )
        )

    python = sys.executable
    if python.startswith(str(_REPO) + os.sep):
        python = os.path.relpath(python, _REPO)
    command = " ".join([python, "bench/verify_throughput.py", *sys.argv[1:]])
    lines = [
        f"Command: `{command}` (DATA = {data_dir})",
        date_line(started, loads),
        f"Machine: {machine()}",
        f"Tools: {tool_versions(tools)}",
        f"Bytecode: {package} byte-compiled before timing (`python -m compileall`)"
        + (
            "; the environment sets PYTHONDONTWRITEBYTECODE=1"
            if os.environ.get("PYTHONDONTWRITEBYTECODE")
            else ""
        ),
        "",
        *timing_table(timings, data_dir),
        "",
        "`fixed cost` is `rollkeeper verify` of a roll holding one 4 KiB file: interpreter "
        "start, imports, scan, MHL parse, report; `interpreter` is the bare start of the same "
        "Python (`python -c pass`, site-packages included). `busy elsewhere`: cores other "
        "processes kept "
        "busy during the kept runs (median); `kept/run`: rounds kept of those run (a round "
        "disturbed by other work is run again).",
        "",
        *ratio_table(ratios),
    ]
    return lines, all(r.passed for r in ratios)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return run_main("verify_throughput", lambda: bench(args), args.strict)


if __name__ == "__main__":
    sys.exit(main())
