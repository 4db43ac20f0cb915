"""The `rollkeeper` command line. Domain errors become messages and exit codes here, once.

`rollkeeper verify` is timed against `xxhsum`, so everything it imports at start-up counts: each
command imports what it needs when it runs, rich only when it will draw colours or a progress bar
on a terminal, and `verify PATH [--json] [--jobs N]` written plainly is even parsed without click
(`main`), whose import costs more than the whole rest of a small verification's start-up. Anything
else (help, a usage error, another spelling, another command) goes through click as always.
"""

from __future__ import annotations

import codecs
import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from rollkeeper import __version__
from rollkeeper.core.errors import ExitCode, RollkeeperError

if TYPE_CHECKING:
    from collections.abc import Callable

    import click

    from rollkeeper.fs.progress import Progress

DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))
MAX_JOBS = 64

#: The `--hash` choices of `seal`: the values of `rollkeeper.mhl.seal.SEAL_KINDS` (a test keeps the
#: two equal), spelled out so that other commands need not import the sealing code.
SEAL_HASHES = ("xxh64", "xxh128", "md5")


def _may_be_terminal(stream: TextIO) -> bool:
    """False when rich would certainly not treat `stream` as a terminal, so that plain output
    needs no rich; rich's own switches (TTY_COMPATIBLE, FORCE_COLOR) leave the decision to it."""
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return True
    try:
        return stream.isatty()
    except ValueError:  # a closed stream
        return False


def _progress(verb: str, quiet: bool) -> Progress:
    """A progress bar on stderr when it is a terminal (and not `quiet`), else nothing."""
    from rollkeeper.fs.progress import NoProgress

    if quiet or not _may_be_terminal(sys.stderr):
        return NoProgress()
    from rich.console import Console

    from rollkeeper.fs.progress import TerminalProgress

    console = Console(stderr=True)
    return TerminalProgress(console, verb) if console.is_terminal else NoProgress()


def run_verify(path: Path, as_json: bool, jobs: int, echo: Callable[[str], None]) -> int:
    """The `verify` command's work, once its arguments are known; returns its exit code."""
    from rollkeeper.mhl.verify import verify_path
    from rollkeeper.reports.verify import (
        overall_exit_code,
        print_summary,
        verify_json,
        write_summary,
    )

    results = verify_path(path, jobs=jobs, progress=_progress("Verifying", as_json))
    if as_json:
        import json

        echo(json.dumps(verify_json(path, results), indent=2, ensure_ascii=False))
    elif _may_be_terminal(sys.stdout):
        from rich.console import Console

        print_summary(Console(highlight=False, soft_wrap=True), results)
    else:
        write_summary(sys.stdout, results)
    return int(overall_exit_code(results))


def build_cli() -> click.Group:
    """The click command group: every command, with its options, help and usage errors."""
    import click

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="rollkeeper")
    def cli() -> None:
        """rollkeeper: verify, back up and clear camera and sound rolls for erasure."""

    @cli.command()
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option(
        "--json", "as_json", is_flag=True, help="Print the versioned JSON report on stdout."
    )
    @click.option(
        "--jobs",
        "-j",
        type=click.IntRange(1, MAX_JOBS),
        default=DEFAULT_JOBS,
        show_default=True,
        help="Files hashed in parallel.",
    )
    def verify(path: Path, as_json: bool, jobs: int) -> None:
        """Verify every roll at or below PATH against its MHLs (legacy or ASC).

        PATH may be a roll, a shoot day or a whole volume. Exit 0: all verified; 1: a file
        failed; 2: bad usage or an MHL that cannot be read or trusted; 3: an environment problem.
        """
        sys.exit(run_verify(path, as_json, jobs, click.echo))

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
        type=click.Choice(SEAL_HASHES),
        default="xxh64",
        show_default=True,
        help="Hash algorithm to record.",
    )
    @click.option(
        "--jobs", "-j", type=click.IntRange(1, MAX_JOBS), default=DEFAULT_JOBS, show_default=True
    )
    def seal(path: Path, fmt: str, hash_name: str, jobs: int) -> None:
        """Seal the folder PATH: record every media file's size and hash in an MHL.

        With an existing ASC history, every recorded file is re-verified in the same pass and
        the new generation marks it verified or failed (exit 1 if any failed).
        """
        from rollkeeper.core.files import display_path
        from rollkeeper.mhl.model import HashKind
        from rollkeeper.mhl.seal import seal_asc, seal_legacy

        writer = seal_legacy if fmt == "legacy" else seal_asc
        result = writer(path, HashKind(hash_name), jobs=jobs, progress=_progress("Sealing", False))
        click.echo(f"Sealed {result.file_count} files in {display_path(result.written)}")
        for failed in result.failed:
            click.echo(f"FAILED  {failed}: differs from the ASC MHL history", err=True)
        sys.exit(int(ExitCode.FAILURE if result.failed else ExitCode.OK))

    config_option = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Configuration file (default: the platform's config folder).",
    )

    @cli.command()
    @config_option
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

    @cli.command()
    @config_option
    @click.option("--json", "as_json", is_flag=True, help="Print the versioned JSON document.")
    def status(config_path: Path | None, as_json: bool) -> None:
        """Show every roll's state and copies, per shoot day, and every volume."""
        from rollkeeper.config.status import status_config
        from rollkeeper.reports.status import load_status, print_status, status_json

        document = load_status(*status_config(config_path))
        if as_json:
            click.echo(status_json(document))
        else:
            from rich.console import Console

            print_status(Console(highlight=False, soft_wrap=True), document)

    @cli.command()
    @config_option
    @click.argument("drive", required=False)
    @click.option("--json", "as_json", is_flag=True, help="Print the versioned JSON document.")
    def clearance(config_path: Path | None, drive: str | None, as_json: bool) -> None:
        """May I erase DRIVE (or each known drive)? Re-checks the evidence now.

        Exit 0 when every drive asked about may be erased, 1 otherwise. A drive is named by its
        label; it must be mounted to be re-checked (an unmounted drive is never cleared).
        """
        import json

        from rollkeeper.config.schema import load_config
        from rollkeeper.reports.clearance import answer

        config, _file = load_config(config_path)
        text, document, all_clear = answer(config, drive)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False) if as_json else text)
        sys.exit(int(ExitCode.OK if all_clear else ExitCode.FAILURE))

    return cli


