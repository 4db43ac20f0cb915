"""`rollkeeper notify test [--channel NAME]`: send a test message to each channel and say how it
went, one line per channel. Exit 0 when every one was delivered, 3 when any failed, 2 when no
channel is configured or NAME is not one of them (a configuration problem, like every other).
The code is given to `sys.exit`, not to click's `Exit`: the `rollkeeper` entry point runs click
outside its standalone mode, where an `Exit` is returned as a value and its code would be lost."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option
from rollkeeper.core.errors import ExitCode

if TYPE_CHECKING:
    import click

    from rollkeeper.config.notify import ChannelSettings

ADD_ONE = (
    "add a [[notify.email]], [[notify.slack]], [[notify.webhook]] or [[notify.apprise]] table "
    "(see config/rollkeeper.example.toml and the README's 'Notifications')"
)


def _chosen(
    channels: list[tuple[str, ChannelSettings]], wanted: str | None, file: Path
) -> list[tuple[str, ChannelSettings]]:
    """The channels to test: all, or the one named; a usage problem exits 2 with its sentence."""
    import click

    if not channels:
        click.echo(f"rollkeeper: {file} configures no channel to tell people: {ADD_ONE}", err=True)
        sys.exit(int(ExitCode.BAD_INPUT))
    if wanted is None:
        return channels
    chosen = [(name, channel) for name, channel in channels if name == wanted]
    if not chosen:
        known = ", ".join(name for name, _ in channels)
        click.echo(
            f"rollkeeper: {file} has no channel named {wanted!r}; its channels are: {known}",
            err=True,
        )
        sys.exit(int(ExitCode.BAD_INPUT))
    return chosen


def notify_test_command() -> click.Command:
    """`test` as click parses it (the `notify` group adds it)."""
    import click

    @click.command("test")
    @config_option()
    @click.option("--channel", "wanted", metavar="NAME", help="Test only the channel NAME.")
    def test(config_path: Path | None, wanted: str | None) -> None:
        """Send a test message to every channel (or NAME) and print each one's result."""
        from rollkeeper.config.schema import load_config
        from rollkeeper.notify.build import build_channel, register_secrets
        from rollkeeper.notify.model import DeliveryFailed
        from rollkeeper.notify.probe import probe_notice

        config, file = load_config(config_path)
        chosen = _chosen(config.notify.channels(), wanted, file)
        register_secrets(config)  # also those of the channels not tested, and the ping URL
        built = [build_channel(name, settings) for name, settings in chosen]
        failed = 0
        for channel in built:
            try:
                channel.send(probe_notice(config.cart.name, channel.name))
                click.echo(f"{channel.name} ({channel.kind}): ok")
            except DeliveryFailed as err:
                failed += 1
                click.echo(f"{channel.name} ({channel.kind}): failed: {err.reason}")
            finally:
                channel.close()
        if failed:
            sys.exit(int(ExitCode.ENVIRONMENT))

    return test
