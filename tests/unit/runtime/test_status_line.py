"""Specification: the supervisor's status line is read from the ledger, not too often
(`runtime.status_line`)."""

from __future__ import annotations

from rollkeeper.core.words.service import ServiceCounts
from rollkeeper.runtime.status_line import EVERY, StatusLine, service_counts

from tests.unit.runtime.conftest import Cart


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_a_roll_discovered_counts_as_nothing_yet(cart: Cart) -> None:
    assert service_counts(cart.ledger) == ServiceCounts()


def test_the_line_is_read_again_only_every_few_seconds(cart: Cart) -> None:
    sent: list[str] = []
    clock = Clock()
    line = StatusLine(sent.append, clock)
    line.update(cart.ledger)
    clock.now += EVERY / 2
    line.update(cart.ledger)
    clock.now += EVERY / 2
    line.update(cart.ledger)
    assert sent == ["0 rolls verified", "0 rolls verified"]  # the notifier drops repeats
