"""The ledger every specification here starts from: a new, empty one in a state folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.ledger.store import Ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = Ledger.in_state_dir(tmp_path / "state")
    yield opened
    opened.close()
