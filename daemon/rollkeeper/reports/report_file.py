"""Where `rollkeeper report -o FILE` may write, and writing it so no reader sees half a report.

A report is written to a temporary name beside the target, synced, then renamed over it
(`fs.durable.replace_file`): a crash leaves the old file or the new one, never a torn one. It
refuses a folder, a path whose folder does not exist, and the ledger itself (or its journal
files): `-o ~/.local/state/rollkeeper/ledger.sqlite3` must never replace the single source of
truth with a CSV.
"""

from __future__ import annotations

from pathlib import Path

from rollkeeper.core.errors import BadInputError, EnvironmentProblem
from rollkeeper.fs.durable import replace_file
from rollkeeper.ledger.store import LEDGER_FILE

#: The ledger and the files SQLite keeps beside it.
_LEDGER_FILES = tuple(LEDGER_FILE + suffix for suffix in ("", "-wal", "-shm", "-journal"))


def _protected(state_dir: Path) -> set[Path]:
    return {(state_dir / name).resolve() for name in _LEDGER_FILES}


def check_output(path: Path, state_dir: Path) -> Path:
    """The resolved path a report may be written to; else the sentence that says why not."""
    target = path.expanduser()
    if target.is_dir():
        raise BadInputError(
            f"{path}: is a folder; name a file for the report, e.g. {path}/report.csv"
        )
    resolved = target.resolve()
    if resolved in _protected(state_dir) or resolved.name in _LEDGER_FILES:
        raise BadInputError(
            f"{path}: is rollkeeper's ledger; a report is never written over it, name another file"
        )
    if not resolved.parent.is_dir():
        raise BadInputError(f"{path}: the folder {resolved.parent} does not exist; create it first")
    return resolved


def write_report(path: Path, state_dir: Path, data: bytes) -> Path:
    """Write the report to `path` atomically (after `check_output`); where it went."""
    target = check_output(path, state_dir)
    try:
        replace_file(target, data)
    except OSError as err:
        raise EnvironmentProblem(
            f"{path}: the report could not be written ({err.strerror or err}); "
            "check the folder's permissions and free space"
        ) from err
    return target
