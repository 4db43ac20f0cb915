"""The drives: each configured volume mounted and readable, how it will be watched (native
events or polling, and why), and whether Linux's inotify limit covers its folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rollkeeper.config.sections import VolumeSettings
from rollkeeper.doctor.model import Finding, fail, ok, warn
from rollkeeper.fs.volumes import MountedVolume, present_volumes

MAX_USER_WATCHES = Path("/proc/sys/fs/inotify/max_user_watches")
#: Folders counted at most per volume: enough to compare with any sensible limit, quick.
COUNT_LIMIT = 2_000_000


def _how_watched(volume: MountedVolume, settings: VolumeSettings, poll_interval: float) -> str:
    if volume.poll and settings.poll:
        return f"polled every {poll_interval:g} s (poll = true in its [[volumes]] table)"
    if volume.poll:
        return (
            f"polled every {poll_interval:g} s ({volume.fs_type} is a network share: native "
            "events do not report others' changes there)"
        )
    native = "inotify" if sys.platform.startswith("linux") else "FSEvents"
    kind = volume.fs_type or "local disk"
    return f"watched by native events ({native}, {kind})"


def _one_drive(volume: MountedVolume, settings: VolumeSettings, poll_interval: float) -> Finding:
    name = f"volume:{volume.label}"
    facts = {
        "path": str(volume.path),
        "role": volume.role,
        "fs_type": volume.fs_type or None,
        "watched_by": "polling" if volume.poll else "events",
    }
    try:
        with os.scandir(volume.path) as entries:
            next(entries, None)
    except OSError as err:
        return fail(
            name,
            f"{volume.label} at {volume.path} is mounted but cannot be read "
            f"({err.strerror or err})",
            f"give the user running rollkeeper read access to {volume.path}; on macOS, grant "
            "the interpreter Full Disk Access (README: running as a service)",
            facts=facts,
        )
    how = _how_watched(volume, settings, poll_interval)
    return ok(
        name, f"{volume.label} ({volume.role}) at {volume.path}: readable, {how}", facts=facts
    )


def volume_findings(volumes: list[VolumeSettings], poll_interval: float) -> list[Finding]:
    """One finding per drive present, and one per configured path with no drive there now."""
    findings: list[Finding] = []
    for settings in volumes:
        present = present_volumes([settings])
        if not present:
            findings.append(_absent(settings))
        findings += [_one_drive(volume, settings, poll_interval) for volume in present]
    return findings


def _absent(settings: VolumeSettings) -> Finding:
    if settings.is_glob:
        return ok(
            f"volume:{settings.path}",
            f"no drive matches {settings.path} now (each one is picked up when plugged in)",
            facts={"path": str(settings.path)},
        )
    return warn(
        f"volume:{settings.label or settings.path.name}",
        f"{settings.path} is not there: the {settings.role} drive is not mounted",
        "mount it (rollkeeper picks it up within [watch] mount_check_interval), or fix the "
        "path in its [[volumes]] table",
        facts={"path": str(settings.path)},
    )


def count_folders(root: Path, limit: int = COUNT_LIMIT) -> int:
    """Folders below `root` (itself included), each one inotify watch; stops at `limit`."""
    count = 0
    for _folder, _subfolders, _files in os.walk(root, followlinks=False):
        count += 1
        if count >= limit:
            break
    return count


def inotify_limit(volumes: list[VolumeSettings], limit_file: Path = MAX_USER_WATCHES) -> Finding:
    """inotify needs a watch per folder of every natively watched drive; past the limit a drive
    is polled instead (slower to notice changes, and the daemon says so)."""
    name = "inotify"
    try:
        limit = int(limit_file.read_text().strip())
    except (OSError, ValueError):
        return ok(name, "no inotify watch limit to check here (not Linux)")
    native = [v for v in present_volumes(volumes) if not v.poll]
    folders = sum(count_folders(v.path) for v in native)
    facts = {"max_user_watches": limit, "folders_watched": folders}
    raise_it = (
        "raise it with `sudo sysctl fs.inotify.max_user_watches=1048576` and persist it in "
        "/etc/sysctl.d/90-rollkeeper.conf"
    )
    if folders > limit:
        return fail(
            name,
            f"the drives mounted now hold {folders} folders, more than the inotify watch limit "
            f"({limit}): some would be polled instead of watched",
            raise_it,
            facts=facts,
        )
    if folders > limit // 2:
        return warn(
            name,
            f"the drives mounted now hold {folders} folders, over half the inotify watch "
            f"limit ({limit}); the next drives may not fit",
            raise_it,
            facts=facts,
        )
    return ok(
        name,
        f"inotify watch limit {limit}: enough for the {folders} folders mounted now",
        facts=facts,
    )
