"""Building the configured primary target, wrapped so that it proves it is the target."""

from __future__ import annotations

from rollkeeper.config.sections import TargetSettings
from rollkeeper.transfer.fs_target import FolderTarget
from rollkeeper.transfer.identity import IdentifiedTarget, marker_key
from rollkeeper.transfer.s3_target import S3Target
from rollkeeper.transfer.targets import Target


def build_target(settings: TargetSettings) -> IdentifiedTarget:
    """The target `[target]` describes (S3 clients are created here, credentials resolved),
    used only while it holds its identity marker (`transfer.identity`)."""
    inner: Target
    if settings.kind == "s3":
        inner = S3Target(settings)
    else:
        assert settings.path is not None  # noqa: S101 - the config schema requires it for fs
        inner = FolderTarget(settings.path, settings.checksum, must_be_mount=settings.must_be_mount)
    key = marker_key(settings.kind, settings.prefix)
    return IdentifiedTarget(inner, key, recheck_writes=settings.kind == "fs")
