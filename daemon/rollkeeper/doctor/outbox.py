"""Telling people, as it went: per channel, notifications still waiting (with the last error)
or given up, read from the ledger's outbox — the same lines `status` shows."""

from __future__ import annotations

from rollkeeper.config.schema import Config
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.core.words.deliveries import channel_line
from rollkeeper.core.words.reports import clock
from rollkeeper.doctor.model import Finding, ok, warn
from rollkeeper.ledger.store import LEDGER_FILE, Ledger

#: What to do about a channel whose notifications wait or were given up.
FIX = (
    "run rollkeeper doctor --send-test to see the channel's answer, fix the channel, and list "
    "what waits with rollkeeper notify outbox (waiting ones are retried by themselves)"
)


def outbox_findings(config: Config) -> list[Finding]:
    """One finding per channel that was ever sent anything; none before there is a ledger (the
    state folder's checks say why) or when it cannot be read (likewise)."""
    path = config.state.resolved_dir() / LEDGER_FILE
    if not path.exists():
        return []
    try:
        ledger = Ledger(path, readonly=True)
    except RollkeeperError:
        return []
    try:
        channels = ledger.outbox_summary()
    finally:
        ledger.close()
    findings = []
    for channel in channels:
        sentence = channel_line(
            channel.channel,
            pending=channel.pending,
            failed=channel.failed,
            oldest_pending=clock(channel.oldest_pending) if channel.oldest_pending else None,
            last_error=channel.last_error,
        )
        name = f"outbox:{channel.channel}"
        if channel.failed or (channel.pending and channel.last_error):
            findings.append(warn(name, sentence, FIX))
        else:
            findings.append(ok(name, sentence))
    return findings
