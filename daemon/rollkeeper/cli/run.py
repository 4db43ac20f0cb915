"""`rollkeeper run`: the daemon, in the foreground, or one full answer with `--once`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option
from rollkeeper.cli.terminal import console

if TYPE_CHECKING:
    import click

    from rollkeeper.config.schema import Config
    from rollkeeper.runtime.service import OnceAnswer, Service


def run_command() -> click.Command:
    """`run` as click parses it."""
    import click

    @click.command()
    @config_option()
    @click.option(
        "--once", is_flag=True, help="One full answer: verify, upload, poll, judge, print, exit."
    )
    @click.option(
        "--wait",
        "wait",
        type=click.FloatRange(min=0),
        default=None,
        metavar="SECONDS",
        help="With --once: wait at most this long for rolls still settling "
        "(default: 3 x settle_seconds; 0: do not wait).",
    )
    def run(config_path: Path | None, once: bool, wait: float | None) -> None:
        """Run the daemon: watch the configured volumes, find and verify rolls as they settle.

        With --once: scan every volume, wait (at most --wait) for rolls still settling,
        verify and upload every ready roll, retry failed uploads and poll the archive at once,
        judge every drive, print the summary `rollkeeper status` prints, and exit 0 (1 if any
        roll is in a failure state).
        """
        import structlog

        from rollkeeper.config.schema import load_config
        from rollkeeper.ledger.state_dir import prepare_state_dir
        from rollkeeper.runtime.logs import configure_logging

        if wait is not None and not once:
            raise click.UsageError("--wait applies to --once only: the daemon never stops waiting")
        config, file = load_config(config_path)
        require_volumes(config, file)
        state_dir = config.state.resolved_dir()
        created = prepare_state_dir(state_dir)
        configure_logging(config.log.resolved_file(state_dir), level=config.log.level)
        if created:
            structlog.get_logger("rollkeeper").info("state.created", path=str(state_dir))
        service = _service(config, file)
        if once:
            answer = service.run_once(wait)
            print_once_summary(config, answer)
            sys.exit(answer.exit_code)
        from rollkeeper.runtime.stopping import leave

        service.install_signal_handlers()
        code = service.run()
        leave(code)  # threads left behind by a stop (a part on the network) are not waited for
        sys.exit(code)

    return run


def require_volumes(config: Config, file: Path) -> None:
    """A daemon with no `[[volumes]]` would watch nothing and say nothing: refused (exit 2). The
    other commands still read the ledger such a configuration points at."""
    from rollkeeper.config.errors import ConfigError

    if not config.volumes:
        raise ConfigError(
            f"{file}: no [[volumes]]: rollkeeper would watch no drive; add a [[volumes]] table "
            "(path and role) for each RAID or rotation drive, as in config/rollkeeper.example.toml"
        )


def _service(config: Config, file: Path) -> Service:
    """The daemon `config` describes, its channels built before anything runs (a missing
    secret stops it here) and its warnings about unwise settings logged. Without channels
    nothing of the notify room's channels is imported."""
    import structlog

    from rollkeeper.runtime.reload import composer_for, configured_channels
    from rollkeeper.runtime.service import Service

    if config.notify.channels():
        from rollkeeper.notify.build import startup_warnings

        log = structlog.get_logger("rollkeeper")
        for warning in startup_warnings(config, file):
            log.warning("config.unwise", warning=warning)
    # the channels and the summary chosen as a reload (SIGHUP) chooses them
    summarizer = composer_for(config).summarizer
    return Service(config, channels=configured_channels, summarizer=summarizer, config_file=file)


def print_once_summary(config: Config, answer: OnceAnswer) -> None:
    """What `run --once` ends with: `rollkeeper status`'s summary, word for word, then the
    rolls still settling when the wait ran out, if any."""
    from rollkeeper.core.words import still_settling
    from rollkeeper.reports.status import load_status
    from rollkeeper.reports.status_text import print_status

    out = console()
    document = load_status(
        config.state.resolved_dir(), config.archive.provider, config.clearance.max_evidence_age
    )
    print_status(out, document)
    if answer.still_settling:
        from rich.markup import escape

        out.print(f"[yellow]{escape(still_settling(answer.still_settling, answer.waited))}[/]")
