"""`rollkeeper clearance [DRIVE]`: may this drive be erased? Judged now, with the daemon's parts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option, json_option
from rollkeeper.core.errors import ExitCode

if TYPE_CHECKING:
    import click


def clearance_command() -> click.Command:
    """`clearance` as click parses it."""
    import click

    @click.command()
    @config_option()
    @click.argument("drive", required=False)
    @json_option("Print the versioned JSON document.")
    def clearance(config_path: Path | None, drive: str | None, as_json: bool) -> None:
        """May I erase DRIVE (or each known drive)? Re-checks the evidence now.

        Exit 0 when every drive asked about may be erased, 1 otherwise. A drive is named by its
        label; it must be mounted to be re-checked (an unmounted drive is never cleared).
        """
        from rollkeeper.config.schema import load_config
        from rollkeeper.reports.clearance import (
            answer,
            clearance_json,
            clearance_text,
            require_clearance_ledger,
        )
        from rollkeeper.runtime.wiring import build_parts

        config, _file = load_config(config_path)
        state_dir = config.state.resolved_dir()
        require_clearance_ledger(state_dir)  # said before any part is built, as it always was
        parts = build_parts(config)
        view = answer(state_dir, drive, parts.judges())
        click.echo(clearance_json(view) if as_json else clearance_text(view))
        sys.exit(int(ExitCode.OK if view.all_clear else ExitCode.FAILURE))

    return clearance
