"""The error every configuration problem is raised as."""

from __future__ import annotations

from rollkeeper.core.errors import BadInputError, EnvironmentProblem


class ConfigError(BadInputError):
    """The configuration file cannot be used; the message says where and why."""


class ConfigUnreadable(EnvironmentProblem):
    """The configuration file is there but cannot be read (permissions, a folder, a drive
    error): the machine's problem, exit 3, not a bad configuration."""
