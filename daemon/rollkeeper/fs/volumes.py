"""Configured volume paths → the drives actually mounted now, each with a physical identity.

A drive is known by its label plus, where the OS gives one, its filesystem UUID and the folder
inside that filesystem, so it is recognised under another mount point and an impostor with the
same name is not mistaken for it. Two configured folders on one filesystem are two volumes.
"""

from __future__ import annotations

import glob
import os
import plistlib
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rollkeeper.config.sections import VolumeSettings

#: Filesystem types on which native change events are unreliable or absent.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afpfs", "webdav", "davfs",
        "fuse.sshfs", "sshfs", "9p", "fuse.rclone", "ceph", "glusterfs", "fuse.glusterfs",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MountInfo:
    """Where a path's filesystem is mounted, what kind it is, and its UUID if known."""

    mount_point: Path
    fs_type: str
    device: str
    fs_uuid: str


@dataclass(frozen=True, slots=True)
class MountedVolume:
    """A configured volume that is present right now."""

    label: str
    role: str
    path: Path
    fs_uuid: str
    subpath: str
    fs_type: str
    poll: bool

    @property
    def network(self) -> bool:
        return self.fs_type in NETWORK_FILESYSTEMS


def _unescape_mountinfo(text: str) -> str:
    return (
        text.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
    )


@lru_cache(maxsize=1)
def _uuid_by_device() -> dict[str, str]:
    by_uuid = Path("/dev/disk/by-uuid")
    found: dict[str, str] = {}
    if by_uuid.is_dir():
        for link in by_uuid.iterdir():
            try:
                found[os.path.realpath(link)] = link.name
            except OSError:
                continue
    return found


def _linux_mount(path: Path) -> MountInfo | None:
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
        device_id = os.stat(path).st_dev
    except OSError:
        return None
    wanted = f"{os.major(device_id)}:{os.minor(device_id)}"
    best: MountInfo | None = None
    for line in lines:
        fields = line.split(" ")
        if len(fields) < 10 or fields[2] != wanted:
            continue
        separator = fields.index("-")
        mount_point = Path(_unescape_mountinfo(fields[4]))
        fs_type, source = fields[separator + 1], fields[separator + 2]
        if path == mount_point or mount_point in path.parents:
            candidate = MountInfo(
                mount_point, fs_type, source, _uuid_by_device().get(os.path.realpath(source), "")
            )
            if best is None or len(str(mount_point)) > len(str(best.mount_point)):
                best = candidate
    return best


def _macos_mount(path: Path) -> MountInfo | None:
    mount_point = path
    while not os.path.ismount(mount_point) and mount_point != mount_point.parent:
        mount_point = mount_point.parent
    try:
        output = subprocess.run(
            ["/usr/sbin/diskutil", "info", "-plist", str(mount_point)],
            capture_output=True,
            timeout=10,
            check=True,
        ).stdout
        info = plistlib.loads(output)
    except (OSError, subprocess.SubprocessError, plistlib.InvalidFileException):
        return MountInfo(mount_point, "", "", "")
    return MountInfo(
        mount_point,
        str(info.get("FilesystemType", "")),
        str(info.get("DeviceNode", "")),
        str(info.get("VolumeUUID", "")),
    )


def mount_info(path: Path) -> MountInfo:
    """The mount of `path` (falls back to a UUID-less description when the OS says nothing)."""
    found = _macos_mount(path) if sys.platform == "darwin" else _linux_mount(path)
    if found is None:
        return MountInfo(path, "", "", "")
    return found


def _subpath(path: Path, mount: MountInfo) -> str:
    try:
        return path.relative_to(mount.mount_point).as_posix().strip(".")
    except ValueError:
        return ""


def present_volumes(settings: list[VolumeSettings]) -> list[MountedVolume]:
    """Every configured volume present now (globs expanded; each match its own volume)."""
    found: list[MountedVolume] = []
    for volume in settings:
        if volume.is_glob:
            matches = [Path(p) for p in sorted(glob.glob(str(volume.path))) if os.path.isdir(p)]
        else:
            matches = [volume.path] if volume.path.is_dir() else []
        for match in matches:
            mount = mount_info(match)
            found.append(
                MountedVolume(
                    label=(volume.label if not volume.is_glob and volume.label else match.name),
                    role=volume.role,
                    path=match,
                    fs_uuid=mount.fs_uuid,
                    subpath=_subpath(match, mount) if mount.fs_uuid else str(match),
                    fs_type=mount.fs_type,
                    poll=volume.poll or mount.fs_type in NETWORK_FILESYSTEMS,
                )
            )
    return found
