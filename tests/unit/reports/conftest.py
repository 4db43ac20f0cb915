"""Fixtures shared by the specifications of the views."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.reports.cart import Cart


@pytest.fixture
def cart(tmp_path: Path) -> Cart:
    """A roll offloaded to both drives, verified and uploaded by one daemon pass, which judged
    every drive once (and announced SHUTTLE_01 clear)."""
    proven = Cart(tmp_path)
    proven.offload()
    proven.run()
    return proven
