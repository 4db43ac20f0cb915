"""The launchd backend: a LaunchAgent (the user's, at login) or a LaunchDaemon (the machine's, at
boot) written with plistlib for the current interpreter and config, and loaded with `launchctl
bootstrap` (removed with `bootout`).

`KeepAlive` restarts the daemon when it exits on a failure, never after a clean stop;
`ThrottleInterval` spaces restarts; `ExitTimeOut` (the seconds launchd waits after SIGTERM before
SIGKILL) is longer than `[service] stop_grace`. `ProcessType` is Standard: Background would have
macOS throttle the disk reads verification and upload are made of. The log files live in
~/Library/Logs/rollkeeper (a LaunchDaemon's in /Library/Logs/rollkeeper).
"""

from __future__ import annotations

import os
import plistlib
from pathlib import Path
from typing import Any

from rollkeeper.cli.service.model import Command, FileWrite, Plan, Scope, ServiceSpec

LABELS = {Scope.USER: "com.rollkeeper.agent", Scope.SYSTEM: "com.rollkeeper.daemon"}
THROTTLE_INTERVAL = 30


def plist_path(scope: Scope, home: Path) -> Path:
    """~/Library/LaunchAgents/com.rollkeeper.agent.plist, or the LaunchDaemon's in /Library."""
    if scope is Scope.SYSTEM:
        return Path("/Library/LaunchDaemons") / f"{LABELS[scope]}.plist"
    return home / "Library" / "LaunchAgents" / f"{LABELS[scope]}.plist"


def log_folder(scope: Scope, home: Path) -> Path:
    """Where launchd writes the daemon's standard output and error."""
    base = Path("/Library") if scope is Scope.SYSTEM else home / "Library"
    return base / "Logs" / "rollkeeper"


def domain(scope: Scope) -> str:
    """launchctl's domain: the user's GUI session (`gui/501`) or `system`."""
    return "system" if scope is Scope.SYSTEM else f"gui/{os.getuid()}"


def job_definition(spec: ServiceSpec) -> dict[str, Any]:
    """The plist's dictionary (see launchd.plist(5))."""
    logs = log_folder(spec.scope, spec.home)
    return {
        "Label": LABELS[spec.scope],
        "ProgramArguments": list(spec.arguments),
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "ProcessType": "Standard",
        "ThrottleInterval": THROTTLE_INTERVAL,
        "ExitTimeOut": spec.stop_timeout,
        "StandardOutPath": str(logs / "rollkeeper.out.log"),
        "StandardErrorPath": str(logs / "rollkeeper.err.log"),
        "EnvironmentVariables": {"PYTHONUNBUFFERED": "1"},
        "WorkingDirectory": str(spec.config.parent),
    }


def render_plist(spec: ServiceSpec) -> bytes:
    """The plist file for `spec` (XML, as launchd and people read it)."""
    return plistlib.dumps(job_definition(spec), fmt=plistlib.FMT_XML, sort_keys=False)


def install_plan(spec: ServiceSpec, tool: str) -> Plan:
    """Write the plist, unload a previous copy of the job, then enable and bootstrap it."""
    path = plist_path(spec.scope, spec.home)
    label = LABELS[spec.scope]
    target = f"{domain(spec.scope)}/{label}"
    unload = (Command((tool, "bootout", target), check=False),) if path.exists() else ()
    logs = log_folder(spec.scope, spec.home)
    return Plan(
        folders=(path.parent, logs),
        writes=(FileWrite(path, render_plist(spec)),),
        commands=(
            *unload,
            Command((tool, "enable", target)),
            Command((tool, "bootstrap", domain(spec.scope), str(path))),
        ),
        notes=(
            f"installed {path}; the daemon's log: {logs / 'rollkeeper.err.log'}",
            "give the Python interpreter Full Disk Access (README: 'Running as a service') so "
            f"that it can read removable volumes: {spec.interpreter}",
        ),
    )


def uninstall_plan(scope: Scope, home: Path, tool: str) -> Plan:
    """Unload the job (stopping the daemon) and remove its plist."""
    path = plist_path(scope, home)
    return Plan(
        commands=(Command((tool, "bootout", f"{domain(scope)}/{LABELS[scope]}"), check=False),),
        removals=(path,),
        notes=(f"removed {path}",),
    )


def status_command(scope: Scope, tool: str) -> Command:
    """What `service status` runs: launchd's own view of the job (its exit code is the answer)."""
    return Command((tool, "print", f"{domain(scope)}/{LABELS[scope]}"), check=False)
