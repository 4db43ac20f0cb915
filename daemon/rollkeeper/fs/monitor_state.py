"""How the dead-man's switch last fared, as a small JSON file in the state folder
(`monitor.json`): when a ping last got through and, when the last one did not, why.

The switch's thread writes it after each ping (once a `ping_every` period); `status` and the
dashboard read it, so "is anyone watching this cart?" is answered where the DIT already looks.
The ping URL is never written (its path is the check's secret).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from rollkeeper.fs.durable import replace_file

MONITOR_FILE = "monitor.json"


@dataclass(frozen=True, slots=True)
class MonitorState:
    """The last ping that got through, the last one tried, and why that one failed (None: it
    did not)."""

    last_success: str | None
    last_attempt: str
    last_error: str | None


def write_monitor_state(state_dir: Path, state: MonitorState) -> None:
    """Replace the file atomically (a reader never sees half of one)."""
    replace_file(state_dir / MONITOR_FILE, json.dumps(asdict(state), indent=1).encode())


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def read_monitor_state(state_dir: Path) -> MonitorState | None:
    """What the daemon last wrote; None when no switch ever pinged (or the file is not ours)."""
    try:
        data = json.loads((state_dir / MONITOR_FILE).read_text(encoding="utf-8"))
        attempt = data["last_attempt"]
        if not isinstance(attempt, str):
            raise TypeError("not a monitor state")
        return MonitorState(_text(data.get("last_success")), attempt, _text(data.get("last_error")))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def clear_monitor_state(state_dir: Path) -> None:
    """No switch configured: nothing to say."""
    with contextlib.suppress(FileNotFoundError):
        (state_dir / MONITOR_FILE).unlink()
