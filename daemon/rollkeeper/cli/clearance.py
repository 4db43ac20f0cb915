"""`rollkeeper clearance [DRIVE | --roll ROLL | --day DAY]`: may this drive, or a roll's cards and
RAID copies, be erased? Judged now, with the daemon's parts, on evidence no older than
`[clearance] max_evidence_age`."""

from __future__ import annotations

import sys
from dataclasses import replace
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
    @click.option("--roll", "roll", help="A roll, by its id (shoot-day/media/roll) or bare name.")
    @click.option("--day", "day", help="Every roll of a shoot day (its folder or yyyyMMdd).")
    @json_option("Print the versioned JSON document.")
    def clearance(
        config_path: Path | None,
        drive: str | None,
        roll: str | None,
        day: str | None,
        as_json: bool,
    ) -> None:
        """May I erase DRIVE (or each known drive), or the cards and RAID copies of a --roll or
        of every roll of a --day? Re-checks the evidence now.

        Exit 0 when every drive asked about may be erased (with --roll/--day: every roll's
        cards), 1 otherwise, 2 for a name that is unknown or fits several (they are listed). A
        drive is named by its label; it must be mounted to be re-checked (an unmounted drive is
        never cleared).
        """
        if sum(x is not None for x in (drive, roll, day)) > 1:
            raise click.UsageError("name a DRIVE, a --roll or a --day, not several")
        from rollkeeper.config.schema import load_config
        from rollkeeper.ledger.routing import routes_for
        from rollkeeper.reports.clearance import (
            ClearanceAnswer,
            answer,
            clearance_json,
            clearance_text,
            require_clearance_ledger,
        )
        from rollkeeper.reports.roll_clearance import answer_rolls, roll_answers_text
        from rollkeeper.runtime.wiring import build_parts

        config, _file = load_config(config_path)
        state_dir = config.state.resolved_dir()
        require_clearance_ledger(state_dir)  # said before any part is built, as it always was
        parts = build_parts(config)
        judges = replace(parts.judges(), max_evidence_age=config.clearance.max_evidence_age)
        if roll is None and day is None:
            view = answer(state_dir, drive, judges, routes_for(config.notify))
            click.echo(clearance_json(view) if as_json else clearance_text(view))
            sys.exit(int(ExitCode.OK if view.all_clear else ExitCode.FAILURE))
        rolls = answer_rolls(state_dir, judges, roll=roll, day=day)
        click.echo(
            clearance_json(ClearanceAnswer(()), rolls) if as_json else roll_answers_text(rolls)
        )
        all_clear = bool(rolls) and all(r.cards_clear for r in rolls)
        sys.exit(int(ExitCode.OK if all_clear else ExitCode.FAILURE))

    return clearance
