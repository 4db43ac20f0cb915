"""The service managers rollkeeper installs into, one backend module per platform, chosen by
`sys.platform` (or `--platform`, to preview another platform's file with `--dry-run`)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rollkeeper.cli.service import launchd, systemd
from rollkeeper.cli.service.model import Command, Plan, Scope, ServiceSpec
from rollkeeper.core.errors import EnvironmentProblem


@dataclass(frozen=True, slots=True)
class Backend:
    """One platform's service manager: its tool and what installing, removing and asking take."""

    platform: str  # "linux" | "macos"
    tool: str  # "systemctl" | "launchctl"
    service: str  # how the service is named to people
    file: Callable[[Scope, Path], Path]
    install: Callable[[ServiceSpec, str], Plan]
    uninstall: Callable[[Scope, Path, str], Plan]
    status: Callable[[Scope, str], Command]


BACKENDS = {
    "linux": Backend(
        "linux",
        "systemctl",
        systemd.UNIT,
        systemd.unit_path,
        systemd.install_plan,
        systemd.uninstall_plan,
        systemd.status_command,
    ),
    "macos": Backend(
        "macos",
        "launchctl",
        "the launchd job",
        launchd.plist_path,
        launchd.install_plan,
        launchd.uninstall_plan,
        launchd.status_command,
    ),
}


def backend_for(platform: str | None) -> Backend:
    """The backend of `platform`, else of this machine; another system is one sentence."""
    if platform is None:
        platform = {"linux": "linux", "darwin": "macos"}.get(sys.platform)
        if platform is None:
            raise EnvironmentProblem(
                f"rollkeeper installs services with systemd (Linux) or launchd (macOS), and this "
                f"is {sys.platform}: start `rollkeeper run` from this system's own service manager"
            )
    return BACKENDS[platform]


def default_scope() -> Scope:
    """The machine's service when run as root, else the user's."""
    return Scope.SYSTEM if os.geteuid() == 0 else Scope.USER


def tool_path(backend: Backend, dry_run: bool) -> str:
    """The absolute path of the backend's tool on PATH (its bare name for a dry run)."""
    found = shutil.which(backend.tool)
    if found is not None:
        return found
    if dry_run:
        return backend.tool
    manager = "systemd" if backend.tool == "systemctl" else "launchd"
    raise EnvironmentProblem(
        f"{backend.tool} was not found on PATH, so {manager} cannot be asked to run rollkeeper: "
        f"install the service on a machine that runs {manager}, or start `rollkeeper run` "
        "some other way"
    )


def need_root(scope: Scope, dry_run: bool, action: str) -> None:
    """Refuse, as one sentence, to change the machine's service without root."""
    if scope is Scope.SYSTEM and not dry_run and os.geteuid() != 0:
        raise EnvironmentProblem(
            f"{action} the system service needs root: run the same command with sudo, or "
            "use --user for your own service"
        )
