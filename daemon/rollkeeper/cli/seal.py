"""`rollkeeper seal PATH`: record every media file of a folder in a new MHL."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import jobs_option
from rollkeeper.cli.terminal import progress
from rollkeeper.core.errors import ExitCode

if TYPE_CHECKING:
    import click

#: The `--hash` choices: the values of `rollkeeper.mhl.seal.SEAL_KINDS` (a test keeps the two
#: equal), spelled out so that building the command line need not import the sealing code.
SEAL_HASHES = ("xxh64", "xxh128", "md5")


def seal_command() -> click.Command:
    """`seal` as click parses it."""
    import click

    @click.command()
    @click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["legacy", "asc"]),
        default="asc",
        show_default=True,
        help="legacy: an MHL v1.1 file; asc: a new ASC MHL generation in PATH/ascmhl/.",
    )
    @click.option(
        "--hash",
        "hash_name",
        type=click.Choice(SEAL_HASHES),
        default="xxh64",
        show_default=True,
        help="Hash algorithm to record.",
    )
    @jobs_option()
    def seal(path: Path, fmt: str, hash_name: str, jobs: int) -> None:
        """Seal the folder PATH: record every media file's size and hash in an MHL.

        With an existing ASC history, every recorded file is re-verified in the same pass and
        the new generation marks it verified or failed (exit 1 if any failed).
        """
        from rollkeeper.core.files import display_path
        from rollkeeper.mhl.model import HashKind
        from rollkeeper.mhl.seal import seal_asc, seal_legacy

        writer = seal_legacy if fmt == "legacy" else seal_asc
        result = writer(path, HashKind(hash_name), jobs=jobs, progress=progress("Sealing", False))
        click.echo(f"Sealed {result.file_count} files in {display_path(result.written)}")
        for link in result.links:
            click.echo(
                f"warning: {display_path(link)} is a symbolic link: not sealed (an offload "
                "copies the file itself; replace the link with the file and seal again)",
                err=True,
            )
        for failed in result.failed:
            click.echo(f"FAILED  {failed}: differs from the ASC MHL history", err=True)
        sys.exit(int(ExitCode.FAILURE if result.failed else ExitCode.OK))

    return seal
