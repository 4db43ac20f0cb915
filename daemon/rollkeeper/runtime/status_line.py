"""The daemon's one-line summary for its supervisor (`STATUS=`), read from the ledger on the
loop's thread at most every `EVERY` seconds, and the wish to stay awake while rolls are read."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from rollkeeper.core.lifecycle import FAILED_ROLL_STATES, RollState
from rollkeeper.core.words.service import ServiceCounts, status_line
from rollkeeper.ledger.store import Ledger

#: The summary is read again at most this often (seconds): counting rolls costs a query.
EVERY = 2.0

_VERIFIED = {RollState.VERIFIED, RollState.UPLOADED, RollState.ARCHIVED}


def service_counts(ledger: Ledger) -> ServiceCounts:
    """Rolls by stage, and the mounted drives whose last verdict says they may be erased."""
    states = Counter(roll.state for roll in ledger.rolls())
    erasable = [
        volume.label
        for volume in ledger.volumes()
        if volume.mounted
        and (verdict := ledger.last_drive_clearance(volume.id)) is not None
        and verdict.clear
    ]
    return ServiceCounts(
        verifying=states[RollState.VERIFYING],
        uploading=states[RollState.UPLOADING],
        verified=sum(states[state] for state in _VERIFIED),
        failed=sum(states[state] for state in FAILED_ROLL_STATES),
        erasable=tuple(sorted(erasable)),
    )


class StatusLine:
    """Tells `send` the summary when it may have changed (at most every `EVERY` seconds)."""

    def __init__(
        self, send: Callable[[str], None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.send = send
        self.clock = clock
        self._last = float("-inf")

    def update(self, ledger: Ledger) -> None:
        now = self.clock()
        if now - self._last >= EVERY:
            self._last = now
            self.send(status_line(service_counts(ledger)))
