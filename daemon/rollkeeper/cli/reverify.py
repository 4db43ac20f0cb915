"""`rollkeeper reverify ROLL`: verify again a roll's copies marked bad (mismatch, incomplete)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option

if TYPE_CHECKING:
    import click


def reverify_command() -> click.Command:
    """`reverify` as click parses it."""
    import click

    @click.command()
    @config_option()
    @click.argument("roll")
    def reverify(config_path: Path | None, roll: str) -> None:
        """Verify again the copies of ROLL marked mismatch or incomplete.

        ROLL is its id (shoot-day/media/roll) or a roll name only one roll carries. Refused
        (exit 2) for an unknown or ambiguous roll, (exit 1) for one with no bad copy. The
        daemon's loop sends the copies back to be verified (the ledger has one writer).
        """
        from rollkeeper.config.schema import load_config
        from rollkeeper.runtime.asking import ask_reverify

        config, _file = load_config(config_path)
        asked = ask_reverify(config.state.resolved_dir(), roll)
        click.echo(f"asked for {asked.what}: {asked.when}")

    return reverify
