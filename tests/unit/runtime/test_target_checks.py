"""Specification: how the daemon keeps the target's state (`runtime.uploads.Uploads`): proven at
start-up and recorded; unusable said once (an alarm), usable again said once; after an upload
pass found the target failing although its checks pass (a full disk), uploads wait for a backoff
that doubles up to `retry_after`, unless a check saw the target down and back meanwhile.

Real folders; time is moved by setting when the pass failed, never by waiting.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from rollkeeper.runtime.service import Service
from rollkeeper.runtime.uploads import PASS_BACKOFF
from rollkeeper.transfer.identity import MARKER_NAME

from tests.unit.runtime.conftest import A001, Cart, CartMaker, cart_config, folder_target
from tests.unit.runtime.test_waiting_for_storage import run_jobs


def _cart(make_cart: CartMaker, tmp_path: Path) -> Cart:
    (tmp_path / "store").mkdir()
    return make_cart(target=folder_target(tmp_path / "store"))


def test_the_first_start_adopts_the_target_and_records_it_usable(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _cart(make_cart, tmp_path)
    state = cart.ledger.target_state(f"folder {tmp_path / 'store'}")
    assert state is not None and state.usable and state.identity
    assert cart.kinds().count("target_adopted") == 1


def test_an_unusable_target_is_said_once_and_its_return_once(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _cart(make_cart, tmp_path)
    uploads = cart.service.steps.jobs.uploads
    store = tmp_path / "store"
    store.rename(tmp_path / "away")
    assert not uploads.check_target(cart.ledger)
    assert not uploads.check_target(cart.ledger)
    (tmp_path / "away").rename(store)
    assert uploads.check_target(cart.ledger)
    assert uploads.check_target(cart.ledger)
    assert cart.kinds().count("target_unusable") == 1
    assert cart.kinds().count("target_usable") == 1


def test_after_a_pass_failed_a_passing_check_holds_uploads_back_for_the_backoff(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _cart(make_cart, tmp_path)
    uploads = cart.service.steps.jobs.uploads
    uploads.pass_failed(cart.ledger, "TARGET full: 0 bytes free on /x while writing y")

    assert not uploads.check_target(cart.ledger)  # the disk is still full, most likely
    assert uploads.problem is not None
    assert uploads.failed_pass_at is not None
    uploads.failed_pass_at -= PASS_BACKOFF  # the backoff has passed
    assert uploads.check_target(cart.ledger)
    assert uploads.problem is None


def test_a_target_seen_down_and_back_after_a_failed_pass_is_used_at_once(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _cart(make_cart, tmp_path)
    uploads = cart.service.steps.jobs.uploads
    uploads.pass_failed(cart.ledger, "target folder /x is gone (while writing y)")
    store = tmp_path / "store"
    store.rename(tmp_path / "away")
    assert not uploads.check_target(cart.ledger)
    (tmp_path / "away").rename(store)
    assert uploads.check_target(cart.ledger)


def test_the_backoff_doubles_up_to_retry_after(make_cart: CartMaker, tmp_path: Path) -> None:
    cart = _cart(make_cart, tmp_path)
    uploads = cart.service.steps.jobs.uploads
    limit = cart.service.config.target.retry_after  # type: ignore[union-attr]
    seen = []
    for _ in range(8):
        uploads.pass_failed(cart.ledger, "TARGET full: 0 bytes free")
        seen.append(uploads.backoff)
    assert seen[:3] == [PASS_BACKOFF, 2 * PASS_BACKOFF, 4 * PASS_BACKOFF]
    assert seen[-1] == limit
    uploads.pass_succeeded()
    uploads.pass_failed(cart.ledger, "TARGET full: 0 bytes free")
    assert uploads.backoff == PASS_BACKOFF


def test_a_target_folder_removed_for_good_is_never_created_by_the_checks(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _cart(make_cart, tmp_path)
    shutil.rmtree(tmp_path / "store")
    assert not cart.service.steps.jobs.uploads.check_target(cart.ledger)
    assert not (tmp_path / "store").exists()


def test_a_target_used_before_markers_existed_is_adopted_only_where_its_objects_are(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    """A ledger from before identity markers (its target row removed) and the NAS unmounted at
    the first start after the upgrade: an empty folder stands in for the mount point."""
    cart = _cart(make_cart, tmp_path)
    cart.scan()
    run_jobs(cart)
    assert cart.ledger.roll_upload(A001).state == "uploaded"  # type: ignore[union-attr]
    cart.service.close()
    with sqlite3.connect(cart.service.context.state_dir / "ledger.sqlite3") as db:
        db.execute("DELETE FROM target_state")
    store = tmp_path / "store"
    (store / MARKER_NAME).unlink()
    store.rename(tmp_path / "nas-disk")
    store.mkdir()  # the empty mount point

    service = Service(cart_config(tmp_path, target=folder_target(store)))
    service.open()
    try:
        uploads = service.steps.jobs.uploads
        assert uploads.problem is not None
        assert uploads.problem.startswith("TARGET is not mounted (or is another disk)")
        assert list(store.iterdir()) == []  # no marker written on the boot disk
        store.rmdir()
        (tmp_path / "nas-disk").rename(store)  # mounted at last
        assert uploads.check_target(service.ledger)
        assert (store / MARKER_NAME).exists()
    finally:
        service.close()


def test_a_restart_tries_a_failed_upload_at_once_not_after_retry_after(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _cart(make_cart, tmp_path)
    cart.scan()
    run_jobs(cart)
    cart.service.close()
    with sqlite3.connect(cart.service.context.state_dir / "ledger.sqlite3") as db:
        db.execute(  # failed an hour ago, due again only in an hour
            "UPDATE roll_uploads SET state = 'upload_failed', next_attempt_at = '2999-01-01'"
        )

    service = Service(cart_config(tmp_path, target=folder_target(tmp_path / "store")))
    service.open()
    try:
        service.refresh_volumes(start_watchers=False)
        service.scan_volume(next(iter(service.volumes.values())))
        service.steps.settling.retry_uploads()
        while service.steps.jobs.pending:
            service.steps.jobs.collect(wait_for_one=True)
        assert service.ledger.roll_upload(A001).state == "uploaded"  # type: ignore[union-attr]
    finally:
        service.close()
