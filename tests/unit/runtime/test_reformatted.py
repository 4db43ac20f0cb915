"""Specification: a drive that comes back with its label on a new filesystem (reformatted) is
recorded erased for the rolls it was cleared for, and the new filesystem is a drive of its own.

Filesystem UUIDs come from `/dev/disk/by-uuid`, which this machine (a container) does not have,
so no real reformat can be told from a remount here: the list of present volumes is given at the
call (`runtime.mounts.present_volumes`), with the UUIDs a real reformat would show.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from rollkeeper.core import happened
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs.volumes import MountedVolume
from rollkeeper.ledger.rows import VerifiedFile
from rollkeeper.runtime import mounts

from tests.unit.runtime.conftest import A001, Cart, CartMaker, started


def present(root: Path, fs_uuid: str) -> list[MountedVolume]:
    return [MountedVolume("RAID_A", "raid", root, fs_uuid, "", "ext4", False)]


def cleared_cart(make_cart: CartMaker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cart:
    """RAID_A on the filesystem OLD, its roll verified and, a moment later, the drive cleared."""
    monkeypatch.setattr(mounts, "present_volumes", lambda _s: present(tmp_path / "RAID_A", "OLD"))
    cart = make_cart()
    cart.scan()
    volume_id = cart.volume.volume_id
    cart.ledger.set_copy_state(A001, volume_id, CopyState.VERIFYING, event=started(cart))
    files = [VerifiedFile("Clips/A001C001.mov", 4096, {"xxh64": "ab"}, "ok", {}, 1, 2)]
    proven = happened.copy_verified(A001, volume_id, label="RAID_A", files=1, problems=[])
    cart.ledger.record_verification(
        A001, volume_id, CopyState.VERIFIED, files, problems=[], event=proven
    )
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=5), tick=False):
        cart.ledger.record_clearance(
            volume_id=volume_id,
            clear=True,
            level="raid",
            verdict={},
            evidence={"rolls": [{"roll": {"roll_id": A001}}]},
        )
    return cart


def test_a_cleared_drive_back_on_a_new_filesystem_is_recorded_erased(
    make_cart: CartMaker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cart = cleared_cart(make_cart, monkeypatch, tmp_path)
    old = cart.volume.volume_id
    monkeypatch.setattr(mounts, "present_volumes", lambda _s: present(tmp_path / "RAID_A", "NEW"))

    cart.service.refresh_volumes(start_watchers=False)

    copy = cart.ledger.copy(A001, old)
    assert copy is not None and copy.state is CopyState.ERASED
    (erased,) = cart.said("volume_erased")
    assert erased == (
        "RAID_A came back reformatted (its label is on a new filesystem): recorded as erased; "
        f"its 1 roll copy no longer count: {A001}."
    )
    assert cart.volume.volume_id != old  # the new filesystem is a drive of its own


def test_the_same_filesystem_back_again_is_no_erasure(
    make_cart: CartMaker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cart = cleared_cart(make_cart, monkeypatch, tmp_path)
    monkeypatch.setattr(mounts, "present_volumes", lambda _s: [])
    cart.service.refresh_volumes(start_watchers=False)
    monkeypatch.setattr(mounts, "present_volumes", lambda _s: present(tmp_path / "RAID_A", "OLD"))

    cart.service.refresh_volumes(start_watchers=False)

    assert cart.said("volume_erased") == []
