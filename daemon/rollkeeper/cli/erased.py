"""`rollkeeper erased LABEL [--force]`: the DIT says a drive was erased; the daemon records it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option

if TYPE_CHECKING:
    import click


def erased_command() -> click.Command:
    """`erased` as click parses it."""
    import click

    @click.command()
    @config_option()
    @click.argument("label")
    @click.option(
        "--force", is_flag=True, help="Record it even though the drive was never cleared."
    )
    def erased(config_path: Path | None, label: str, force: bool) -> None:
        """Record that the drive LABEL was erased: its roll copies no longer count.

        Refused (exit 2) for an unknown label, and (exit 1) for a drive never cleared for
        erasure unless --force. The daemon's loop records it (the ledger has one writer).
        """
        from rollkeeper.config.schema import load_config
        from rollkeeper.runtime.asking import ask_erased

        config, _file = load_config(config_path)
        asked = ask_erased(config.state.resolved_dir(), label, force=force)
        click.echo(f"asked for {asked.what}: {asked.when}")

    return erased
