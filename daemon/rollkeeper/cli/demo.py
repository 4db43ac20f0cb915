"""`make run`: a self-contained demo cart — sample rolls on a folder "drive", then the daemon.

Creates ./demo (once) with a Netflix-layout RAID folder holding two sealed rolls, a rotation
"drive", and a configuration pointing at them, then runs `rollkeeper run` in the foreground.
Copy more roll folders into demo/volumes/ while it runs to watch them being picked up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import xxhash

from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.seal import seal_asc, seal_legacy

DEMO = Path("demo").resolve()
SHOOT_DAY = "20261121_Day01"


def _clip(seed: int, size: int) -> bytes:
    block = xxhash.xxh128(seed.to_bytes(8, "big")).digest() * 4096
    return (block * (size // len(block) + 1))[:size]


def _make_roll(folder: Path, files: dict[str, int], *, asc: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for seed, (name, size) in enumerate(files.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_clip(seed + len(str(folder)), size))
    if asc:
        seal_asc(folder, HashKind.XXH64)
    else:
        seal_legacy(folder, HashKind.XXH64)


def prepare() -> Path:
    """Build the demo folders and config if they are not there yet; returns the config path."""
    config = DEMO / "rollkeeper.toml"
    raid = DEMO / "volumes" / "RAID_A"
    day = raid / SHOOT_DAY
    if not day.exists():
        _make_roll(
            day / "Camera_Media" / "A001R1AB",
            {
                "Clips/A001C001_261121_R1AB.mov": 3_000_000,
                "Clips/A001C002_261121_R1AB.mov": 2_000_000,
            },
            asc=False,
        )
        _make_roll(day / "Sound_Media" / "S001", {"S001_T01.wav": 500_000}, asc=True)
        (DEMO / "volumes" / "SHUTTLE_01").mkdir(parents=True, exist_ok=True)
        (DEMO / "target").mkdir(parents=True, exist_ok=True)
    config.write_text(
        f"""# Demo configuration written by `make run` (rollkeeper/cli/demo.py).
[cart]
name = "DEMO-CART"

[state]
dir = "{DEMO / "state"}"

[layout]
profile = "netflix"
settle_seconds = 3

[[volumes]]
path = "{raid}"
role = "raid"

[[volumes]]
path = "{DEMO / "volumes" / "SHUTTLE_*"}"
role = "rotation"

[target]
kind = "fs"
path = "{DEMO / "target"}"
""",
        encoding="utf-8",
    )
    return config


def main() -> None:
    config = prepare()
    print(f"rollkeeper demo: volumes in {DEMO / 'volumes'}, config {config}")
    print(f"  status in another shell: .venv/bin/rollkeeper status --config {config}")
    print("  Ctrl-C stops the daemon.\n", flush=True)
    rollkeeper = Path(sys.executable).parent / "rollkeeper"
    os.execv(rollkeeper, [str(rollkeeper), "run", "--config", str(config)])  # noqa: S606


if __name__ == "__main__":
    main()
