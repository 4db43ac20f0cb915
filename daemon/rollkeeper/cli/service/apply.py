"""Carrying out a service plan, or printing it (`--dry-run`): files written atomically, commands
run from argv lists (no shell), every failure one sentence with exit code 3."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from rollkeeper.cli.service.model import Command, FileWrite, Plan
from rollkeeper.core.errors import EnvironmentProblem

Say = Callable[[str], None]


def show(plan: Plan, say: Say) -> None:
    """What `--dry-run` prints: each file with its content, each command, in order."""
    for folder in plan.folders:
        say(f"would create the folder {folder} (if missing)")
    for write in plan.writes:
        say(f"would write {write.path} (mode {write.mode:o}):")
        say(write.content.decode("utf-8").rstrip("\n"))
    for command in plan.commands:
        say(f"would run: {command.shown()}")
    for path in plan.removals:
        say(f"would remove {path}")
    for command in plan.after:
        say(f"would run: {command.shown()}")


def _denied(path: Path, err: OSError) -> EnvironmentProblem:
    return EnvironmentProblem(
        f"cannot write {path} ({err.strerror or err}): the system service needs root "
        "(run it with sudo), or install the user's service with --user"
    )


def write_file(write: FileWrite) -> None:
    """Write `write.path` whole: a temporary file beside it, synced, renamed over it."""
    try:
        write.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".rollkeeper-", dir=write.path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(write.content)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, write.mode)
            os.replace(temporary, write.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise _denied(write.path, err) from None


def run(command: Command) -> int:
    """Run `command` (its output goes to ours); a failure that matters is one sentence."""
    try:
        done = subprocess.run(command.argv, check=False)  # an argv list: no shell
    except OSError as err:
        raise EnvironmentProblem(
            f"cannot run {command.argv[0]} ({err.strerror or err}); is it installed?"
        ) from None
    if done.returncode != 0 and command.check:
        raise EnvironmentProblem(
            f"`{command.shown()}` failed with exit code {done.returncode}; its message is above"
        )
    return done.returncode


def carry_out(plan: Plan, say: Say) -> None:
    """Make the folders, write the files, run the commands, remove the files, in that order."""
    for folder in plan.folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise _denied(folder, err) from None
    for write in plan.writes:
        write_file(write)
    for command in plan.commands:
        run(command)
    for path in plan.removals:
        try:
            path.unlink(missing_ok=True)
        except OSError as err:
            raise _denied(path, err) from None
    for command in plan.after:
        run(command)
    for note in plan.notes:
        say(note)
