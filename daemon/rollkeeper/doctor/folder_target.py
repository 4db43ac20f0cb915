"""A folder target: usable as the daemon would use it (mounted where it must be, writable), its
identity marker, its free space, and with `--probe` a file written, read back and removed under
`doctor/`."""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

from rollkeeper.config.sections import TargetSettings
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.doctor.identity import identity_finding, recorded_identity
from rollkeeper.doctor.local import free_space
from rollkeeper.doctor.model import Finding, fail, ok
from rollkeeper.transfer.fs_target import FolderTarget
from rollkeeper.transfer.identity import IdentifiedTarget, marker_key

#: Below this, the target folder is said to be nearly full.
TARGET_LOW_BYTES = 10 * 1024**3
PROBE = b"rollkeeper doctor: a test file, removed at once\n"


def folder_findings(settings: TargetSettings, state_dir: Path, probe: bool) -> list[Finding]:
    """The folder target's checks, in the order a person fixes them."""
    assert settings.path is not None  # noqa: S101 - the schema requires it for kind 'fs'
    inner = FolderTarget(settings.path, settings.checksum, must_be_mount=settings.must_be_mount)
    try:
        inner.check()
    except RollkeeperError as err:
        return [
            fail(
                "target",
                str(err),
                f"mount the storage at {settings.path} (or create the folder), give the user "
                "running rollkeeper write access to it, or fix [target] path",
            )
        ]
    findings = [ok("target", f"target folder {settings.path} is there and takes writes")]
    target = IdentifiedTarget(inner, marker_key("fs", settings.prefix), recheck_writes=True)
    findings.append(identity_finding(target, recorded_identity(state_dir, inner.description)))
    findings.append(
        free_space("target-space", "the target folder", settings.path, TARGET_LOW_BYTES)
    )
    if probe:
        findings.append(folder_probe(settings.path))
    return findings


def folder_probe(root: Path) -> Finding:
    """A small file written under `doctor/`, read back, compared and removed."""
    folder = root / "doctor"
    path = folder / f"probe-{secrets.token_hex(6)}"
    made_folder = not folder.exists()
    try:
        folder.mkdir(exist_ok=True)
        path.write_bytes(PROBE)
        same = path.read_bytes() == PROBE
    except OSError as err:
        return fail(
            "target-probe",
            f"a test file could not be written and read back under {folder} "
            f"({err.strerror or err})",
            f"check the permissions and health of the storage at {root}",
        )
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        if made_folder:
            with contextlib.suppress(OSError):
                folder.rmdir()
    if not same:
        return fail(
            "target-probe",
            f"a test file written under {folder} read back different",
            f"the storage at {root} is not keeping what is written: check the disk or NAS",
        )
    return ok("target-probe", f"a test file was written, read back and removed under {folder}")
