"""The configuration file: one TOML document validated by one schema (`Config`), and its loading.

The sections' models (`config.sections`) hold every key. Errors name the file, the key, the bad
value and what is accepted.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from rollkeeper.config.dashboard import DashboardSettings
from rollkeeper.config.errors import ConfigError, ConfigUnreadable
from rollkeeper.config.fields import Section
from rollkeeper.config.lines import key_lines, line_of
from rollkeeper.config.loading import default_config_path
from rollkeeper.config.notify import MonitorSettings, NotifySettings
from rollkeeper.config.sections import (
    ArchiveSettings,
    CartSettings,
    ClearanceSettings,
    LayoutSettings,
    LogSettings,
    ServiceSettings,
    StateSettings,
    TargetSettings,
    VerifySettings,
    VolumeSettings,
    WatchSettings,
)


class Config(Section):
    """The whole configuration file."""

    cart: CartSettings = CartSettings()
    state: StateSettings = StateSettings()
    layout: LayoutSettings = LayoutSettings()
    volumes: list[VolumeSettings] = Field(default_factory=list)
    watch: WatchSettings = WatchSettings()
    verify: VerifySettings = VerifySettings()
    target: TargetSettings | None = None  # None: rolls are verified, not uploaded
    archive: ArchiveSettings = ArchiveSettings()
    clearance: ClearanceSettings = ClearanceSettings()
    notify: NotifySettings = NotifySettings()
    service: ServiceSettings = ServiceSettings()
    log: LogSettings = LogSettings()
    monitor: MonitorSettings = MonitorSettings()
    dashboard: DashboardSettings = DashboardSettings()

    @field_validator("volumes", mode="after")
    @classmethod
    def _volume_labels_are_unique(cls, volumes: list[VolumeSettings]) -> list[VolumeSettings]:
        seen: dict[str, str] = {}
        for volume in volumes:
            label = volume.label or volume.path.name
            if label in seen and not volume.is_glob:
                raise ValueError(
                    f"two volumes are labelled {label!r} ({seen[label]} and {volume.path}); "
                    "give one a different 'label'"
                )
            seen[label] = str(volume.path)
        return volumes


#: Where tomllib says a syntax error is: "(at line 3, column 5)".
_TOML_LINE = re.compile(r"at line (\d+)")


def _key_of(location: tuple[int | str, ...]) -> str:
    key = ""
    for part in location:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top level)"


def _is_table(value: Any) -> bool:
    """A TOML table or array of tables: too big to repeat in a message that names its key."""
    return isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(item, dict) for item in value)
    )


def _toml(value: Any) -> str:
    """A value as the user wrote it in TOML (`true`, not Python's `True`)."""
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _problem_text(problem: ErrorDetails) -> str:
    """What is wrong with one key, in the words of the example file."""
    message = problem["msg"].removeprefix("Value error, ")
    if problem["type"] == "extra_forbidden":
        message = "unknown key (check its spelling; see config/rollkeeper.example.toml)"
    elif problem["type"] == "missing":
        message = "is required"
    elif problem["type"] == "literal_error" and "expected" in problem.get("ctx", {}):
        message = f"must be one of {problem['ctx']['expected']}"
    return message


def _explain(file: Path, text: str, error: ValidationError) -> str:
    """One line per problem: `file:line: key = value: what is wrong` (the line of the key, or of
    its table when the key is missing; no line for the file as a whole)."""
    lines = key_lines(text)
    said: list[tuple[int, str]] = []
    for problem in error.errors():
        location = tuple(p for p in problem["loc"] if p not in ("function-after",))
        line = line_of(lines, location)
        where = f"{file}:{line}" if line is not None else str(file)
        value = problem.get("input")
        shown = "" if problem["type"] == "missing" or _is_table(value) else f" = {_toml(value)}"
        said.append((line or 0, f"{where}: {_key_of(location)}{shown}: {_problem_text(problem)}"))
    return "\n".join(sentence for _line, sentence in sorted(said, key=lambda s: s[0]))


def parse_config(text: str, file: Path) -> Config:
    """Validate the TOML `text` read from `file` (named in every message)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        at = _TOML_LINE.search(str(err))
        where = f"{file}:{at.group(1)}" if at else str(file)
        raise ConfigError(f"{where}: not valid TOML ({err})") from err
    try:
        return Config.model_validate(raw)
    except ValidationError as err:
        raise ConfigError(_explain(file, text, err)) from err


def load_config(path: Path | None) -> tuple[Config, Path]:
    """Read and validate the configuration (`path`, else the platform default)."""
    file = path or default_config_path()
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{file}: is not UTF-8 text (byte {err.start}); save it as UTF-8"
        ) from err
    except FileNotFoundError as err:
        hint = (
            ""
            if path
            else " (pass --config FILE, or create it from config/rollkeeper.example.toml)"
        )
        raise ConfigError(f"{file}: no such configuration file{hint}") from err
    except OSError as err:
        raise ConfigUnreadable(
            f"{file}: the configuration cannot be read ({err.strerror or err}); let the user "
            "running rollkeeper read it, or pass another file with --config"
        ) from err
    return parse_config(text, file), file
