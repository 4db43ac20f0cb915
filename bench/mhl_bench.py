"""MHL reading at scale: a legacy MHL of a million entries, read by rollkeeper's reader
(`rollkeeper.mhl.legacy.read_legacy`: the hardened parser, every entry checked and kept) against
the least a reader can do — lxml's iterparse counting the `<hash>` elements of the same file,
each freed as it goes — in fresh child processes, alternated; wall time, CPU and peak RSS of each.

Issue 16 asks for a 1M-entry MHL's time and peak RSS (the suite reads 100k entries). Run:
`.venv/bin/python bench/mhl_bench.py [--entries N] [--repeats R]`; the MHL is written under
bench/data/mhl (ignored by git) and kept for the next run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for bench.*

from bench.harness import REPO, commit_measured

_READ = """
import json, resource, sys, time
from pathlib import Path
started, cpu = time.perf_counter(), time.process_time()
if sys.argv[1] == "rollkeeper":
    from rollkeeper.mhl.legacy import read_legacy
    entries, _warnings = read_legacy(Path(sys.argv[2]))
    count = len(entries)
else:
    from lxml import etree
    count = 0
    for _event, element in etree.iterparse(sys.argv[2], tag="hash"):
        count += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
print(json.dumps({"count": count, "wall": time.perf_counter() - started,
                  "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_mhl(path: Path, entries: int) -> None:
    """A legacy MHL of `entries` files in 1,000 clip folders, written once."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<hashlist version="1.1">\n')
        out.write("  <creatorinfo><tool>bench</tool></creatorinfo>\n")
        for n in range(entries):
            out.write(
                f"  <hash><file>Clips/C{n // 1000:04d}/A001C{n:07d}.mov</file>"
                f"<size>{4096 + n}</size><lastmodificationdate>2026-11-21T10:00:00Z"
                f"</lastmodificationdate><xxhash64be>{n:016x}</xxhash64be>"
                "<hashdate>2026-11-21T10:00:00Z</hashdate></hash>\n"
            )
        out.write("</hashlist>\n")


def read(reader: str, mhl: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _READ, reader, str(mhl)],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    mhl = REPO / "bench" / "data" / "mhl" / f"legacy-{args.entries}.mhl"
    started = time.perf_counter()
    write_mhl(mhl, args.entries)
    print(f"MHL: {mhl} ({mhl.stat().st_size / 1e6:.0f} MB), {time.perf_counter() - started:.1f} s")
    runs: dict[str, list[dict[str, float]]] = {"rollkeeper": [], "iterparse": []}
    for _ in range(args.repeats):
        for reader, results in runs.items():
            results.append(read(reader, mhl))
            assert results[-1]["count"] == args.entries, results[-1]
    print(f"\ncommit {commit_measured()}, {args.entries:,} entries, {args.repeats} alternated runs")
    print("\n| reader | wall s, median (runs) | CPU s | peak RSS MB |\n|---|---:|---:|---:|")
    for reader, results in runs.items():
        walls = [r["wall"] for r in results]
        print(
            f"| {reader} | {statistics.median(walls):.1f} ({', '.join(f'{w:.1f}' for w in walls)})"
            f" | {statistics.median(r['cpu'] for r in results):.1f}"
            f" | {max(r['rss_mb'] for r in results):.0f} |"
        )
    ours = statistics.median(r["wall"] for r in runs["rollkeeper"])
    bare = statistics.median(r["wall"] for r in runs["iterparse"])
    print(f"\nrollkeeper / bare iterparse: {ours / bare:.2f}x the time")


if __name__ == "__main__":
    main()
