"""`rollkeeper ledger backup PATH [--force]`: a copy of the ledger, made while the daemon runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option
from rollkeeper.core.errors import BadInputError, EnvironmentProblem

if TYPE_CHECKING:
    import click

#: The ledger and the files SQLite keeps beside it: never a backup's destination.
_LIVE = ("", "-wal", "-shm", "-journal")


def check_destination(path: Path, ledger: Path, *, force: bool) -> Path:
    """Where a backup may go, resolved; else the sentence that says why not (exit 2)."""
    target = path.expanduser()
    if target.is_dir():
        raise BadInputError(
            f"{path}: is a folder; name the backup file, e.g. {path}/ledger-backup.sqlite3"
        )
    resolved = target.resolve()
    live = {Path(f"{ledger.resolve()}{suffix}") for suffix in _LIVE}
    if resolved in live:
        raise BadInputError(f"{path}: is the live ledger itself; name another file")
    if not resolved.parent.is_dir():
        raise BadInputError(f"{path}: the folder {resolved.parent} does not exist; create it first")
    if resolved.exists() and not force:
        raise BadInputError(
            f"{path}: already exists; name another file, or add --force to replace it"
        )
    return resolved


def backup_ledger(state_dir: Path, path: Path, *, force: bool) -> Path:
    """Copy the ledger of `state_dir` to `path` (read-only: the daemon may be running)."""
    from rollkeeper.ledger.backup import back_up
    from rollkeeper.ledger.store import LEDGER_FILE, Ledger

    live = state_dir / LEDGER_FILE
    if not live.is_file():
        raise BadInputError(
            f"{live}: no ledger yet; start the daemon (`rollkeeper run`) with this state dir"
        )
    target = check_destination(path, live, force=force)
    ledger = Ledger(live, readonly=True)
    try:
        back_up(ledger, target, replace=force)
    except FileExistsError as err:
        raise BadInputError(f"{path}: already exists; add --force to replace it") from err
    except OSError as err:
        raise EnvironmentProblem(
            f"{path}: the backup could not be written ({err.strerror or err}); "
            "check the folder's permissions and free space"
        ) from err
    finally:
        ledger.close()
    return target


def ledger_group() -> click.Group:
    """`ledger` and its commands as click parses them."""
    import click

    @click.group()
    def ledger() -> None:
        """The ledger itself: backups."""

    @ledger.command()
    @config_option()
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--force", is_flag=True, help="Replace PATH if it exists.")
    def backup(config_path: Path | None, path: Path, force: bool) -> None:
        """Copy the ledger to PATH now (SQLite's online backup: safe while the daemon runs).

        Refused (exit 2) for the live ledger itself, a folder, a missing folder, and an
        existing file unless --force; exit 3 when it cannot be written.
        """
        from rollkeeper.config.schema import load_config

        config, _file = load_config(config_path)
        written = backup_ledger(config.state.resolved_dir(), path, force=force)
        click.echo(f"ledger backed up to {written}")

    return ledger
