"""Failure classes, each carrying the exit code the CLI maps it to and a message for a person."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes every command shares (README, "Exit codes")."""

    OK = 0
    FAILURE = 1  # a verification or transfer failure was found
    BAD_INPUT = 2  # bad usage, or an MHL that cannot be read or trusted
    ENVIRONMENT = 3  # permissions, credentials, unreachable storage, missing tools


class RollkeeperError(Exception):
    """Base of every error meant to reach a person; `str(err)` is the whole message."""

    exit_code: ExitCode = ExitCode.FAILURE


class BadInputError(RollkeeperError):
    """Input the user gave us (a path, an option, a file) cannot be used as given."""

    exit_code = ExitCode.BAD_INPUT


class MhlError(BadInputError):
    """An MHL file is unreadable, malformed, hostile or untrustworthy.

    `source` names the file so every message says which MHL is at fault.
    """

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class EnvironmentProblem(RollkeeperError):
    """The machine around us is the problem (permissions, a missing tool, a full disk)."""

    exit_code = ExitCode.ENVIRONMENT
