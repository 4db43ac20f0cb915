"""`rollkeeper doctor`: check that this cart can do its job, and say how to fix what cannot.
Exit 0 when every check passes (warnings allowed), 2 when the configuration is not valid, 3 when
the environment fails a check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option, json_option
from rollkeeper.cli.terminal import console

if TYPE_CHECKING:
    import click

_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red"}


def doctor_command() -> click.Command:
    """`doctor` as click parses it."""
    import click

    @click.command()
    @config_option()
    @json_option("Print the versioned JSON document (rollkeeper.doctor/1).")
    @click.option(
        "--probe",
        is_flag=True,
        help="Also write, read back and delete a small test object under doctor/ on the target.",
    )
    @click.option(
        "--send-test",
        is_flag=True,
        help="Also send a test message on every channel and ping the dead-man's switch.",
    )
    def doctor(config_path: Path | None, as_json: bool, probe: bool, send_test: bool) -> None:
        """Check the configuration, state folder, drives, target, archive and channels."""
        from rich.markup import escape

        from rollkeeper.doctor.checks import Asked, run_checks
        from rollkeeper.doctor.model import document, exit_code
        from rollkeeper.doctor.text import lines

        findings, file = run_checks(config_path, Asked(probe=probe, send_test=send_test))
        if as_json:
            click.echo(json.dumps(document(findings, file), indent=2, ensure_ascii=False))
        else:
            out = console()
            for outcome, line in lines(findings):
                style = _STYLE.get(outcome.value) if outcome else "bold"
                out.print(f"[{style}]{escape(line)}[/]")
        raise SystemExit(int(exit_code(findings)))

    return doctor
