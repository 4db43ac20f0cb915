"""The `rollkeeper` command line. Domain errors become messages and exit codes here, once.

Each command lives in its own module (`cli/verify.py`, `cli/seal.py`, `cli/run.py`,
`cli/status.py`, `cli/clearance.py`, `cli/erased.py`, `cli/reverify.py`, `cli/report.py`,
`cli/notify.py`, `cli/service/`): it parses, calls the room that does the work, renders the view
`reports/` defines, and exits with the code. `rollkeeper verify` is timed against `xxhsum`, so
everything it imports at start-up counts: each command imports what it needs when it runs, rich
only when it will draw colours or a progress bar on a terminal, and `verify PATH [--json]
[--jobs N]` written plainly is even parsed without click (`cli.plain_verify`), whose import costs
more than the whole rest of a small verification's start-up. Anything else (help, a usage
error, another spelling, another command) goes through click as always.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rollkeeper import __version__
from rollkeeper.cli.plain_verify import plain_verify_arguments, verify_without_click
from rollkeeper.core.errors import ExitCode, RollkeeperError

if TYPE_CHECKING:
    import click


def build_cli() -> click.Group:
    """The click command group: every command, with its options, help and usage errors."""
    import click

    from rollkeeper.cli.clearance import clearance_command
    from rollkeeper.cli.doctor import doctor_command
    from rollkeeper.cli.erased import erased_command
    from rollkeeper.cli.ledger import ledger_group
    from rollkeeper.cli.notify import notify_group
    from rollkeeper.cli.pause import pause_command, resume_command
    from rollkeeper.cli.report import report_command
    from rollkeeper.cli.reverify import reverify_command
    from rollkeeper.cli.run import run_command
    from rollkeeper.cli.seal import seal_command
    from rollkeeper.cli.service.command import service_group
    from rollkeeper.cli.status import status_command
    from rollkeeper.cli.verify import verify_command

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="rollkeeper")
    def cli() -> None:
        """rollkeeper: verify, back up and clear camera and sound rolls for erasure."""

    for command in (
        verify_command(),
        seal_command(),
        run_command(),
        status_command(),
        clearance_command(),
        erased_command(),
        reverify_command(),
        pause_command(),
        resume_command(),
        report_command(),
        notify_group(),
        service_group(),
        doctor_command(),
        ledger_group(),
    ):
        cli.add_command(command)
    return cli


def _run_click() -> None:
    """Every other command line, parsed by click; its usage errors exit 2."""
    import click

    try:
        # Outside standalone mode click returns a command's `ctx.exit(code)` as a value
        # instead of exiting with it: honour it, so no exit code is ever lost.
        returned = build_cli().main(standalone_mode=False)
    except click.ClickException as err:
        err.show()
        sys.exit(ExitCode.BAD_INPUT)
    except click.Abort:
        sys.exit(130)
    if isinstance(returned, int) and returned:
        sys.exit(returned)


def main() -> None:
    """Console-script entry point: maps every rollkeeper error to its message and exit code."""
    try:
        plain = plain_verify_arguments(sys.argv[1:])
        if plain is not None:
            verify_without_click(*plain)
        _run_click()
    except RollkeeperError as err:
        import click

        click.echo(f"rollkeeper: {err}", err=True)
        sys.exit(int(err.exit_code))
    except OSError as err:  # an error of the machine no room put in words: still one sentence
        from rollkeeper.cli.environment import os_error_sentence

        sys.stderr.write(f"rollkeeper: {os_error_sentence(err)}\n")
        sys.exit(int(ExitCode.ENVIRONMENT))
    except KeyboardInterrupt:
        sys.exit(130)
