"""Specification: the service builds its parts from the configuration and owns their life
(`runtime.service`)."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs.presence import read_presence
from rollkeeper.ledger.connection import LEDGER_FILE
from rollkeeper.ledger.state_lock import StateLock
from rollkeeper.ledger.unusable import LedgerUnusable
from rollkeeper.runtime.service import Service
from rollkeeper.runtime.wiring import build_parts

from tests.ledger_damage import not_sqlite
from tests.unit.runtime.conftest import A001, Cart, cart_config, folder_target, started


def test_without_a_target_the_daemon_only_verifies(tmp_path: Path) -> None:
    service = Service(cart_config(tmp_path))

    assert service.uploads.target is None
    judges = service.steps.judging.judges
    assert replace(judges, max_evidence_age=None) == build_parts(service.config).judges()
    assert judges.max_evidence_age == service.config.clearance.max_evidence_age
    assert service.steps.archive.provider.name == "none"


def test_a_folder_target_and_the_clearance_settings_are_built_from_the_config(
    tmp_path: Path,
) -> None:
    config = cart_config(
        tmp_path, target=folder_target(tmp_path), clearance={"min_onset_copies": 2}
    )

    service = Service(config)

    target = service.uploads.target
    assert target is not None and str(tmp_path) in target.description
    assert service.steps.judging.judges.target is target
    assert service.steps.judging.judges.policy.min_onset_copies == 2


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


def test_a_ledger_that_cannot_be_used_leaves_the_state_folder_unlocked(tmp_path: Path) -> None:
    config = cart_config(tmp_path)
    state_dir = config.state.resolved_dir()
    state_dir.mkdir(parents=True, exist_ok=True)
    not_sqlite(state_dir / LEDGER_FILE)
    service = Service(config)

    with pytest.raises(LedgerUnusable):
        service.open()

    other = StateLock(state_dir)
    other.acquire()  # refused while another holder keeps the lock
    other.release()


def test_a_running_service_is_present_in_its_state_folder_and_absent_once_closed(
    tmp_path: Path,
) -> None:
    config = cart_config(tmp_path)
    service = Service(config)
    service.open()
    try:
        live = read_presence(config.state.resolved_dir())
        assert live is not None and live.pid == os.getpid()
        assert live.running(datetime.now(UTC))
    finally:
        service.close()

    gone = read_presence(config.state.resolved_dir())
    assert gone is not None and gone.stopped_at is not None
    assert not gone.running(datetime.now(UTC))
