"""Structured logging: readable lines on a terminal, JSON lines in the state folder's log."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import structlog


def configure_logging(state_dir: Path, *, level: int = logging.INFO) -> None:
    """Send structlog events to stderr (human) and `state_dir/rollkeeper.log` (JSON lines)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processor=structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty()),
            foreign_pre_chain=shared,
        )
    )
    logfile = RotatingFileHandler(
        state_dir / "rollkeeper.log", maxBytes=20 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    logfile.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processor=structlog.processors.JSONRenderer(), foreign_pre_chain=shared
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [console, logfile]
    root.setLevel(level)
    logging.getLogger("watchdog").setLevel(logging.WARNING)
