"""`rollkeeper notify …`: the outbox of notifications (`outbox`) and a summary asked for at wrap
(`summary`), and a test message to every channel (`test`, from `cli.notify_test`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option, json_option

if TYPE_CHECKING:
    import click


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
        it: recorded now, delivered by the daemon. Exit 2 for a day not written YYYYMMDD."""
        from rollkeeper.config.schema import load_config
        from rollkeeper.ledger.routing import routes_for
        from rollkeeper.reports.outbox import ask_summary

        config, _file = load_config(config_path)
        said = ask_summary(config.state.resolved_dir(), routes_for(config.notify), day)
        click.echo(said)

    return summary
