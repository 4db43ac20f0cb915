"""`make run`: a demo cart showing the whole job — a shoot day offloaded, proven, stored, archived
and cleared for erasure — in well under a minute.

Builds (afresh at every run) a folder `demo/` in the current directory: a RAID folder holding one
shoot day (two camera rolls with their card folders and sidecars, and a sound roll; sealed with a
legacy MHL and ASC MHL histories), a SHUTTLE_01 folder holding copies of them, a folder target,
an archive folder (the `fs-copy` archive, `make_copy = true`: rollkeeper makes the archival copy
itself) and a configuration with short settle and poll times and a console channel that prints
every notification that would have been sent. Then it runs `rollkeeper run` in the foreground:
the rolls are detected, verified, uploaded, archived, SHUTTLE_01 may be erased, then the RAID.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import xxhash

from rollkeeper.config.dashboard import DEFAULT_LISTEN
from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.seal import seal_asc, seal_legacy

SHOOT_DAY = "20261121_Day01"
#: Written into the demo folder so that a later run knows the folder is the demo's to replace.
MARKER = ".rollkeeper-demo"
#: The first line of the configuration an older `make run` wrote (its folder had no marker).
OLD_HEADER = "# Demo configuration written by `make run`"


@dataclass(frozen=True, slots=True)
class SampleRoll:
    """One roll of the sample day: where it sits under the shoot day, its files, its MHL."""

    folder: str
    files: dict[str, int]
    asc: bool


#: The shoot day: an ARRI-style A camera card (CLIPS/ and an ALE sidecar, a legacy MHL), a
#: Sony-style B camera card (XDROOT/Clip, its XML sidecars, an ASC MHL) and a sound roll.
ROLLS = (
    SampleRoll(
        "Camera_Media/A001R1AB",
        {
            "CLIPS/A001C001_261121_R1AB.mxf": 3_000_000,
            "CLIPS/A001C002_261121_R1AB.mxf": 2_500_000,
            "CLIPS/A001C003_261121_R1AB.mxf": 1_500_000,
            "A001R1AB.ale": 4_000,
        },
        asc=False,
    ),
    SampleRoll(
        "Camera_Media/B001R2CD",
        {
            "XDROOT/Clip/B001C001_2611210A.MXF": 2_800_000,
            "XDROOT/Clip/B001C001_2611210AM01.XML": 3_000,
            "XDROOT/Clip/B001C002_2611210B.MXF": 2_200_000,
            "XDROOT/Clip/B001C002_2611210BM01.XML": 3_000,
            "XDROOT/MEDIAPRO.XML": 2_000,
        },
        asc=True,
    ),
    SampleRoll(
        "Sound_Media/S001",
        {"S001_T01.wav": 600_000, "S001_T02.wav": 450_000, "S001.csv": 1_000},
        asc=True,
    ),
)


@dataclass(frozen=True, slots=True)
class DemoCart:
    """The demo's folders, all under `root`."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "rollkeeper.toml"

    @property
    def raid(self) -> Path:
        return self.root / "volumes" / "RAID_A"

    @property
    def shuttle(self) -> Path:
        return self.root / "volumes" / "SHUTTLE_01"

    @property
    def target(self) -> Path:
        return self.root / "target"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def state(self) -> Path:
        return self.root / "state"


