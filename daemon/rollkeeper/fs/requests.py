"""The requests inbox: what a command asks of the daemon, as small JSON files in the state folder.

Only the daemon's loop writes the ledger, so a command that changes what the ledger records
(`rollkeeper erased`, `rollkeeper reverify`) leaves a request in `<state_dir>/requests/` instead;
the loop takes the requests at the start of every pass, applies each and deletes it once its
effect is recorded. A request file is written whole or not at all (a temporary name, fsync, then
a link to its final name), so a reader never sees half of one; one that cannot be read is moved
aside to `requests/set_aside/`, never applied and never lost.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rollkeeper.fs.durable import write_new_file

REQUESTS_DIR = "requests"
SET_ASIDE_DIR = "set_aside"
SUFFIX = ".json"


@dataclass(frozen=True, slots=True)
class Request:
    """One thing asked of the daemon: its `kind`, its arguments, when and its random id."""

    id: str
    kind: str
    arguments: dict[str, Any]
    requested_at: str


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file in the inbox that is not a request rollkeeper can read: why."""

    problem: str


def requests_dir(state_dir: Path) -> Path:
    return state_dir / REQUESTS_DIR


def write_request(state_dir: Path, kind: str, arguments: dict[str, Any]) -> Request:
    """Leave a request for the daemon, durably and atomically; returns it."""
    now = datetime.now(UTC)
    request = Request(secrets.token_hex(8), kind, arguments, now.isoformat(timespec="milliseconds"))
    folder = requests_dir(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "id": request.id,
        "kind": kind,
        "arguments": arguments,
        "requested_at": request.requested_at,
    }
    name = f"{now.strftime('%Y%m%dT%H%M%S%f')}-{request.id}{SUFFIX}"
    write_new_file(folder / name, json.dumps(document, indent=1).encode())
    return request


def read_request(path: Path) -> Request | Unreadable:
    """The request in `path`, or why it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return Unreadable(f"cannot be read as JSON ({err})")
    if not isinstance(data, dict):
        return Unreadable("is not a JSON object")
    fields = (data.get("id"), data.get("kind"), data.get("arguments"), data.get("requested_at"))
    ident, kind, arguments, requested_at = fields
    if not (
        isinstance(ident, str)
        and isinstance(kind, str)
        and isinstance(arguments, dict)
        and isinstance(requested_at, str)
    ):
        return Unreadable("lacks one of id, kind, arguments, requested_at (or one is mistyped)")
    return Request(ident, kind, arguments, requested_at)


def pending(state_dir: Path) -> list[Path]:
    """The request files waiting, oldest first (temporary files being written are not)."""
    try:
        names = sorted(os.listdir(requests_dir(state_dir)))
    except FileNotFoundError:
        return []
    folder = requests_dir(state_dir)
    return [folder / n for n in names if n.endswith(SUFFIX) and not n.startswith(".")]


def done(path: Path) -> None:
    """A request whose effect is recorded: gone from the inbox."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def set_aside(path: Path) -> Path:
    """Move a request that cannot be applied out of the inbox, keeping it for a person."""
    aside = path.parent / SET_ASIDE_DIR
    aside.mkdir(exist_ok=True)
    target = aside / path.name
    os.replace(path, target)
    return target
