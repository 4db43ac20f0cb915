"""Plumbing shared by the benchmarks in bench/: machine facts, CPU accounting, waiting, report
pieces.

The scripts import it as `bench.harness` (each puts the repository on sys.path first); each keeps
its own way of running the child it measures, since those differ on purpose (posix_spawn + wait4,
polling VmHWM, RUSAGE_CHILDREN) and the figures they publish depend on it.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

#: The repository the benchmarks measure (bench/..).
REPO = Path(__file__).resolve().parent.parent
#: Clock ticks per second, the unit of /proc/stat and /proc/<pid>/stat.
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """A command failed or the data cannot be made; the benchmark stops."""


def command_failed(argv: Sequence[str], code: int, detail: str, sep: str = ": ") -> BenchError:
    """The error for `argv` having exited with `code`, followed by `detail` (its output)."""
    return BenchError(f"{' '.join(argv)} exited with {code}{sep}{detail}")


def wait_for(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.02) -> None:
    """Poll `condition` every `poll` seconds until it holds; a BenchError naming `what` after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll)
    raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")


# --- CPU accounting ---------------------------------------------------------------------------


def rusage_cpu(usage: resource.struct_rusage) -> float:
    """User + system CPU seconds of an rusage record."""
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores, from /proc/stat).

    Idle and iowait are not busy; guest time is left out, being already counted in user time.
    0.0 where /proc/stat cannot be read.
    """
    try:
        with Path("/proc/stat").open() as stat:
            fields = [int(f) for f in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    guest = sum(fields[8:])
    return (sum(fields) - idle - guest) / CLOCK_TICK


def process_cpu_ticks(pid: int) -> int:
    """utime + stime of every thread of process `pid`, in clock ticks."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def process_memory(pid: int) -> tuple[int, int, int]:
    """Process `pid`'s resident memory and its peak (VmRSS, VmHWM) in kB, and its open files."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    rss, peak = (int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM"))
    return rss, peak, len(os.listdir(f"/proc/{pid}/fd"))


# --- the machine and the code measured --------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo ("unknown CPU" where it does not say)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def memory_gib() -> float:
    """Physical memory of the machine, in GiB."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def kernel() -> str:
    """The operating system and its release, e.g. "Linux 6.8.0"."""
    return f"{platform.system()} {platform.release()}"


def git(*args: str) -> str:
    """Output of `git ARGS` run in the repository, trailing whitespace dropped ("" on failure).

    Leading whitespace is kept: porcelain status lines start with a space that matters.
    """
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False, cwd=REPO)
    return done.stdout.rstrip()


def commit_measured() -> str:
    """The commit measured: its short hash and subject."""
    return git("log", "-1", "--format=%h %s")


def uncommitted(folder: str) -> list[str]:
    """The paths under `folder` that differ from the commit measured (others may be editing)."""
    return [line[3:] for line in git("status", "--porcelain", "--", folder).splitlines()]


# --- report pieces ----------------------------------------------------------------------------


def date_line(started: datetime, loads: Sequence[float]) -> str:
    """When the run started (UTC) and the load average(s) then, as the reports open."""
    shown = " ".join(f"{x:.2f}" for x in loads)
    return f"Date: {started:%Y-%m-%d %H:%M} UTC; load average at start: {shown}"


def spread(values: Sequence[float], digits: int = 1) -> str:
    """The range of `values` as "min-max" ("x" alone for a single value)."""
    low, high = min(values), max(values)
    return f"{low:.{digits}f}-{high:.{digits}f}" if len(values) > 1 else f"{low:.{digits}f}"


def verdict(passed: bool) -> str:
    """A target's result as the tables show it."""
    return "PASS" if passed else "MISS"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A markdown table; `align` holds one letter per column, "r" right-aligning it.

    Columns beyond `align` (all of them when it is empty) are left as markdown's default.
    """
    marks = ["---:" if align[i : i + 1] == "r" else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


# --- entry point ------------------------------------------------------------------------------


def run_main(
    name: str,
    bench: Callable[[], tuple[list[str], bool]],
    strict: bool,
) -> int:
    """Run `bench` and print its report; exit 2 on a BenchError, 1 on a missed target if strict."""
    try:
        lines, passed = bench()
    except BenchError as err:
        print(f"{name}: {err}", file=sys.stderr)
        return 2
    print()
    print("\n".join(lines))
    return 1 if strict and not passed else 0
