"""SIGHUP: the configuration file read again and applied without a restart.

The signal handler only asks (`ReloadRequest.ask`); the loop's thread reloads between passes
(`Reloader.reload`). What can change live: the volumes (drives added or removed: watchers
started and stopped), the notification channels (rebuilt; the ledger routes new events to the
new set) and the intervals (`[watch]`, settle and stall times, archive polls, re-checks,
evidence age). What cannot (the state folder, the target, the archive provider, the layout
profile, …) keeps its old value, and the log names each such key. A new configuration that is
not valid, or whose channel secret is missing, is refused as a whole: the old one keeps
running, the reason is logged and shown in `status` until a reload succeeds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import structlog

from rollkeeper.config.errors import ConfigError
from rollkeeper.config.schema import Config, load_config
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.core.words.service import reload_needs_restart, reload_rejected
from rollkeeper.ledger.routing import routes_for
from rollkeeper.notify.compose import Composer, count_summary
from rollkeeper.notify.model import Channel
from rollkeeper.runtime.loop import Steps

log = structlog.get_logger("rollkeeper")

#: Sections a running daemon cannot change: kept until it restarts.
RESTART_ONLY = ("cart", "state", "target", "verify", "service", "log", "monitor", "dashboard")
#: Sections only some keys of which change live (the rest need a restart).
LIVE_KEYS = {
    "layout": ("settle_seconds", "stall_after"),
    "archive": ("poll_interval", "poll_interval_later", "overdue_after"),
}


def merge(old: Config, new: Config) -> tuple[Config, list[str]]:
    """`new` with every setting that cannot change live kept as in `old`; the keys so kept
    (as `[section] key`, or `[section]` for a whole one)."""
    kept: dict[str, Any] = {}
    needs_restart: list[str] = []
    for section in RESTART_ONLY:
        if getattr(old, section) != getattr(new, section):
            kept[section] = getattr(old, section)
            needs_restart.append(f"[{section}]")
    for section, live in LIVE_KEYS.items():
        before, after = getattr(old, section), getattr(new, section)
        fixed = [key for key in type(before).model_fields if key not in live]
        changed = [key for key in fixed if getattr(before, key) != getattr(after, key)]
        if changed:
            kept[section] = before.model_copy(update={k: getattr(after, k) for k in live})
            needs_restart.extend(f"[{section}] {key}" for key in changed)
    return new.model_copy(update=kept), needs_restart


ChannelBuilder = Callable[[Config], list[Channel]]


def configured_channels(config: Config) -> list[Channel]:
    """The channels `config` describes (secrets resolved: a missing one is a ConfigError)."""
    if not config.notify.channels():
        return []
    from rollkeeper.notify.build import build_channels

    return build_channels(config)


def composer_for(config: Config) -> Composer:
    """The composer of the daemon's notices, with the report as its summary when it has
    channels (`rollkeeper run`'s choice)."""
    if not config.notify.channels():
        return Composer(config.cart.name, summarizer=count_summary)
    from rollkeeper.notify.summaries import report_summarizer

    return Composer(config.cart.name, summarizer=report_summarizer(config))


class ReloadRequest:
    """The flag a SIGHUP raises; the loop takes it (`take`) between passes."""

    def __init__(self, wake: threading.Event) -> None:
        self._asked = threading.Event()
        self._wake = wake

    def ask(self) -> None:
        """Safe in a signal handler: sets two flags, nothing else."""
        self._asked.set()
        self._wake.set()

    def take(self) -> bool:
        if not self._asked.is_set():
            return False
        self._asked.clear()
        return True


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """What a reload did: None when it was applied, else why it was refused; and the keys
    that need a restart to change."""

    rejected: str | None
    needs_restart: tuple[str, ...] = ()


class Reloader:
    """Reads `file` again and applies it to the loop's `steps`."""

    def __init__(
        self, steps: Steps, file: Path, build: ChannelBuilder = configured_channels
    ) -> None:
        self.steps = steps
        self.file = file
        self.build = build

    def reload(self) -> ReloadOutcome:
        """Read, validate and apply the configuration file; refused as a whole on any error."""
        old = self.steps.context.config
        try:
            new, needs_restart = merge(old, load_config(self.file)[0])
            channels = self.build(new) if new.notify != old.notify else None
        except (ConfigError, RollkeeperError) as err:
            log.error("config.reload_refused", file=str(self.file), error=str(err))
            return ReloadOutcome(reload_rejected(str(self.file), str(err)))
        except Exception as err:  # a bug must not take the running daemon down with it
            log.exception("config.reload_refused", file=str(self.file), exc_info=err)
            why = f"it could not be applied ({type(err).__name__})"
            return ReloadOutcome(reload_rejected(str(self.file), why))
        if needs_restart:
            log.warning("config.restart_needed", message=reload_needs_restart(needs_restart))
        self._apply(old, new, channels)
        log.info("config.reloaded", file=str(self.file), volumes=len(new.volumes))
        return ReloadOutcome(None, tuple(needs_restart))

    def _apply(self, old: Config, new: Config, channels: list[Channel] | None) -> None:
        steps = self.steps
        context = steps.context
        context.config = new
        judging = steps.judging
        judging.judges = replace(judging.judges, max_evidence_age=new.clearance.max_evidence_age)
        if new.watch.poll_interval != old.watch.poll_interval:
            steps.mounts.restart_watchers()
        steps.mounts.drop_changed()  # a drive's role changed: taken up again with it
        steps.mounts.refresh(start_watchers=True)  # drives added or removed
        if new.archive.poll_interval != old.archive.poll_interval:
            steps.archive.reschedule()
        if channels is not None:
            context.ledger.routes = routes_for(new.notify)
            steps.notifying.replace_channels(channels, composer_for(new))
        context.clearance.note()  # judge the drives again under the new settings
        context.wake.set()
