"""`rollkeeper pause [--for DURATION]` and `rollkeeper resume`: hold the uploads (for the set's
uplink, say) while verification goes on; the daemon's loop applies them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option

if TYPE_CHECKING:
    import click


def pause_command() -> click.Command:
    """`pause` as click parses it."""
    import click

    @click.command()
    @config_option()
    @click.option(
        "--for",
        "duration",
        default=None,
        metavar="DURATION",
        help="Resume by itself after this long (e.g. 30m, 2h); default: until `resume`.",
    )
    def pause(config_path: Path | None, duration: str | None) -> None:
        """Pause uploads: they stop at their next part boundary (parts sent are kept) and
        resume with `rollkeeper resume` or after --for. Rolls are still verified meanwhile;
        they wait and are uploaded when uploads resume."""
        from rollkeeper.config.schema import load_config
        from rollkeeper.core.units import parse_duration
        from rollkeeper.runtime.asking import ask_pause

        seconds = None
        if duration is not None:
            try:
                seconds = parse_duration(duration)
            except ValueError as err:
                raise click.BadParameter(str(err), param_hint="--for") from err
        config, _file = load_config(config_path)
        asked = ask_pause(config.state.resolved_dir(), seconds)
        click.echo(f"asked for {asked.what}: {asked.when}")

    return pause


def resume_command() -> click.Command:
    """`resume` as click parses it."""
    import click

    @click.command()
    @config_option()
    def resume(config_path: Path | None) -> None:
        """Resume paused uploads: the rolls waiting are uploaded, from their last sent part."""
        from rollkeeper.config.schema import load_config
        from rollkeeper.runtime.asking import ask_resume

        config, _file = load_config(config_path)
        asked = ask_resume(config.state.resolved_dir())
        click.echo(f"asked for {asked.what}: {asked.when}")

    return resume
