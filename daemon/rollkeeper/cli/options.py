"""The options several commands share, and how many files `--jobs` hashes at once by default.

click is imported only when an option is built, so the plain `verify` path (which needs only the
numbers) never loads it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from click.decorators import FC

DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))
MAX_JOBS = 64


def jobs_option(help_text: str | None = None) -> Callable[[FC], FC]:
    """`--jobs/-j N`: files hashed in parallel, 1 to `MAX_JOBS`."""
    import click

    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(1, MAX_JOBS),
        default=DEFAULT_JOBS,
        show_default=True,
        help=help_text,
    )


def json_option(help_text: str) -> Callable[[FC], FC]:
    """`--json`: the command's versioned JSON document instead of text for people."""
    import click

    return click.option("--json", "as_json", is_flag=True, help=help_text)


def config_option() -> Callable[[FC], FC]:
    """`--config FILE`: the configuration file, else the platform's default."""
    import click

    return click.option(
        "--config",
        "config_path",
        # readable=False: a file we may not read is an environment problem said by
        # `load_config` (exit 3), not a usage error
        type=click.Path(dir_okay=False, readable=False, path_type=Path),
        default=None,
        help="Configuration file (default: the platform's config folder).",
    )
