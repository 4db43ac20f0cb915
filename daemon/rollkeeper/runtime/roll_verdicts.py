"""Keeping each roll's recorded clearance judged, for `status`, the report and the dashboard.

Pass by pass, the loop judges the rolls without a kept verdict (new ones, and those whose verdict
the ledger's triggers dropped because something it was drawn from changed) and keeps what it
found (`reports.recorded_verdict`). A pass spends at most `BUDGET` on it, so noticing drives and
settling rolls never wait long; while rolls are left, the loop comes back soon.
"""

from __future__ import annotations

import time

from rollkeeper.reports.recorded_verdict import recorded_clearance, recorded_judge
from rollkeeper.runtime.context import LoopContext

#: Seconds a pass may spend judging rolls (a roll of 200 files takes a few milliseconds).
BUDGET = 0.1
#: Rolls looked for per pass.
BATCH = 100
#: How long the loop rests while rolls are left to judge.
SOON = 0.05


class RollVerdicts:
    """The rolls judged as recorded, kept in the ledger by the loop (its only writer)."""

    def __init__(self, context: LoopContext, archive_provider: str) -> None:
        self.context = context
        self.archive_provider = archive_provider
        self.judge = recorded_judge(archive_provider)
        self.behind = True  # until a pass finds every roll judged

    def prepare(self) -> None:
        """Judge every roll afresh: the verdicts kept by an earlier run of the daemon were
        judged by the code of that run."""
        self.context.ledger.forget_roll_verdicts()
        self.behind = True

    def step(self) -> None:
        """Judge and keep rolls without a verdict, for at most `BUDGET` seconds."""
        unjudged = self.context.ledger.rolls_unjudged(self.judge, BATCH)
        judged = self._judge(unjudged, give_up_at=time.monotonic() + BUDGET)
        self.behind = judged == BATCH or judged < len(unjudged)

    def judge_all(self) -> None:
        """Judge and keep every roll without a verdict, however long it takes (`run --once`,
        whose answer `status` reads next)."""
        while unjudged := self.context.ledger.rolls_unjudged(self.judge, BATCH):
            self._judge(unjudged, give_up_at=None)
        self.behind = False

    def _judge(self, roll_ids: list[str], give_up_at: float | None) -> int:
        """Judge and keep `roll_ids` in order until `give_up_at` (monotonic); how many."""
        ledger = self.context.ledger
        judged = []
        for roll_id in roll_ids:
            judged.append((roll_id, recorded_clearance(ledger, roll_id, self.archive_provider)))
            if give_up_at is not None and time.monotonic() >= give_up_at:
                break
        if judged:
            ledger.keep_roll_verdicts(self.judge, judged)
        return len(judged)

    def sleep_for(self) -> float | None:
        """How soon the loop should pass again: soon while rolls are left to judge."""
        return SOON if self.behind else None
