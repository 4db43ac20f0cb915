"""What `rollkeeper status` (and `report`, `notify outbox`) needs from the configuration: the
whole file validated, without paying for pydantic on every call.

Validating the whole file (`config.schema`) imports pydantic and builds its models: ~0.2 s of
CPU, more than everything else `status` does. So a file's verdict is remembered: once `Config`
has accepted a text, a digest of it (with this rollkeeper's version, the schema's source files and
HOME, which `~` expands to) is kept in the state folder (`config-validated`), and the same text is
then read with tomllib alone (`read_status_config`). Any other text, or a cache that cannot be
read, is validated in full, so a bad value anywhere in the file is named, with its line, by
`status` exactly as by `run`. The quick read still falls back to the validation whenever it
cannot be sure to get what the validation would give.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from rollkeeper.config.errors import ConfigError
from rollkeeper.config.loading import default_config_path, default_state_dir
from rollkeeper.core.units import parse_duration

#: The tables of `config.schema.Config`, and the keys of its [state] and [archive] sections (a
#: test keeps these equal to the models). A name not listed sends `status` to the validation.
TOP_LEVEL_KEYS = frozenset(
    {
        "cart",
        "state",
        "layout",
        "volumes",
        "watch",
        "verify",
        "target",
        "archive",
        "clearance",
        "notify",
        "monitor",
        "service",
        "log",
        "dashboard",
    }
)
STATE_KEYS = frozenset({"dir", "keep_backups"})
ARCHIVE_KEYS = frozenset(
    {
        "provider", "poll_interval", "poll_interval_later", "overdue_after", "storage_classes",
        "bucket", "prefix", "path", "make_copy", "url", "status_pointer", "archived_values",
        "pending_values", "failed_values", "auth_header_env",
        # the S3 connection keys every [archive] shares with [target]
        "endpoint_url", "region", "profile", "access_key_id_env", "secret_access_key_env",
        "compatibility", "verify_tls", "sign_payload", "ca_bundle",
    }
)  # fmt: skip
#: The archive providers `ArchiveSettings` accepts, with the key each one cannot do without.
ARCHIVE_PROVIDERS: dict[str, str | None] = {
    "none": None,
    "s3-storage-class": None,
    "s3-replication": None,
    "s3-copy": "bucket",
    "fs-copy": "path",
    "http": "url",
}


class StatusConfig(NamedTuple):
    """What `rollkeeper status` needs from the configuration."""

    state_dir: Path
    archive_provider: str
    max_evidence_age: float = 600.0  # `[clearance] max_evidence_age`, its default unless set


def status_config(path: Path | None) -> StatusConfig:
    """The state folder and archive provider of the configuration at `path` (else the default
    file), from the whole file validated (`config.validated` remembers a text accepted before);
    a file that cannot be used raises the same `ConfigError` as
    `rollkeeper.config.schema.load_config`."""
    from rollkeeper.config.validated import accepted_before, remember

    file = path or default_config_path()
    try:
        text: str | None = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None  # the validation names the problem
    quick = None if text is None else read_status_config(path, text)
    if text is not None and quick is not None and accepted_before(text, quick.state_dir):
        return quick
    from rollkeeper.config.schema import load_config, parse_config

    if text is None:
        config, _file = load_config(path)  # names why the file cannot be read
    else:
        config = parse_config(text, file)  # the very text remembered as accepted
        remember(text, config.state.resolved_dir())
    return StatusConfig(
        config.state.resolved_dir(), config.archive.provider, config.clearance.max_evidence_age
    )


def status_config_or_problem(path: Path | None) -> tuple[StatusConfig, str | None]:
    """For `rollkeeper status`: the settings, and the configuration's problem when the file is
    not valid but still plainly names its state folder — someone edited it while the daemon runs
    on the one it started with (a reload refuses it), and status must keep answering what may be
    erased. A file that names nothing usable raises as `status_config` does."""
    try:
        return status_config(path), None
    except ConfigError as err:
        quick = read_status_config(path)
        if quick is None:
            raise
        return quick, str(err)


def read_status_config(path: Path | None, text: str | None = None) -> StatusConfig | None:
    """`status_config` read with tomllib alone (from `text` when given, else the file); None
    whenever it cannot be sure (see above). It checks only what status needs: callers validate
    the whole file first, or know it was accepted before."""
    file = path or default_config_path()
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8") if text is None else text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    state = _section(raw, "state", STATE_KEYS)
    archive = _section(raw, "archive", ARCHIVE_KEYS)
    if state is None or archive is None or not raw.keys() <= TOP_LEVEL_KEYS:
        return None
    max_age = _max_evidence_age(raw.get("clearance", {}))
    if max_age is None:
        return None
    if "dir" in state:
        # as `rollkeeper.config.sections` reads it: ~ expanded, and it must then be absolute
        expanded = os.path.expanduser(state["dir"]) if isinstance(state["dir"], str) else ""
        if not os.path.isabs(expanded):
            return None
        state_dir = Path(expanded)
    else:
        state_dir = default_state_dir()
    provider = archive.get("provider", "none")
    if not isinstance(provider, str) or provider not in ARCHIVE_PROVIDERS:
        return None
    needed = ARCHIVE_PROVIDERS[provider]
    if needed is not None and needed not in archive:
        return None
    return StatusConfig(state_dir, provider, max_age)


def _max_evidence_age(clearance: Any) -> float | None:
    """`[clearance] max_evidence_age` in seconds (its default when absent); None when it is
    not plainly a valid duration (then the full validation names the problem)."""
    if not isinstance(clearance, dict):
        return None
    value = clearance.get("max_evidence_age", 600.0)
    try:
        seconds = parse_duration(value)
    except (ValueError, TypeError):
        return None
    return seconds if seconds >= 0 else None


def _section(raw: dict[str, Any], name: str, keys: frozenset[str]) -> dict[str, Any] | None:
    """The table `name` (empty when absent), or None when it is not a table of known keys."""
    section = raw.get(name, {})
    if not isinstance(section, dict) or not section.keys() <= keys:
        return None
    return section
