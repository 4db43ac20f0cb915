"""A cart for the runtime's pieces: real roll folders on a volume folder, a real ledger in
tmp_path, and the daemon's parts composed by `Service` (open, not running)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rollkeeper.config.schema import Config
from rollkeeper.core import happened
from rollkeeper.core.events import Event
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.ledger.store import Ledger
from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.seal import seal_legacy
from rollkeeper.runtime.service import Service
from rollkeeper.runtime.trackers import VolumeState

from tests.builders import clip, write_files

DAY = "20261121_Day01"
A001 = f"{DAY}/Camera_Media/A001R1AB"
A002 = f"{DAY}/Camera_Media/A002R1AB"
A001_FILES = {"Clips/A001C001.mov": clip(1, 4096), "Clips/A001C002.mov": clip(2, 8192)}


def make_roll(volume: Path, folder: str, files: dict[str, bytes]) -> Path:
    """A roll folder at `volume/folder` holding `files`, sealed with a legacy MHL."""
    root = write_files(volume / folder, files)
    seal_legacy(root, HashKind.XXH64)
    return root


def cart_config(tmp_path: Path, *, role: str = "raid", **sections: Any) -> Config:
    """One volume folder, RAID_A, in `tmp_path`; the state folder beside it; `sections` add
    to (or replace) the configuration's tables."""
    raw: dict[str, Any] = {
        "cart": {"name": "TEST-CART"},
        "state": {"dir": str(tmp_path / "state")},
        "layout": {"settle_seconds": 0},
        "volumes": [{"path": str(tmp_path / "RAID_A"), "role": role}],
        "dashboard": {"listen": ""},  # no page on a fixed port while tests run side by side
    }
    raw.update(sections)
    return Config.model_validate(raw)


def folder_target(store: Path) -> dict[str, Any]:
    """The `[target]` table of a folder target at `store`."""
    return {"kind": "fs", "path": str(store), "prefix": "show"}


@dataclass
class Cart:
    """An open service on RAID_A, its volume refreshed (no watchers)."""

    service: Service
    root: Path

    @property
    def ledger(self) -> Ledger:
        return self.service.ledger

    @property
    def volume(self) -> VolumeState:
        (volume,) = self.service.volumes.values()
        return volume

    def state(self, roll_id: str) -> CopyState | None:
        copy = self.ledger.copy(roll_id, self.volume.volume_id)
        return copy.state if copy else None

    def kinds(self, roll_id: str | None = None) -> list[str]:
        return [str(e.kind) for e in self.ledger.events(roll_id=roll_id)]

    def scan(self) -> None:
        self.service.scan_volume(self.volume)

    def said(self, kind: str, roll_id: str | None = None) -> list[str]:
        """The sentences of the recorded events of `kind`, oldest first."""
        return [e.message for e in self.ledger.events(roll_id=roll_id) if e.kind == kind]


def started(cart: Cart, roll_id: str = A001) -> Event:
    """The copy of `roll_id` on RAID_A goes to a worker, as `Jobs.submit` says it."""
    return happened.verification_started(
        roll_id, cart.volume.volume_id, label="RAID_A", retry=False, uploading=False
    )


CartMaker = Callable[..., Cart]


def uploaded_to_a_folder(make_cart: CartMaker, store: Path, recheck_interval: str) -> Cart:
    """A rotation drive's roll A001 verified, uploaded to a folder target at `store` (made
    here) and proven; its objects due a listing every `recheck_interval`."""
    store.mkdir()
    cart = make_cart(
        role="rotation",
        target=folder_target(store),
        clearance={"recheck_interval": recheck_interval},
    )
    cart.scan()
    cart.service.steps.settling.evaluate()
    cart.service.steps.jobs.collect(wait_for_one=True)
    return cart


@pytest.fixture
def make_cart(tmp_path: Path) -> Iterator[CartMaker]:
    """Open a service on RAID_A (created, with roll A001 unless `rolls` says otherwise)."""
    opened: list[Service] = []

    def make(rolls: dict[str, dict[str, bytes]] | None = None, **sections: Any) -> Cart:
        root = tmp_path / "RAID_A"
        root.mkdir(exist_ok=True)
        for folder, files in ({A001: A001_FILES} if rolls is None else rolls).items():
            make_roll(root, folder, files)
        service = Service(cart_config(tmp_path, **sections))
        service.open()
        opened.append(service)
        service.refresh_volumes(start_watchers=False)
        return Cart(service, root)

    yield make
    for service in opened:
        if service.context.is_open:
            service.close()


@pytest.fixture
def cart(make_cart: CartMaker) -> Cart:
    """RAID_A with roll A001, walked once: the roll is discovered and settling."""
    made = make_cart()
    made.scan()
    return made
