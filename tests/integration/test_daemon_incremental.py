"""Event-driven rescans: a change is looked at where it happened, the full walk is the safety net.

The service runs in this process on real folders and a real ledger; the watcher's reports are
handed to it the way the watcher thread hands them (`Service.note_change`), so each test says
exactly which events arrived. One test runs the real daemon with native events.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from rollkeeper.config.schema import load_config
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs.watch import Change
from rollkeeper.runtime.scanning import MIN_RESCAN_GAP
from rollkeeper.runtime.service import Service
from rollkeeper.runtime.trackers import VolumeState

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    DAY,
    Daemon,
    make_roll,
    roll_state_in_ledger,
    run_cli,
    sample_files,
    wait_until,
    write_config,
)

A002 = f"{DAY}/Camera_Media/A002R1AB"
DAY2 = "20261122_Day02"
B001 = f"{DAY2}/Camera_Media/B001R1AB"


@dataclass
class Cart:
    """A verified volume of two rolls, scanned once by a service running in this process."""

    service: Service
    volume: VolumeState
    root: Path

    def event(self, relative: str | None) -> None:
        """What the watcher reports for a change at `relative` (None: events were lost)."""
        path = None if relative is None else str(self.root / relative)
        self.service.note_change(self.volume, Change(path))

    def state(self, roll_id: str) -> CopyState | None:
        copy = self.service.ledger.copy(roll_id, self.volume.volume_id)
        return copy.state if copy else None

    def kinds(self, roll_id: str) -> list[str]:
        return [str(e.kind) for e in self.service.ledger.events(roll_id=roll_id)]


@pytest.fixture
def cart(tmp_path: Path) -> Iterator[Cart]:
    with verified_cart(tmp_path) as made:
        yield made


@contextmanager
def verified_cart(tmp_path: Path, *, restat_interval: str | None = None) -> Iterator[Cart]:
    root = tmp_path / "RAID_A"
    make_roll(root, A001, sample_files(1))
    make_roll(root, A002, sample_files(2))
    path = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(root), "raid")],
        settle=0,
        restat_interval=restat_interval,
    )
    done = run_cli("run", "--once", "--config", str(path))
    assert done.returncode == 0, done.stderr
    config, _ = load_config(path)
    service = Service(config)
    service.open()
    try:
        service.refresh_volumes(start_watchers=False)
        (volume,) = service.volumes.values()
        service.scan_volume(volume)
        yield Cart(service, volume, root)
    finally:
        service.close()


def test_an_event_inside_one_roll_rescans_that_roll_and_not_the_others(cart: Cart) -> None:
    inventory = cart.volume.inventory
    assert inventory is not None
    other_before = inventory.rolls[A002]
    full_walks = cart.volume.last_full_scan
    with (cart.root / A001 / "Clips" / "C001_00.mov").open("ab") as grown:
        grown.write(b"appended")
    cart.event(f"{A001}/Clips/C001_00.mov")

    cart.service.rescan_changes(cart.volume)

    assert inventory.rolls[A002] is other_before  # not walked again
    assert cart.volume.last_full_scan == full_walks
    assert cart.state(A001) is CopyState.SETTLING
    assert "copy_stale" in cart.kinds(A001)
    assert cart.state(A002) is CopyState.VERIFIED


def test_a_new_shoot_day_folder_is_walked_alone_and_its_roll_discovered(cart: Cart) -> None:
    inventory = cart.volume.inventory
    assert inventory is not None
    before = dict(inventory.rolls)
    make_roll(cart.root, B001, sample_files(3))
    cart.event(DAY2)

    cart.service.rescan_changes(cart.volume)

    assert cart.state(B001) is CopyState.SETTLING
    assert all(inventory.rolls[folder] is part for folder, part in before.items())


def test_an_mhl_arriving_after_its_files_makes_the_folder_a_roll(cart: Cart) -> None:
    folder = cart.root / B001
    (folder / "Clips").mkdir(parents=True)
    (folder / "Clips" / "B.mov").write_bytes(clip(4, 4096))
    cart.event(DAY2)
    cart.service.rescan_changes(cart.volume)
    assert cart.state(B001) is None
    make_roll(cart.root, B001, {})  # seals what is there: the MHL comes last
    cart.event(f"{B001}/{next(folder.glob('*.mhl')).name}")

    cart.service.rescan_changes(cart.volume)

    assert cart.state(B001) is CopyState.SETTLING
    tracker = cart.service.trackers[(B001, next(iter(cart.service.volumes)))]
    assert set(tracker.files) == {"Clips/B.mov", next(folder.glob("*.mhl")).name}


def test_a_roll_folder_deleted_while_running_is_gone(cart: Cart) -> None:
    shutil.rmtree(cart.root / A002)
    cart.event(A002)

    cart.service.rescan_changes(cart.volume)

    assert cart.state(A002) is CopyState.GONE
    assert cart.state(A001) is CopyState.VERIFIED


def replace_behind_our_back(path: Path) -> None:
    """A file swapped for another as copy tools do (written aside, renamed over): a new inode."""
    aside = path.with_name(".incoming")
    aside.write_bytes(b"replaced behind our back")
    os.replace(aside, path)


def test_a_file_replaced_without_an_event_is_caught_by_the_next_safety_net_rescan(
    cart: Cart,
) -> None:
    replace_behind_our_back(cart.root / A002 / "Clips" / "C002_01.mov")
    cart.event(f"{A001}/unrelated.txt")  # some other event: looks at A001 only
    cart.service.rescan_changes(cart.volume)
    assert cart.state(A002) is CopyState.VERIFIED

    cart.service.scan_volume(cart.volume)

    assert cart.state(A002) is CopyState.SETTLING
    assert "copy_stale" in cart.kinds(A002)


def test_a_file_changed_in_place_without_an_event_is_caught_within_the_restat_interval(
    cart: Cart,
) -> None:
    watch = cart.service.config.watch
    (cart.root / A002 / "Clips" / "C002_01.mov").write_bytes(b"rewritten in place, same inode")

    for _ in range(math.ceil(watch.restat_interval / watch.rescan_interval)):
        cart.service.scan_volume(cart.volume)

    assert cart.state(A002) is CopyState.SETTLING
    assert "copy_stale" in cart.kinds(A002)


def test_every_verified_roll_is_stat_ed_in_full_within_the_restat_interval(cart: Cart) -> None:
    watch = cart.service.config.watch
    restatted: set[str] = set()
    for _ in range(math.ceil(watch.restat_interval / watch.rescan_interval)):
        trusted = cart.service.steps.scanning.rolls_to_trust(cart.volume, time.monotonic())
        restatted |= {A001, A002} - trusted
        cart.service.scan_volume(cart.volume)

    assert restatted == {A001, A002}


def test_an_in_place_change_whose_event_waits_is_caught_by_a_safety_net_rescan(
    cart: Cart,
) -> None:
    while A002 not in cart.service.steps.scanning.rolls_to_trust(cart.volume, time.monotonic()):
        cart.service.scan_volume(cart.volume)  # until the rotation would list A002 unstat-ed
    (cart.root / A002 / "Clips" / "C002_01.mov").write_bytes(b"rewritten in place")
    cart.event(f"{A002}/Clips/C002_01.mov")

    cart.service.scan_volume(cart.volume)  # the full walk came due before the event was taken

    assert cart.state(A002) is CopyState.SETTLING


def test_with_restat_interval_equal_to_rescan_interval_every_rescan_stats_every_file(
    tmp_path: Path,
) -> None:
    with verified_cart(tmp_path, restat_interval="5m") as cart:
        cart.service.scan_volume(cart.volume)
        (cart.root / A002 / "Clips" / "C002_01.mov").write_bytes(b"rewritten in place")

        cart.service.scan_volume(cart.volume)

        assert cart.state(A002) is CopyState.SETTLING


def test_lost_events_make_the_next_rescan_a_full_walk(cart: Cart) -> None:
    (cart.root / A002 / "Clips" / "C002_01.mov").write_bytes(b"changed while events were lost")
    full_walks = cart.volume.last_full_scan
    cart.event(None)

    cart.service.rescan_changes(cart.volume)

    assert cart.volume.last_full_scan > full_walks
    assert cart.state(A002) is CopyState.SETTLING


def test_an_event_on_the_volume_folder_itself_means_a_full_walk(cart: Cart) -> None:
    full_walks = cart.volume.last_full_scan
    cart.event("")

    cart.service.rescan_changes(cart.volume)

    assert cart.volume.last_full_scan > full_walks


def test_events_are_looked_at_together_at_most_every_rescan_gap(cart: Cart) -> None:
    cart.event(f"{A001}/Clips/C001_00.mov")
    cart.service.rescan_changes(cart.volume)
    cart.event(f"{A001}/Clips/C001_01.mov")
    last = cart.volume.last_scan

    assert cart.service.steps.scanning.scan_due(cart.volume, last + MIN_RESCAN_GAP / 2) is None
    assert cart.service.steps.scanning.scan_due(cart.volume, last + MIN_RESCAN_GAP) == "changes"


def test_a_slow_full_walk_does_not_hold_back_the_next_event_driven_rescan(cart: Cart) -> None:
    cart.volume.full_scan_seconds = 30.0  # a start-up walk that parsed a thousand MHLs
    cart.event(f"{A001}/Clips/C001_00.mov")

    due = cart.service.steps.scanning.scan_due(cart.volume, cart.volume.last_scan + MIN_RESCAN_GAP)

    assert due == "changes"


def test_the_safety_net_walk_is_due_after_the_rescan_interval_even_without_events(
    cart: Cart,
) -> None:
    interval = cart.service.config.watch.rescan_interval
    last = cart.volume.last_full_scan
    assert cart.service.steps.scanning.scan_due(cart.volume, last + interval / 2) is None
    # A millisecond past it: (last + interval) - last can round to just below interval.
    assert cart.service.steps.scanning.scan_due(cart.volume, last + interval + 0.001) == "full"


def test_a_roll_copied_in_while_running_is_verified_with_no_full_rescan_due(
    tmp_path: Path,
) -> None:
    root = tmp_path / "RAID_A"
    make_roll(root, A001, sample_files(1))
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(root), "raid")],
        settle=0.5,
        rescan_interval="1h",  # after the start-up walk, only events can find the new roll
    )
    state = tmp_path / "state"
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: roll_state_in_ledger(state, A001) == "verified", what="the first roll")
        make_roll(root, B001, sample_files(5))
        wait_until(lambda: roll_state_in_ledger(state, B001) == "verified", what="the new roll")
    finally:
        output = daemon.stop()
    assert "native events" in output
