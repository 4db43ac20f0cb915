"""`rollkeeper run`: the daemon, in the foreground, or one full pass with `--once`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option

if TYPE_CHECKING:
    import click


def run_command() -> click.Command:
    """`run` as click parses it."""
    import click

    @click.command()
    @config_option()
    @click.option("--once", is_flag=True, help="One full pass: scan, verify what is ready, exit.")
    def run(config_path: Path | None, once: bool) -> None:
        """Run the daemon: watch the configured volumes, find and verify rolls as they settle.

        With --once: scan every volume, verify every ready roll, wait for it, and exit 0
        (1 if any roll is in a failure state).
        """
        from rollkeeper.config.schema import load_config
        from rollkeeper.runtime.logs import configure_logging
        from rollkeeper.runtime.service import Service

        config, _file = load_config(config_path)
        configure_logging(config.state.resolved_dir())
        service = Service(config)
        if once:
            sys.exit(service.run_once())
        service.install_signal_handlers()
        sys.exit(service.run())

    return run
