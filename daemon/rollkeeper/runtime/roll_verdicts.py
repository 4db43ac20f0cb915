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
#: With nothing recorded by the loop, how often it looks for rolls to judge all the same (a
#: command such as `clearance` may have recorded objects found gone).
LOOK_EVERY = 30.0


class RollVerdicts:
    """The rolls judged as recorded, kept in the ledger by the loop (its only writer)."""

    def __init__(self, context: LoopContext, archive_provider: str) -> None:
        self.context = context
        self.archive_provider = archive_provider
        self.judge = recorded_judge(archive_provider)
        self.behind = True  # until a pass finds every roll judged
        self._written = -1  # the ledger's rows written when the rolls were last looked at
        self._looked_at = 0.0  # when (monotonic)

    def prepare(self) -> None:
        """Judge every roll afresh: the verdicts kept by an earlier run of the daemon were
        judged by the code of that run."""
        self.context.ledger.forget_roll_verdicts()
        self.behind = True

    def step(self) -> None:
        """Judge and keep rolls without a verdict, for at most `BUDGET` seconds. With every
        roll judged and nothing recorded since by the loop (nearly the ledger's only writer), a
        pass asks the ledger nothing, but every `LOOK_EVERY` seconds."""
        ledger = self.context.ledger
        now = time.monotonic()
        quiet = ledger.rows_written() == self._written and now < self._looked_at + LOOK_EVERY
        if quiet and not self.behind:
            return
        unjudged = ledger.rolls_unjudged(self.judge, BATCH)
        judged = self._judge(unjudged, give_up_at=now + BUDGET)
        self.behind = judged == BATCH or judged < len(unjudged)
        self._written, self._looked_at = ledger.rows_written(), now

    def judge_all(self) -> None:
        """Judge and keep every roll without a verdict, however long it takes (`run --once`,
        whose answer `status` reads next)."""
        while unjudged := self.context.ledger.rolls_unjudged(self.judge, BATCH):
            self._judge(unjudged, give_up_at=None)
        self.behind = False
        self._written, self._looked_at = self.context.ledger.rows_written(), time.monotonic()

    def _judge(self, roll_ids: list[str], give_up_at: float | None) -> int:
        """Judge and keep `roll_ids` in order until `give_up_at` (monotonic); how many. Read
        and kept in one transaction: a command writing meanwhile (`clearance` recording objects
        found gone) waits, and its change drops the verdict after, not before, it is kept."""
        if not roll_ids:
            return 0
        ledger = self.context.ledger
        judged = []
        with ledger.transaction():
            for roll_id in roll_ids:
                clearance = recorded_clearance(ledger, roll_id, self.archive_provider)
                judged.append((roll_id, clearance))
                if give_up_at is not None and time.monotonic() >= give_up_at:
                    break
            ledger.keep_roll_verdicts(self.judge, judged)
        return len(judged)

    def sleep_for(self) -> float | None:
        """How soon the loop should pass again: soon while rolls are left to judge."""
        return SOON if self.behind else None
