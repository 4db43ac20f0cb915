"""Specification: the service builds its parts from the configuration and owns their life
(`runtime.service`)."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.core.lifecycle import CopyState
from rollkeeper.runtime.service import Service, storage_parts

from tests.unit.runtime.conftest import A001, Cart, cart_config, folder_target, started


def test_without_a_target_the_daemon_only_verifies(tmp_path: Path) -> None:
    target, provider, policy = storage_parts(cart_config(tmp_path))

    assert target is None
    assert provider.name == "none"
    assert policy.extras_block_drive


def test_a_folder_target_and_the_clearance_settings_are_built_from_the_config(
    tmp_path: Path,
) -> None:
    config = cart_config(
        tmp_path, target=folder_target(tmp_path), clearance={"min_onset_copies": 2}
    )

    target, _provider, policy = storage_parts(config)

    assert target is not None and str(tmp_path) in target.description
    assert policy.min_onset_copies == 2


def test_a_copy_left_verifying_by_a_killed_daemon_settles_again_when_it_opens(
    cart: Cart,
) -> None:
    cart.ledger.set_copy_state(
        A001, cart.volume.volume_id, CopyState.VERIFYING, event=started(cart)
    )
    volume_id = cart.volume.volume_id
    cart.service.close()  # as good as killed: the outcome was never recorded

    service = Service(cart.service.config)
    service.open()
    try:
        copy = service.ledger.copy(A001, volume_id)
    finally:
        service.close()

    assert copy is not None and copy.state is CopyState.SETTLING
