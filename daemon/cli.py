"""The `rollkeeper` command line. Domain errors become messages and exit codes here, once."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console

from daemon import __version__
from daemon.errors import ExitCode, RollkeeperError
from daemon.mhl.model import HashKind
from daemon.mhl.seal import SEAL_KINDS, seal_asc, seal_legacy
from daemon.progress import NoProgress, Progress, TerminalProgress
from daemon.scan import display_path
from daemon.verify import verify_path
from daemon.verify_output import overall_exit_code, print_summary, verify_json

DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))


def _progress(console: Console, verb: str, quiet: bool) -> Progress:
    return TerminalProgress(console, verb) if console.is_terminal and not quiet else NoProgress()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rollkeeper")
def cli() -> None:
    """rollkeeper: verify, back up and clear camera and sound rolls for erasure."""


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the versioned JSON report on stdout.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=DEFAULT_JOBS,
    show_default=True,
    help="Files hashed in parallel.",
)
def verify(path: Path, as_json: bool, jobs: int) -> None:
    """Verify every roll at or below PATH against its MHLs (legacy or ASC).

    PATH may be a roll, a shoot day or a whole volume. Exit 0: all verified; 1: a file failed;
    2: bad usage or an MHL that cannot be read or trusted; 3: an environment problem.
    """
    err_console = Console(stderr=True)
    results = verify_path(path, jobs=jobs, progress=_progress(err_console, "Verifying", as_json))
    if as_json:
        click.echo(json.dumps(verify_json(path, results), indent=2, ensure_ascii=False))
    else:
        print_summary(Console(highlight=False, soft_wrap=True), results)
    sys.exit(int(overall_exit_code(results)))


@cli.command()
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
    type=click.Choice([k.value for k in SEAL_KINDS]),
    default="xxh64",
    show_default=True,
    help="Hash algorithm to record.",
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=DEFAULT_JOBS, show_default=True)
def seal(path: Path, fmt: str, hash_name: str, jobs: int) -> None:
    """Seal the folder PATH: record every media file's size and hash in an MHL.

    With an existing ASC history, every recorded file is re-verified in the same pass and the
    new generation marks it verified or failed (exit 1 if any failed).
    """
    console = Console(stderr=True)
    kind = HashKind(hash_name)
    progress = _progress(console, "Sealing", False)
    writer = seal_legacy if fmt == "legacy" else seal_asc
    result = writer(path, kind, jobs=jobs, progress=progress)
    click.echo(f"Sealed {result.file_count} files in {display_path(result.written)}")
    for failed in result.failed:
        click.echo(f"FAILED  {failed}: differs from the ASC MHL history", err=True)
    sys.exit(int(ExitCode.FAILURE if result.failed else ExitCode.OK))


_CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file (default: the platform's config folder).",
)


@cli.command()
@_CONFIG_OPTION
@click.option("--once", is_flag=True, help="One full pass: scan, verify what is ready, exit.")
def run(config_path: Path | None, once: bool) -> None:
    """Run the daemon: watch the configured volumes, find and verify rolls as they settle.

    With --once: scan every volume, verify every ready roll, wait for it, and exit 0
    (1 if any roll is in a failure state).
    """
    # Imported here: pydantic, structlog and watchdog cost `verify` and `seal` half a second.
    from daemon.config import load_config
    from daemon.logs import configure_logging
    from daemon.service import Service

    config, _file = load_config(config_path)
    configure_logging(config.state.resolved_dir())
    service = Service(config)
    if once:
        sys.exit(service.run_once())
    service.install_signal_handlers()
    sys.exit(service.run())


@cli.command()
@_CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the versioned JSON document.")
def status(config_path: Path | None, as_json: bool) -> None:
    """Show every roll's state and copies, per shoot day, and every volume."""
    from daemon.config import load_config
    from daemon.status import load_status, print_status, status_json

    config, _file = load_config(config_path)
    document = load_status(config.state.resolved_dir(), config.archive.provider)
    if as_json:
        click.echo(status_json(document))
    else:
        print_status(Console(highlight=False, soft_wrap=True), document)


@cli.command()
@_CONFIG_OPTION
@click.argument("drive", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the versioned JSON document.")
def clearance(config_path: Path | None, drive: str | None, as_json: bool) -> None:
    """May I erase DRIVE (or each known drive)? Re-checks the evidence now.

    Exit 0 when every drive asked about may be erased, 1 otherwise. A drive is named by its
    label; it must be mounted to be re-checked (an unmounted drive is never cleared).
    """
    from daemon.clearance_report import answer
    from daemon.config import load_config

    config, _file = load_config(config_path)
    text, document, all_clear = answer(config, drive)
    click.echo(json.dumps(document, indent=2, ensure_ascii=False) if as_json else text)
    sys.exit(int(ExitCode.OK if all_clear else ExitCode.FAILURE))


def main() -> None:
    """Console-script entry point: maps every rollkeeper error to its message and exit code."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(ExitCode.BAD_INPUT)
    except click.Abort:
        sys.exit(130)
    except RollkeeperError as err:
        click.echo(f"rollkeeper: {err}", err=True)
        sys.exit(int(err.exit_code))
    except KeyboardInterrupt:
        sys.exit(130)
