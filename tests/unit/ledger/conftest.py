"""The ledgers the specifications here start from: a new, empty one in a state folder, and one
that fills many pages (for damage to land in); and the remembered check beside a ledger, read
and moved in time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rollkeeper.core import happened
from rollkeeper.ledger.integrity import CHECKED_FILE
from rollkeeper.ledger.store import Ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = Ledger.in_state_dir(tmp_path / "state")
    yield opened
    opened.close()


def fill_pages(state: Path) -> Path:
    """A ledger in `state` whose events fill many pages; `state` again."""
    ledger = Ledger.in_state_dir(state)
    try:
        for n in range(400):
            ledger.record(happened.target_unusable(f"the NAS did not answer, attempt {n}"))
    finally:
        ledger.close()
    return state


def checked_at(state: Path) -> datetime:
    """When the ledger's remembered check in `state` was made."""
    kept = json.loads((state / CHECKED_FILE).read_text(encoding="utf-8"))
    return datetime.fromisoformat(kept["checked_at"])


def move_remembered_check(state: Path, by: timedelta) -> None:
    """Say the remembered check was made `by` from now (negative: earlier)."""
    file = state / CHECKED_FILE
    kept = json.loads(file.read_text(encoding="utf-8"))
    kept["checked_at"] = (datetime.now(UTC) + by).isoformat()
    file.write_text(json.dumps(kept), encoding="utf-8")
