"""What the daemon does between passes of its loop, on the loop's thread: a reload asked for
(SIGHUP), the daily ledger backup, the ledger's thorough check made again before the remembered
one lapses, the supervisor's status line, and keeping the cart awake while rolls are read. Each
is cheap when there is nothing to do."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import structlog

from rollkeeper.core.errors import RollkeeperError
from rollkeeper.ledger import integrity
from rollkeeper.ledger.backup import BACKUP_FOLDER, DailyBackups
from rollkeeper.runtime.heartbeat import Heartbeat
from rollkeeper.runtime.inhibit import SleepInhibitor
from rollkeeper.runtime.loop import Steps
from rollkeeper.runtime.reload import Reloader, ReloadRequest
from rollkeeper.runtime.status_line import StatusLine
from rollkeeper.runtime.systemd import Notifier

log = structlog.get_logger("rollkeeper")

#: A daily backup that failed is tried again after this long (seconds), not every pass.
BACKUP_RETRY = 3600.0
#: Whether a daily backup is due is looked at this often (seconds), not every pass.
BACKUP_LOOK = 60.0
#: Whether the ledger's remembered check is about to lapse is looked at this often (seconds).
CHECK_LOOK = 15.0


class Chores:
    """The service's chores; `each()` lists them for `Loop.run`."""

    def __init__(
        self, steps: Steps, notifier: Notifier, heartbeat: Heartbeat, file: Path | None
    ) -> None:
        config = steps.context.config
        self.steps = steps
        self.notifier = notifier
        self.heartbeat = heartbeat
        self.reload_request = ReloadRequest(steps.context.wake)
        self.reloader = Reloader(steps, file) if file is not None else None
        folder = steps.context.state_dir / BACKUP_FOLDER
        self.backups = DailyBackups(folder, config.state.keep_backups)
        self.inhibitor = SleepInhibitor(config.service.prevent_sleep)
        self.status_line = StatusLine(notifier.status)
        self._backup_after = 0.0
        self._check_after = 0.0

    def each(self) -> list[Callable[[], None]]:
        return [
            self.reload_if_asked,
            self.back_up_if_due,
            self.renew_ledger_check,
            self.tell_status,
            self.stay_awake,
        ]

    def reload_if_asked(self) -> None:
        """SIGHUP: RELOADING=1, the reload, READY=1; a refusal shown in `status` until a
        reload succeeds."""
        if not self.reload_request.take() or self.reloader is None:
            return
        self.notifier.reloading()
        outcome = self.reloader.reload()
        self.heartbeat.config_rejected(outcome.rejected)
        self.notifier.ready()

    def back_up_if_due(self) -> None:
        """The daily backup, when the newest is a day old (a failure is logged, never fatal)."""
        if time.monotonic() < self._backup_after:
            return
        if not self.backups.due():
            self._backup_after = time.monotonic() + BACKUP_LOOK
            return
        try:
            path = self.backups.make(self.steps.context.ledger)
        except (OSError, RollkeeperError) as err:
            self._backup_after = time.monotonic() + BACKUP_RETRY
            log.error("ledger.backup_failed", folder=str(self.backups.folder), error=str(err))
            return
        log.info("ledger.backed_up", path=str(path), keep=self.backups.keep)

    def renew_ledger_check(self) -> None:
        """The ledger's thorough check made again before the remembered one lapses, so that
        `status` and the page answer without making it (about 0.5 s on 200,000 uploaded files,
        once per `max_evidence_age`). A ledger found damaged stops the daemon, as at start."""
        now = time.monotonic()
        if now < self._check_after:
            return
        self._check_after = now + CHECK_LOOK
        trust = self.steps.context.config.clearance.max_evidence_age
        margin = min(4 * CHECK_LOOK, trust / 2)
        if integrity.renew(self.steps.context.ledger.path, trust_for=trust, margin=margin):
            log.debug("ledger.check_renewed")

    def tell_status(self) -> None:
        if self.notifier.active:
            self.status_line.update(self.steps.context.ledger)

    def stay_awake(self) -> None:
        self.inhibitor.hold(bool(self.steps.jobs.pending))

    def close(self) -> None:
        self.inhibitor.release()
