"""Building the configured primary target."""

from __future__ import annotations

from rollkeeper.config.sections import TargetSettings
from rollkeeper.transfer.fs_target import FolderTarget
from rollkeeper.transfer.s3_target import S3Target
from rollkeeper.transfer.targets import Target


def build_target(settings: TargetSettings) -> Target:
    """The target `[target]` describes (S3 clients are created here, credentials resolved)."""
    if settings.kind == "s3":
        return S3Target(settings)
    assert settings.path is not None  # noqa: S101 - the config schema requires it for fs
    return FolderTarget(settings.path, settings.checksum)
