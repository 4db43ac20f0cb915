"""The ledgers the specifications here start from: a new, empty one in a state folder, and one
that fills many pages (for damage to land in)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.core import happened
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
