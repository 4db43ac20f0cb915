"""`rollkeeper notify …`: the outbox of notifications (`outbox`) and a summary asked for at wrap
(`summary`), and a test message to every channel (`test`, from `cli.notify_test`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option, json_option
from rollkeeper.core.errors import ExitCode

if TYPE_CHECKING:
    import click

    from rollkeeper.config.schema import Config


def notify_group() -> click.Group:
    """The `notify` group as click parses it."""
    import click

    @click.group()
    def notify() -> None:
        """Notifications: a test message, what waits to be sent, and the summary at wrap."""

    from rollkeeper.cli.notify_test import notify_test_command

    notify.add_command(notify_test_command())
    notify.add_command(_outbox_command())
    notify.add_command(_summary_command())
    return notify


def _outbox_command() -> click.Command:
    import click

    @click.command()
    @config_option()
    @json_option("Print the versioned JSON document.")
    def outbox(config_path: Path | None, as_json: bool) -> None:
        """List the notifications still waiting to be sent and those given up (failed), with
        their last error. Exit 0 (the list is an answer, not a verdict)."""
        from rollkeeper.config.status import status_config
        from rollkeeper.reports.outbox import load_outbox, outbox_json, outbox_text

        state_dir = status_config(config_path)[0]
        document = load_outbox(state_dir)
        click.echo(outbox_json(document) if as_json else outbox_text(document))

    return outbox


def _summary_command() -> click.Command:
    import click

    @click.command()
    @config_option()
    @click.option("--day", "day", help="The shoot day, YYYYMMDD (default: the whole show).")
    def summary(config_path: Path | None, day: str | None) -> None:
        """Send the summary of a shoot day (or of the whole show) to every channel that takes
        it, now: one line per channel. What a channel does not take stays in the outbox and the
        daemon tries again. Exit 0 when every channel took it, 3 when one did not, 2 for a day
        not written YYYYMMDD."""
        from rollkeeper.config.schema import load_config

        config, _file = load_config(config_path)
        lines, all_sent = _send_summary(config, day)
        click.echo("\n".join(lines))
        if not all_sent:
            raise SystemExit(int(ExitCode.ENVIRONMENT))

    return summary


def _send_summary(config: Config, day: str | None) -> tuple[list[str], bool]:
    """Record the summary asked for, send it on every channel that takes it; the lines to
    print, and whether every channel took it."""
    from rollkeeper.core.words.deliveries import not_sent_now, sent_now
    from rollkeeper.ledger.routing import routes_for
    from rollkeeper.ledger.store import Ledger
    from rollkeeper.notify.build import build_channels
    from rollkeeper.notify.sending import send_event_now
    from rollkeeper.reports.ledger_file import require_ledger
    from rollkeeper.reports.outbox import NO_LEDGER_HINT, ask_summary, check_day
    from rollkeeper.runtime.reload import composer_for

    check_day(day)
    state_dir = config.state.resolved_dir()
    require_ledger(state_dir, NO_LEDGER_HINT)
    channels = build_channels(config)  # a missing secret is said before anything is recorded
    routes = routes_for(config.notify)
    ledger = Ledger.in_state_dir(state_dir, routes=routes)
    try:
        event_id, said = ask_summary(ledger, routes, day)
        composer = composer_for(config)
        results = send_event_now(ledger, event_id, channels, composer, config.notify.give_up_after)
    finally:
        ledger.close()
        for channel in channels:
            channel.close()
    lines = [said]
    for result in results:
        failure = result.failure
        if failure is None:
            lines.append(sent_now(result.channel))
        else:
            lines.append(not_sent_now(result.channel, failure.reason, given_up=failure.permanent))
    return lines, all(result.failure is None for result in results)