def _clip(seed: str, size: int) -> bytes:
    """`size` bytes of content that differs from file to file (cheap: one hash repeated)."""
    block = xxhash.xxh128(seed.encode()).digest() * 4096
    return (block * (size // len(block) + 1))[:size]


def _make_roll(folder: Path, roll: SampleRoll) -> None:
    for name, size in roll.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_clip(f"{roll.folder}/{name}", size))
    if roll.asc:
        seal_asc(folder, HashKind.XXH64)
    else:
        seal_legacy(folder, HashKind.XXH64)


def _is_ours(root: Path) -> bool:
    """Whether `root` is a demo folder a previous `make run` made (so it may be replaced)."""
    if (root / MARKER).exists():
        return True
    try:
        first = (root / "rollkeeper.toml").read_text(encoding="utf-8").splitlines()[:1]
    except (OSError, UnicodeDecodeError):
        return False
    return bool(first) and first[0].startswith(OLD_HEADER)


def _toml_path(path: Path) -> str:
    """`path` as a TOML basic string (backslashes and quotes escaped)."""
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_text(cart: DemoCart) -> str:
    """The demo's configuration: short settle and poll times, so the whole job shows at once."""
    return f"""{OLD_HEADER} (rollkeeper/cli/demo.py).
# Short settle and poll times so that the whole job shows within a minute; a cart uses the
# defaults (config/rollkeeper.example.toml).
[cart]
name = "DEMO-CART"

[state]
dir = {_toml_path(cart.state)}

[layout]
profile = "netflix"
settle_seconds = 2

[[volumes]]
path = {_toml_path(cart.raid)}
role = "raid"

[[volumes]]
path = {_toml_path(cart.root / "volumes" / "SHUTTLE_*")}
role = "rotation"

[target]
kind = "fs"
path = {_toml_path(cart.target)}

[archive]
provider = "fs-copy"
path = {_toml_path(cart.archive)}
make_copy = true
poll_interval = "3s"
poll_interval_later = "3s"

[clearance]
min_onset_copies = 2

[[notify.console]]
name = "console"
"""


def prepare(root: Path) -> DemoCart:
    """Build the demo cart under `root` afresh (replacing a previous demo, never anything else).
    Raises `FileExistsError` when `root` exists and is not a demo folder."""
    cart = DemoCart(root)
    if root.exists():
        if not _is_ours(root):
            raise FileExistsError(root)
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / MARKER).write_text("made by `make run`; replaced at the next run\n", encoding="utf-8")
    day = cart.raid / SHOOT_DAY
    for roll in ROLLS:
        _make_roll(day / roll.folder, roll)
    shutil.copytree(day, cart.shuttle / SHOOT_DAY)  # the shuttle's copy: MHLs and all
    cart.target.mkdir()
    cart.archive.mkdir()
    cart.config.write_text(config_text(cart), encoding="utf-8")
    return cart


#: Where the demo's daemon serves its dashboard (the default `[dashboard] listen`).
DEMO_DASHBOARD = f"http://{DEFAULT_LISTEN}/"


def introduction(cart: DemoCart, rollkeeper: Path) -> str:
    """What `make run` says before the daemon's log starts: where everything is."""
    return (
        f"rollkeeper demo cart in {cart.root}\n"
        f"  drives:  {cart.raid} (RAID) and {cart.shuttle} (a shuttle holding copies)\n"
        f"  storage: {cart.target} (the target), {cart.archive} (the archive)\n"
        f"  config:  {cart.config}\n"
        f"  status in another shell: {rollkeeper} status --config {cart.config}\n"
        f"  dashboard: {DEMO_DASHBOARD} (the drives board in a browser; JSON under /api/)\n"
        "Watch for: rolls verified and uploaded, the archive made, 'SHUTTLE_01 may be erased', "
        "then the RAID.\n"
        "Notifications that would be sent are printed between rules. Ctrl-C stops the daemon.\n"
    )


def main() -> None:
    """Build the demo cart in ./demo and replace this process with the daemon running on it."""
    root = Path("demo").resolve()
    try:
        cart = prepare(root)
    except FileExistsError:
        sys.stderr.write(
            f"rollkeeper demo: {root} exists and is not a demo folder; move it away or run "
            "`make run` from another folder\n"
        )
        sys.exit(3)
    rollkeeper = Path(sys.executable).parent / "rollkeeper"
    sys.stdout.write(introduction(cart, rollkeeper) + "\n")
    sys.stdout.flush()
    os.execv(rollkeeper, [str(rollkeeper), "run", "--config", str(cart.config)])  # noqa: S606


if __name__ == "__main__":
    main()
