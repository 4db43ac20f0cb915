"""The README's screenshots of the drives board: `python -m tests.unit.dashboard.board_sample
[FOLDER]` (default docs/images). A real `run --once` over real roll folders — a RAID, a shuttle
whose rolls are stored on a folder target, a shuttle with a roll that does not match its MHL —
served by the real dashboard and drawn by headless Chromium at a laptop's and a phone's width."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rollkeeper.config.dashboard import ListenAddress
from rollkeeper.dashboard.app import build_app
from rollkeeper.dashboard.guard import Gate
from rollkeeper.dashboard.server import DashboardServer
from rollkeeper.dashboard.views import StatusSource
from rollkeeper.runtime.service import Service

from tests.browser import screenshot
from tests.unit.runtime.conftest import (
    A001,
    A001_FILES,
    A002,
    cart_config,
    folder_target,
    make_roll,
)


def _cart(root: Path) -> Path:
    """The sample cart after one pass; its state folder."""
    raid, good, bad = root / "RAID_A", root / "SHUTTLE_01", root / "SHUTTLE_02"
    for drive in (raid, good):
        make_roll(drive, A001, A001_FILES)
    broken = make_roll(bad, A002, A001_FILES)
    clip = broken / "Clips/A001C001.mov"
    clip.write_bytes(bytes(255 - b for b in clip.read_bytes()))  # same size, other bytes
    (root / "nas").mkdir()
    volumes = [
        {"path": str(raid), "role": "raid"},
        {"path": str(good), "role": "rotation"},
        {"path": str(bad), "role": "rotation"},
    ]
    config = cart_config(root, volumes=volumes, target=folder_target(root / "nas"))
    Service(config).run_once(wait=0)
    return config.state.resolved_dir()


def main(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        source = StatusSource(_cart(root))
        app = build_app(source, Gate.of("127.0.0.1", [], None), "CART-A")
        server = DashboardServer(app, ListenAddress("127.0.0.1", 0))
        assert server.start() is None and server.wait_started(10)
        try:
            for name, size in (
                ("dashboard-1280.png", "1280,900"),
                ("dashboard-390.png", "390,1500"),
            ):
                screenshot(server.url, root, folder / name, size)
                print(f"wrote {folder / name}")
        finally:
            server.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images"))
