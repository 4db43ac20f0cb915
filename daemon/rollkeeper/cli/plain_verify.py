"""The fast path of `rollkeeper verify`: a plain command line, parsed and run without click.

`rollkeeper verify` is timed against `xxhsum`, and importing click costs more than the whole rest
of a small verification's start-up. `verify PATH [--json] [--jobs N]` written plainly is read here
instead; anything this cannot decide for certain goes through click as always.
"""

from __future__ import annotations

import codecs
import errno
import os
import sys
from pathlib import Path
from typing import NoReturn

from rollkeeper.cli.options import DEFAULT_JOBS, MAX_JOBS
from rollkeeper.cli.verify import run_verify


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


def verify_without_click(path: Path, as_json: bool, jobs: int) -> NoReturn:
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
