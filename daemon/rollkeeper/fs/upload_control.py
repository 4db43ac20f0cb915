"""How the daemon's uploads are held right now, as a small JSON file in the state folder.

The daemon's loop writes `uploads.json` when uploads are paused or resumed (`rollkeeper
pause`/`resume`) and when the bandwidth limit changes with its windows (`[target]
bandwidth_windows`); a pause outlives a restart, so the start reads it back. `status` reads it
to say whether uploads are paused, until when, and at what pace they go.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from rollkeeper.fs.durable import replace_file

CONTROL_FILE = "uploads.json"


@dataclass(frozen=True, slots=True)
class UploadControl:
    """Uploads paused (since when, until when: None until resumed) and the bandwidth limit now
    (bytes a second, None: unlimited; the window it comes from and when it changes)."""

    paused: bool = False
    paused_since: str | None = None
    paused_until: str | None = None
    bandwidth: float | None = None
    bandwidth_window: str | None = None  # "19:00-07:00", or None outside every window
    bandwidth_until: str | None = None  # local "HH:MM" when the limit changes next


def write_upload_control(state_dir: Path, control: UploadControl) -> None:
    """Replace the file atomically (a reader never sees half of one)."""
    replace_file(state_dir / CONTROL_FILE, json.dumps(asdict(control), indent=1).encode())


def read_upload_control(state_dir: Path) -> UploadControl | None:
    """What the daemon last wrote; None when it never wrote it (or the file is not ours)."""
    try:
        data = json.loads((state_dir / CONTROL_FILE).read_text(encoding="utf-8"))
        bandwidth, paused = data.get("bandwidth"), data["paused"]
        if not isinstance(paused, bool):
            raise TypeError("paused is not true or false")
        return UploadControl(
            paused=paused,
            paused_since=_text(data.get("paused_since")),
            paused_until=_text(data.get("paused_until")),
            bandwidth=float(bandwidth) if bandwidth is not None else None,
            bandwidth_window=_text(data.get("bandwidth_window")),
            bandwidth_until=_text(data.get("bandwidth_until")),
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def clear_upload_control(state_dir: Path) -> None:
    """No target (or a fresh state folder): nothing is held."""
    with contextlib.suppress(FileNotFoundError):
        (state_dir / CONTROL_FILE).unlink()


def _text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("not text")
    return value
