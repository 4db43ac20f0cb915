"""`rollkeeper status`: every roll's state and copies, and every volume, from the ledger; with
`--watch`, a live view refreshed in place on a terminal (plain snapshots, one per interval,
into a pipe or a log), left with Ctrl-C (exit 0)."""

from __future__ import annotations

import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rollkeeper.cli.options import config_option, json_option
from rollkeeper.cli.terminal import console, may_be_terminal
from rollkeeper.core.errors import RollkeeperError

if TYPE_CHECKING:
    import click

    from rollkeeper.config.status import StatusConfig


#: What `status` adds when the configuration is not valid but names its state folder.
SHOWN_ANYWAY = (
    "(the status below is read from the state folder it names; `rollkeeper run` refuses this "
    "file, and a running daemon keeps the configuration it has, until it is fixed)"
)


def status_command() -> click.Command:
    """`status` as click parses it."""
    import click

    @click.command()
    @config_option()
    @json_option("Print the versioned JSON document.")
    @click.option(
        "--watch", is_flag=True, help="Keep showing the status, refreshed in place (Ctrl-C ends)."
    )
    @click.option(
        "--interval",
        type=click.FloatRange(min=0.2),
        default=2.0,
        show_default=True,
        metavar="S",
        help="With --watch: seconds between refreshes.",
    )
    def status(config_path: Path | None, as_json: bool, watch: bool, interval: float) -> None:
        """Show every roll's state and copies, per shoot day, and every volume."""
        from rollkeeper.config.status import status_config_or_problem
        from rollkeeper.reports.status import load_status, status_json
        from rollkeeper.reports.status_text import print_status

        if watch and as_json:
            raise click.UsageError("--watch shows the status to people; leave out --json")
        settings, problem = status_config_or_problem(config_path)
        if problem is not None:  # said, and the status shown all the same
            click.echo(f"rollkeeper: {problem}\n{SHOWN_ANYWAY}", err=True)
        if watch:
            watch_status(settings, interval)
            return
        document = load_status(*settings)
        if as_json:
            click.echo(status_json(document))
        else:
            print_status(console(), document)

    return status


def _snapshot(settings: StatusConfig) -> tuple[dict[str, Any] | None, str | None]:
    """The status document now, or why there is none yet (no ledger, a damaged one): a watch
    keeps waiting rather than ending."""
    from rollkeeper.reports.status import load_status

    try:
        return load_status(*settings), None
    except RollkeeperError as err:
        return None, str(err)


def watch_status(settings: StatusConfig, interval: float) -> None:
    """Refresh until Ctrl-C: in place on a terminal, else one plain snapshot per interval.
    Ctrl-C is heard even when the command was started with SIGINT ignored (as a shell's
    background job, or a service, starts it): the view is left only that way."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        out = console() if may_be_terminal(sys.stdout) else None
        if out is not None and out.is_terminal:
            _live(settings, interval)
        else:
            _plain(settings, interval)
    except KeyboardInterrupt:
        return


def _live(settings: StatusConfig, interval: float) -> None:
    from rich.live import Live

    from rollkeeper.reports.status_live import live_view, waiting_view

    with Live(console=console(), auto_refresh=False, transient=False) as live:
        while True:
            document, reason = _snapshot(settings)
            now = datetime.now(UTC)
            view = live_view(document, now) if document else waiting_view(str(reason), now)
            live.update(view, refresh=True)
            time.sleep(interval)


def _plain(settings: StatusConfig, interval: float) -> None:
    from rollkeeper.reports.status_watch import snapshot_lines

    while True:
        document, reason = _snapshot(settings)
        now = datetime.now(UTC)
        lines = snapshot_lines(document, now) if document else [f"waiting: {reason}"]
        sys.stdout.write("\n".join(lines) + "\n\n")
        sys.stdout.flush()
        time.sleep(interval)
