"""Where the configuration file and the default state folder are: cheap to import (no pydantic)."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "rollkeeper"
CONFIG_FILE_NAME = "rollkeeper.toml"


def default_config_path() -> Path:
    """Where `--config` defaults to: the platform's config folder."""
    import platformdirs  # here: only a command without --config pays for it

    return Path(platformdirs.user_config_dir(APP_NAME)) / CONFIG_FILE_NAME


def default_state_dir() -> Path:
    """The state folder (ledger, logs) when the configuration names none."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME))
