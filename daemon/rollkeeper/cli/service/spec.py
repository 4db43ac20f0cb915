"""The service a configuration asks for: which program runs, with which config, writing where.

The program is the `rollkeeper` beside the running interpreter (`sys.executable`'s folder, as
pip and pipx install it), else that interpreter with `-m rollkeeper`; neither is resolved through
symbolic links, which would step out of the virtual environment. The folders written besides the
state folder are the folder target and the fs-copy archive, and, for a path on a drive mounted
under /mnt, /media or /Volumes, that drive's mount point as well (it may not be mounted when the
service starts).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rollkeeper.cli.service.model import Scope, ServiceSpec
from rollkeeper.config.schema import Config

#: Folders under which drives are mounted: a path below is written through its mount point.
MOUNT_PREFIXES = (Path("/mnt"), Path("/media"), Path("/Volumes"), Path("/run/media"))


def current_program() -> tuple[str, ...]:
    """The rollkeeper this interpreter runs, as an absolute argv prefix."""
    interpreter = Path(os.path.abspath(sys.executable))
    script = interpreter.parent / "rollkeeper"
    if script.is_file() and os.access(script, os.X_OK):
        return (str(script),)
    return (str(interpreter), "-m", "rollkeeper")


def _mount_point(path: Path) -> Path | None:
    """The first folder below a mount prefix on the way to `path` (`/mnt/nas` for
    `/mnt/nas/footage`; `/run/media/dit/NAS` for a path on that drive), if any."""
    for prefix in MOUNT_PREFIXES:
        if path.is_relative_to(prefix) and path != prefix:
            depth = 2 if prefix == Path("/run/media") else 1  # /run/media/<user>/<drive>
            parts = path.relative_to(prefix).parts
            if len(parts) > depth:
                return prefix.joinpath(*parts[:depth])
            return None
    return None


def written_folders(config: Config) -> tuple[Path, ...]:
    """The folders the daemon writes besides its state folder, with their mount points."""
    folders: list[Path] = []
    if config.target is not None and config.target.kind == "fs" and config.target.path:
        folders.append(config.target.path)
    if config.archive.provider == "fs-copy" and config.archive.path is not None:
        folders.append(config.archive.path)
    found: list[Path] = []
    for folder in folders:
        for candidate in (_mount_point(folder), folder):
            if candidate is not None and candidate not in found:
                found.append(candidate)
    return tuple(found)


def service_spec(config: Config, config_file: Path, scope: Scope) -> ServiceSpec:
    """The service that runs the daemon on `config_file` (already validated as `config`)."""
    return ServiceSpec(
        program=current_program(),
        config=Path(os.path.abspath(config_file)),
        state_dir=config.state.resolved_dir(),
        writable=written_folders(config),
        stop_grace=config.service.stop_grace,
        scope=scope,
        home=Path.home(),
        interpreter=Path(os.path.realpath(sys.executable)),
    )