def plain_verify_arguments(args: list[str]) -> tuple[Path, bool, int] | None:
    """`verify PATH [--json] [--jobs N | -j N]` in any order, each at most once, as (path,
    as_json, jobs) when click would read it the same way and accept it; otherwise None.

    Whatever this cannot decide for certain (help, `--`, `--jobs=N`, a value click would
    refuse or coerce, shell completion, a stdout click would re-encode) is left to click.
    """
    if not args or args[0] != "verify" or any(k.endswith("_COMPLETE") for k in os.environ):
        return None
    try:
        if codecs.lookup(sys.stdout.encoding).name != "utf-8":
            return None
    except (AttributeError, TypeError, LookupError):  # no stdout, or no usable encoding
        return None
    path: str | None = None
    as_json = False
    jobs: int | None = None
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--json" and not as_json:
            as_json = True
        elif arg in ("--jobs", "-j") and jobs is None:
            value = next(rest, "")
            if not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_JOBS):
                return None
            jobs = int(value)
        elif arg and not arg.startswith("-") and path is None:
            path = arg
        else:
            return None
    if path is None or (os.path.exists(path) and not os.access(path, os.R_OK)):
        return None  # click's usage error ("Missing argument", "is not readable")
    return Path(path), as_json, DEFAULT_JOBS if jobs is None else jobs


def _echo(text: str) -> None:
    """click.echo's effect on a UTF-8 stdout for text without ANSI escapes (JSON has none)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _verify_without_click(path: Path, as_json: bool, jobs: int) -> NoReturn:
    """`run_verify`, ending as click's `main` ends a command that is interrupted or whose
    reader went away (`rollkeeper verify … | head`).

    Once the report is out, the process ends without the interpreter's teardown: freeing every
    module (lxml's among them) would add about 10 ms, a fifth of a small verification. Nothing is
    left to clean up by then: the hashing threads have been joined, every file read is closed,
    nothing was written but stdout and stderr, which are flushed first.
    """
    try:
        code = run_verify(path, as_json, jobs, _echo)
        sys.stdout.flush()
        sys.stderr.flush()
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\n")
        sys.stderr.flush()
        sys.exit(130)
    except OSError as err:
        if err.errno != errno.EPIPE:
            raise
        from click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
    os._exit(code)


def _run_click() -> None:
    """Every other command line, parsed by click; its usage errors exit 2."""
    import click

    try:
        build_cli().main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(ExitCode.BAD_INPUT)
    except click.Abort:
        sys.exit(130)


def main() -> None:
    """Console-script entry point: maps every rollkeeper error to its message and exit code."""
    try:
        plain = plain_verify_arguments(sys.argv[1:])
        if plain is not None:
            _verify_without_click(*plain)
        _run_click()
    except RollkeeperError as err:
        import click

        click.echo(f"rollkeeper: {err}", err=True)
        sys.exit(int(err.exit_code))
    except KeyboardInterrupt:
        sys.exit(130)
