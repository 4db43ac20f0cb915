"""The cart's own checks: the state folder (writable, on a local disk, free space), and the
clock's year. Nothing is created or changed: a probe file is written and removed at once."""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rollkeeper.core.words.lines import size_text
from rollkeeper.doctor.model import Finding, fail, ok, warn
from rollkeeper.fs.volumes import NETWORK_FILESYSTEMS, mount_info

#: Below this, the state disk is said to be nearly full (the ledger and its backups live there).
STATE_LOW_BYTES = 1024**3


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def state_dir_writable(state_dir: Path) -> Finding:
    """The state folder exists (or can be made by `run`: its parent exists) and takes a file."""
    name = "state-dir"
    if state_dir.exists() and not state_dir.is_dir():
        return fail(
            name,
            f"the state folder {state_dir} is a file, not a folder",
            "move that file aside, or set [state] dir to a folder",
        )
    if not state_dir.exists():
        if state_dir.parent.is_dir():
            return warn(
                name,
                f"the state folder {state_dir} does not exist yet",
                f"`rollkeeper run` creates it (its parent {state_dir.parent} exists); create it "
                "yourself to be sure it is on the disk you meant",
            )
        return fail(
            name,
            f"the state folder {state_dir} does not exist, nor does its parent",
            f"mount the disk it lives on, or create it (mkdir -p {state_dir}), or set [state] dir",
        )
    probe = state_dir / f".rollkeeper-doctor-{secrets.token_hex(4)}"
    try:
        probe.write_bytes(b"")
    except OSError as err:
        return fail(
            name,
            f"the state folder {state_dir} cannot be written ({err.strerror or err})",
            f"give the user running rollkeeper write access to {state_dir} "
            "(chown or chmod), or set [state] dir to a folder it may write",
        )
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    return ok(name, f"the state folder {state_dir} exists and is writable")


def _mount_listing_type(mount_point: Path) -> str:
    """The filesystem type `mount` lists for `mount_point` ("" when it does not say): macOS's
    fallback when diskutil knows nothing of a network share."""
    try:
        listing = subprocess.run(
            ["/sbin/mount"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    for line in listing.splitlines():  # "//user@nas/share on /Volumes/share (smbfs, nodev, …)"
        _source, on, rest = line.partition(f" on {mount_point} (")
        if on:
            return rest.split(",")[0].rstrip(")").strip()
    return ""


def state_disk_local(state_dir: Path) -> Finding:
    """The ledger is SQLite: its locks and durability need a local disk, not a network share."""
    name = "state-disk"
    mount = mount_info(_nearest_existing(state_dir))
    if not mount.fs_type and sys.platform == "darwin":
        mount = replace(mount, fs_type=_mount_listing_type(mount.mount_point))
    kind = mount.fs_type or "unknown"
    facts = {"mount_point": str(mount.mount_point), "fs_type": mount.fs_type or None}
    if mount.fs_type in NETWORK_FILESYSTEMS:
        return fail(
            name,
            f"the state folder {state_dir} is on a network share ({kind} at "
            f"{mount.mount_point}): the ledger's locks and crash safety need a local disk",
            "set [state] dir to a folder on the cart's own disk",
            facts=facts,
        )
    return ok(
        name, f"the state folder is on a local disk ({kind} at {mount.mount_point})", facts=facts
    )


def free_space(name: str, what: str, folder: Path, low: int) -> Finding:
    """Free bytes on the filesystem holding `folder` (`what` names it for people)."""
    try:
        info = os.statvfs(_nearest_existing(folder))
    except OSError as err:
        return warn(
            name,
            f"the free space of {what} {folder} cannot be read ({err.strerror or err})",
            f"check that {folder} is mounted and readable",
        )
    free = info.f_bavail * info.f_frsize
    total = info.f_blocks * info.f_frsize
    facts = {"free_bytes": free, "total_bytes": total}
    if free < low:
        return warn(
            name,
            f"{what} {folder} has only {size_text(free)} free",
            f"free space on that disk (below {size_text(low)} rollkeeper may stop recording "
            "or uploading)",
            facts=facts,
        )
    return ok(
        name, f"{what} {folder} has {size_text(free)} free of {size_text(total)}", facts=facts
    )


def clock_year(now: datetime | None = None) -> Finding:
    """A cart whose clock lost its battery starts in 1970 or 2000: every date it records is
    wrong, and TLS certificates and S3 signatures fail."""
    at = now or datetime.now(UTC)
    if not 2024 <= at.year < 2100:
        return fail(
            "clock",
            f"the cart's clock says {at:%Y-%m-%d %H:%M} UTC, which cannot be right",
            "set the date and time (enable NTP: `timedatectl set-ntp true` on Linux, "
            "System Settings → Date & Time on macOS)",
            facts={"now": at.isoformat(timespec="seconds")},
        )
    return ok(
        "clock", f"the cart's clock says {at:%Y-%m-%d %H:%M} UTC", facts={"now": at.isoformat()}
    )


def clock_against_server(server_date: datetime, where: str, now: datetime | None = None) -> Finding:
    """The store's `Date` header against our clock: S3 refuses signatures more than 15 minutes
    off, and a skewed clock misdates every record."""
    at = now or datetime.now(UTC)
    skew = (at - server_date).total_seconds()
    facts = {"skew_seconds": round(skew, 1), "server_date": server_date.isoformat()}
    if abs(skew) > 300:
        return fail(
            "clock-skew",
            f"the cart's clock is {abs(skew) / 60:.0f} minutes "
            f"{'ahead of' if skew > 0 else 'behind'} {where}",
            "set the date and time (enable NTP: `timedatectl set-ntp true` on Linux, "
            "System Settings → Date & Time on macOS); S3 refuses requests 15 minutes off",
            facts=facts,
        )
    return ok("clock-skew", f"the cart's clock agrees with {where} ({skew:+.0f} s)", facts=facts)
