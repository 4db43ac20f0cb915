"""`rollkeeper status`: every roll's state and copies, and every volume, from the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option, json_option
from rollkeeper.cli.terminal import console

if TYPE_CHECKING:
    import click


def status_command() -> click.Command:
    """`status` as click parses it."""
    import click

    @click.command()
    @config_option()
    @json_option("Print the versioned JSON document.")
    def status(config_path: Path | None, as_json: bool) -> None:
        """Show every roll's state and copies, per shoot day, and every volume."""
        from rollkeeper.config.status import status_config
        from rollkeeper.reports.status import load_status, status_json
        from rollkeeper.reports.status_text import print_status

        document = load_status(*status_config(config_path))
        if as_json:
            click.echo(status_json(document))
        else:
            print_status(console(), document)

    return status
