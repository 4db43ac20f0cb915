"""The configured archive provider, and the one used when there is no archive tier."""

from __future__ import annotations

from rollkeeper.archive.folder import FolderArchive
from rollkeeper.archive.model import ArchiveProvider, ArchiveReport, ArchiveRoll, ArchiveState
from rollkeeper.archive.portal import HttpArchive
from rollkeeper.archive.s3_providers import ReplicationArchive, S3CopyArchive, StorageClassArchive
from rollkeeper.config.sections import ArchiveSettings, TargetSettings
from rollkeeper.transfer.targets import Target, TargetUnusable


class NoArchive:
    """No archive tier: nothing is ever archived, so no RAID is ever cleared."""

    name = "none"

    def preflight(self) -> str | None:
        return (
            "no archive tier is configured ([archive] provider = 'none'): RAIDs will never be "
            "cleared for erasure"
        )

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        report = ArchiveReport()
        for record in roll.objects:
            report.note(record, ArchiveState.PENDING)
        report.reasons.append("no archive tier is configured")
        return report


def build_provider(
    settings: ArchiveSettings, target: TargetSettings | None, primary: Target | None
) -> ArchiveProvider:
    """The configured provider; those that read the primary store need a target."""
    if settings.provider == "none":
        return NoArchive()
    if settings.provider == "http":
        return HttpArchive(settings)
    if target is None or primary is None:
        raise TargetUnusable(
            f"[archive] provider {settings.provider!r} needs a [target] (the primary copy)"
        )
    if settings.provider in ("s3-storage-class", "s3-replication") and target.kind != "s3":
        raise TargetUnusable(f"[archive] provider {settings.provider!r} needs an s3 [target]")
    if settings.provider == "s3-storage-class":
        return StorageClassArchive(target, settings.storage_classes)
    if settings.provider == "s3-replication":
        return ReplicationArchive(target)
    if settings.provider == "s3-copy":
        return S3CopyArchive(settings, target, primary)
    return FolderArchive(settings, target, primary)
