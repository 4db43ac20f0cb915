"""The error every configuration problem is raised as."""

from __future__ import annotations

from rollkeeper.core.errors import BadInputError


class ConfigError(BadInputError):
    """The configuration file cannot be used; the message says where and why."""
