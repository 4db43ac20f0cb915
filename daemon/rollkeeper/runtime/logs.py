"""The daemon's log: one structlog pipeline for rollkeeper and the libraries it uses.

Every line — rollkeeper's own events and the stdlib records of boto3/botocore, watchdog,
APScheduler, httpx/httpcore and apprise — goes through the same processors to two places: stderr,
readable (structlog's console renderer) on a terminal and JSON lines otherwise (a journal, a
pipe), and the log file, always JSON lines. The libraries log at WARNING unless `[log] level` is
"debug" (APScheduler alone would otherwise fill the log with a line per job run). Their records are
scrubbed of the channels' secrets (`notify.scrub`) by the handlers too, so a child logger the
library-logger filters do not see is scrubbed as well.

The log file survives rotation: renamed or deleted under the running daemon (newsyslog,
logrotate, a person), the next line goes to a new file at the configured path (WatchedFileHandler's
check before each line); the daemon also rotates it itself at 20 MB, keeping 5.
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler, WatchedFileHandler
from pathlib import Path
from typing import TextIO

import structlog

from rollkeeper.core.errors import EnvironmentProblem

LOG_FILE = "rollkeeper.log"

#: The libraries whose stdlib loggers join the pipeline, quiet (WARNING) unless level is debug.
THIRD_PARTY_LOGGERS = (
    "boto3",
    "botocore",
    "s3transfer",
    "urllib3",
    "watchdog",
    "apscheduler",
    "httpx",
    "httpcore",
    "apprise",
)

#: `[log] level` as the logging module counts it.
LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}

MAX_BYTES = 20 * 1024 * 1024
BACKUPS = 5


class LogFile(RotatingFileHandler, WatchedFileHandler):
    """JSON lines at one path, rotated at `MAX_BYTES`, reopened when the file there is no longer
    the one it writes to (renamed or deleted by someone else's rotation)."""

    def __init__(self, path: Path) -> None:
        RotatingFileHandler.__init__(
            self, path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        self.dev, self.ino = -1, -1
        self._statstream()
        self.complained: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.reopenIfNeeded()
        except Exception:  # its folder gone too: said once, and tried again at the next line
            self.handleError(record)
            return
        RotatingFileHandler.emit(self, record)
        self.complained = None

    def doRollover(self) -> None:  # noqa: N802 (logging's name)
        RotatingFileHandler.doRollover(self)
        self._statstream()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        """A line that cannot be written is one sentence on stderr (once per problem), never a
        traceback: the console keeps the log meanwhile."""
        error = sys.exc_info()[1]
        why = getattr(error, "strerror", None) or str(error)
        if why != self.complained:
            self.complained = why
            sys.stderr.write(
                f"rollkeeper: the log file {self.baseFilename} cannot be written ({why}); "
                "the console has the log meanwhile\n"
            )


class ForeignScrubber(logging.Filter):
    """The channels' secrets out of every library record a handler writes (rollkeeper's own
    structlog records are left alone: they never carry a secret)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, dict):  # structlog's own event dict
            return True
        from rollkeeper.notify.scrub import ScrubbingFilter

        return ScrubbingFilter().filter(record)


def open_log_file(path: Path) -> LogFile:
    """The log file at `path`, or `EnvironmentProblem` naming it and the fix (exit 3)."""
    try:
        return LogFile(path)
    except IsADirectoryError as err:
        raise EnvironmentProblem(
            f"the log file {path} is a folder; remove it or set [log] file to a file's path"
        ) from err
    except OSError as err:
        raise EnvironmentProblem(
            f"the log file {path} cannot be written ({err.strerror or err}); let the user "
            "running rollkeeper write it and its folder, or set [log] file elsewhere"
        ) from err


def _shared() -> list[structlog.types.Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]


def _formatter(renderer: structlog.types.Processor) -> logging.Formatter:
    shared = _shared()
    return structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        foreign_pre_chain=shared,
    )


def console_handler(stream: TextIO) -> logging.Handler:
    """stderr: readable on a terminal, JSON lines otherwise."""
    handler = logging.StreamHandler(stream)
    tty = stream.isatty() and os.environ.get("TERM") != "dumb"
    renderer: structlog.types.Processor = (
        structlog.dev.ConsoleRenderer(colors=tty)
        if tty
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    handler.setFormatter(_formatter(renderer))
    return handler


def configure_logging(log_file: Path, *, level: str = "info", stream: TextIO | None = None) -> None:
    """Send every log line to `stream` (stderr) and `log_file` (JSON lines) at `level`; the
    libraries at WARNING unless `level` is "debug". Raises `EnvironmentProblem` when the log file
    cannot be written."""
    logfile = open_log_file(log_file)
    logfile.setFormatter(_formatter(structlog.processors.JSONRenderer(ensure_ascii=False)))
    console = console_handler(stream or sys.stderr)
    for handler in (console, logfile):
        handler.addFilter(ForeignScrubber())
    structlog.configure(
        processors=[*_shared(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    for old in root.handlers:
        old.close()
    root.handlers[:] = [console, logfile]
    root.setLevel(LEVELS[level])
    libraries = logging.DEBUG if level == "debug" else logging.WARNING
    for name in THIRD_PARTY_LOGGERS:
        logging.getLogger(name).setLevel(libraries)
