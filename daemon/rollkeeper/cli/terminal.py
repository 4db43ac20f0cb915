"""Drawing for people: rich only when stdout or stderr may be a terminal.

rich costs every start-up ~40 ms, so a command writing into a pipe or a file decides first, without
it, whether it can be needed at all.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from rollkeeper.fs.progress import Progress


def may_be_terminal(stream: TextIO) -> bool:
    """False when rich would certainly not treat `stream` as a terminal, so that plain output
    needs no rich; rich's own switches (TTY_COMPATIBLE, FORCE_COLOR) leave the decision to it."""
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return True
    try:
        return stream.isatty()
    except ValueError:  # a closed stream
        return False


def progress(verb: str, quiet: bool) -> Progress:
    """A progress bar on stderr when it is a terminal (and not `quiet`), else nothing."""
    from rollkeeper.fs.progress import NoProgress

    if quiet or not may_be_terminal(sys.stderr):
        return NoProgress()
    from rich.console import Console

    from rollkeeper.fs.progress import TerminalProgress

    console = Console(stderr=True)
    return TerminalProgress(console, verb) if console.is_terminal else NoProgress()


def console() -> Console:
    """rich's console on stdout, as every report is printed: no guessed highlighting, and long
    lines left whole (a path is never broken in two)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)
