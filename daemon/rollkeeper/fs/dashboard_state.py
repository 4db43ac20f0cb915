"""Where the daemon's dashboard listens, or why it does not, as a small JSON file in the state
folder (`dashboard.json`).

The daemon writes it when it starts the dashboard (its URL, or the sentence saying why it could
not listen: a port already taken) and when it stops; `status` reads it, so a page that is not
there is said where the DIT already looks.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from rollkeeper.fs.durable import replace_file

DASHBOARD_FILE = "dashboard.json"


@dataclass(frozen=True, slots=True)
class DashboardState:
    """The dashboard's address, whether it listens, and why not (None while it does)."""

    url: str
    listening: bool
    problem: str | None = None


def write_dashboard_state(state_dir: Path, state: DashboardState) -> None:
    """Replace the file atomically (a reader never sees half of one)."""
    replace_file(state_dir / DASHBOARD_FILE, json.dumps(asdict(state), indent=1).encode())


def read_dashboard_state(state_dir: Path) -> DashboardState | None:
    """What the daemon last wrote; None when it never wrote it (or the file is not ours)."""
    try:
        data = json.loads((state_dir / DASHBOARD_FILE).read_text(encoding="utf-8"))
        url, listening, problem = data["url"], data["listening"], data.get("problem")
        if not (isinstance(url, str) and isinstance(listening, bool)):
            raise TypeError("not a dashboard state")
        return DashboardState(url, listening, problem if isinstance(problem, str) else None)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def clear_dashboard_state(state_dir: Path) -> None:
    """No dashboard configured (`listen = ""`): nothing to say."""
    with contextlib.suppress(FileNotFoundError):
        (state_dir / DASHBOARD_FILE).unlink()
