"""Specification: verification never waits for storage, and storage's failures are its own.

A roll whose target is unusable (not mounted, another disk, full, gone mid-upload) is verified
at once without uploading; a verified roll waits for storage, said once; a copy that does not
match is the alarm it always is; when the target is usable again the roll is uploaded, reading
its copy again. Real folders; a full disk is a real 64 KiB tmpfs (root only).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.core.lifecycle import CopyState, RollState, UploadStage
from rollkeeper.runtime import uploads as uploads_module
from rollkeeper.runtime.service import Service
from rollkeeper.transfer.capacity import SpaceCheck
from rollkeeper.transfer.identity import MARKER_NAME

from tests.builders import clip
from tests.unit.runtime.conftest import (
    A001,
    A001_FILES,
    A002,
    Cart,
    CartMaker,
    cart_config,
    folder_target,
)

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


def run_jobs(cart: Cart) -> None:
    """Settle, verify (and upload), record: one turn of what the loop does with a ready roll."""
    steps = cart.service.steps
    steps.settling.evaluate()
    while steps.jobs.pending:
        steps.jobs.collect(wait_for_one=True)


def upload_state(cart: Cart, roll_id: str = A001) -> str | None:
    upload = cart.ledger.roll_upload(roll_id)
    return upload.state if upload else None


@pytest.fixture
def unmounted(make_cart: CartMaker, tmp_path: Path) -> Iterator[Cart]:
    """A cart whose target folder was adopted, then "unmounted": its marker is gone, the empty
    mount-point folder remains (a folder swapped for an empty one stands in for the unmount)."""
    store = tmp_path / "store"
    store.mkdir()
    cart = make_cart(target=folder_target(store))
    (store / MARKER_NAME).unlink()
    cart.service.steps.jobs.uploads.check_target(cart.ledger)
    cart.scan()
    yield cart


def test_a_roll_is_verified_at_once_while_the_target_is_not_mounted(unmounted: Cart) -> None:
    run_jobs(unmounted)
    assert unmounted.state(A001) is CopyState.VERIFIED
    assert unmounted.ledger.roll(A001).state == RollState.VERIFIED.value  # type: ignore[union-attr]
    assert upload_state(unmounted) == UploadStage.WAITING_FOR_STORAGE.value


def test_nothing_is_written_to_the_unmounted_target(unmounted: Cart, tmp_path: Path) -> None:
    run_jobs(unmounted)
    assert list((tmp_path / "store").iterdir()) == []


def test_a_roll_waiting_for_storage_says_so_once_with_the_targets_sentence(
    unmounted: Cart,
) -> None:
    run_jobs(unmounted)
    unmounted.service.steps.settling.retry_uploads()
    said = unmounted.said("storage_waiting", A001)
    assert len(said) == 1
    assert said[0].startswith(
        f"roll {A001} from RAID_A: verified — waiting for storage (TARGET is not mounted "
        "(or is another disk): folder "
    )


def test_a_flipped_byte_is_the_mismatch_alarm_at_once_while_the_target_is_unusable(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    cart = make_cart({A001: A001_FILES, A002: {"Clips/A002C001.mov": clip(3, 4096)}},
                     target=folder_target(store))  # fmt: skip
    (store / MARKER_NAME).unlink()
    cart.service.steps.jobs.uploads.check_target(cart.ledger)
    flipped = cart.root / A002 / "Clips" / "A002C001.mov"
    data = bytearray(flipped.read_bytes())
    data[100] ^= 0xFF
    flipped.write_bytes(bytes(data))
    os.utime(flipped, ns=(0, 0))
    cart.scan()
    run_jobs(cart)
    assert cart.state(A002) is CopyState.MISMATCH
    assert cart.said("copy_failed", A002) != []
    assert cart.state(A001) is CopyState.VERIFIED


def test_the_target_back_uploads_the_waiting_roll_without_waiting_retry_after(
    unmounted: Cart, tmp_path: Path
) -> None:
    run_jobs(unmounted)
    identity = unmounted.ledger.target_identity(f"folder {tmp_path / 'store'}")
    (tmp_path / "store" / MARKER_NAME).write_text(
        f'{{"schema": "rollkeeper.target/1", "id": "{identity}"}}'
    )  # the NAS mounted again
    uploads = unmounted.service.steps.jobs.uploads
    uploads.checked_at = float("-inf")  # the next interval check is due
    unmounted.service.steps.settling.retry_uploads()
    while unmounted.service.steps.jobs.pending:
        unmounted.service.steps.jobs.collect(wait_for_one=True)
    assert upload_state(unmounted) == UploadStage.UPLOADED.value
    assert unmounted.said("target_usable") != []


def test_a_restart_with_a_roll_waiting_uploads_it_at_once(unmounted: Cart, tmp_path: Path) -> None:
    run_jobs(unmounted)
    identity = unmounted.ledger.target_identity(f"folder {tmp_path / 'store'}")
    (tmp_path / "store" / MARKER_NAME).write_text(
        f'{{"schema": "rollkeeper.target/1", "id": "{identity}"}}'
    )
    unmounted.service.close()
    service = Service(cart_config(tmp_path, target=folder_target(tmp_path / "store")))
    service.open()
    try:
        service.refresh_volumes(start_watchers=False)
        again = Cart(service, unmounted.root)
        again.scan()
        service.steps.settling.retry_uploads()
        while service.steps.jobs.pending:
            service.steps.jobs.collect(wait_for_one=True)
        assert upload_state(again) == UploadStage.UPLOADED.value
    finally:
        service.close()


def _room_seen(folder: Path, roll_bytes: int) -> SpaceCheck:
    """The capacity check before the upload saw room (another writer fills the disk after)."""
    return SpaceCheck(f"target folder {folder}", 10**12, roll_bytes, roll_bytes, False, True)


@root_only
def test_a_target_that_fills_up_mid_upload_is_blamed_on_the_target_and_the_copy_stays_verified(
    make_cart: CartMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(store)], check=True)
    monkeypatch.setattr(uploads_module, "target_space", _room_seen)
    try:
        big = {"Clips/A001C001.mov": clip(1, 3_000_000), "Clips/A001C002.mov": clip(2, 8192)}
        cart = make_cart({A001: big}, target=folder_target(store))
        try:
            cart.scan()
            run_jobs(cart)
            assert cart.state(A001) is CopyState.VERIFIED
            assert upload_state(cart) == UploadStage.WAITING_FOR_STORAGE.value
            (said,) = cart.said("storage_waiting", A001)
            assert "TARGET full: " in said and " bytes free on " in said
            assert [p for p in store.rglob("*") if p.name.endswith(".rollkeeper-partial")] == []
            status = cart.ledger.target_state(f"folder {store}")
            assert status is not None and not status.usable
        finally:
            cart.service.close()
    finally:  # unmounted whatever failed, or the tmpfs outlives the test
        subprocess.run(["umount", "-l", str(store)], check=False)


def test_a_roll_verified_while_the_target_came_back_is_still_uploaded(
    unmounted: Cart, tmp_path: Path
) -> None:
    steps = unmounted.service.steps
    steps.settling.evaluate()  # verified without the target, which is not mounted
    identity = unmounted.ledger.target_identity(f"folder {tmp_path / 'store'}")
    (tmp_path / "store" / MARKER_NAME).write_text(
        f'{{"schema": "rollkeeper.target/1", "id": "{identity}"}}'
    )
    assert steps.jobs.uploads.check_target(unmounted.ledger)  # back before the job is recorded
    while steps.jobs.pending:
        steps.jobs.collect(wait_for_one=True)
    assert upload_state(unmounted) == UploadStage.WAITING_FOR_STORAGE.value

    steps.settling.retry_uploads()
    while steps.jobs.pending:
        steps.jobs.collect(wait_for_one=True)
    assert upload_state(unmounted) == UploadStage.UPLOADED.value


@root_only
def test_a_roll_that_cannot_fit_is_not_started_and_waits_for_room_saying_why(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(store)], check=True)
    try:
        big = {"Clips/A001C001.mov": clip(1, 3_000_000), "Clips/A001C002.mov": clip(2, 8192)}
        cart = make_cart({A001: big}, target=folder_target(store))
        try:
            cart.scan()
            run_jobs(cart)
            assert cart.state(A001) is CopyState.VERIFIED  # verification went on
            assert upload_state(cart) == UploadStage.WAITING_FOR_STORAGE.value
            (warned,) = cart.said("space_low", A001)
            assert warned.startswith(f"roll {A001}: SPACE LOW: target folder {store} has ")
            assert "it waits until there is room: make room there" in warned
            (said,) = cart.said("storage_waiting", A001)
            assert "waiting for storage (SPACE LOW: target folder" in said
            assert [p for p in store.rglob("*") if p.is_file() and A001 in str(p)] == []
            status = cart.ledger.target_state(f"folder {store}")
            assert status is not None and status.usable  # the target is not to blame
            cart.service.steps.settling.retry_uploads()  # still no room: nothing started,
            assert cart.service.steps.jobs.pending == {}  # and nothing said again
            assert len(cart.said("space_low", A001)) == 1
        finally:
            cart.service.close()
    finally:
        subprocess.run(["umount", "-l", str(store)], check=False)
