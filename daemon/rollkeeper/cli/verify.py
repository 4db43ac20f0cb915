"""`rollkeeper verify PATH`: every roll at or below PATH checked against its MHLs.

The report itself (JSON document, summary for people, exit code) is `reports.verify`'s; this
command runs the verification and picks how the report is shown.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import jobs_option, json_option
from rollkeeper.cli.terminal import console, may_be_terminal, progress

if TYPE_CHECKING:
    from collections.abc import Callable

    import click


def run_verify(path: Path, as_json: bool, jobs: int, echo: Callable[[str], None]) -> int:
    """The `verify` command's work, once its arguments are known; returns its exit code."""
    from rollkeeper.mhl.verify import verify_path
    from rollkeeper.reports.verify import (
        overall_exit_code,
        print_summary,
        verify_json,
        write_summary,
    )

    results = verify_path(path, jobs=jobs, progress=progress("Verifying", as_json))
    if as_json:
        import json

        echo(json.dumps(verify_json(path, results), indent=2, ensure_ascii=False))
    elif may_be_terminal(sys.stdout):
        print_summary(console(), results)
    else:
        write_summary(sys.stdout, results)
    return int(overall_exit_code(results))


def verify_command() -> click.Command:
    """`verify` as click parses it (help, usage errors, every spelling of the options)."""
    import click

    @click.command()
    @click.argument("path", type=click.Path(path_type=Path))
    @json_option("Print the versioned JSON report on stdout.")
    @jobs_option("Files hashed in parallel.")
    def verify(path: Path, as_json: bool, jobs: int) -> None:
        """Verify every roll at or below PATH against its MHLs (legacy or ASC).

        PATH may be a roll, a shoot day or a whole volume. Exit 0: all verified; 1: a file
        failed; 2: bad usage or an MHL that cannot be read or trusted; 3: an environment problem.
        """
        sys.exit(run_verify(path, as_json, jobs, click.echo))

    return verify
