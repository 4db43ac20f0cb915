"""The systemd backend: a unit rendered for the current interpreter and config, installed with
`systemctl [--user] enable --now`.

The system unit runs sandboxed (`ProtectSystem=strict`: everything read-only but the state folder
and the folders the daemon writes, each `-`-prefixed so a drive not mounted at start is no error;
drives mounted later still appear, since systemd passes later mounts into the service's view).
It keeps the real `/dev` (no `PrivateDevices=`): drives are known by `/dev/disk/by-uuid`. A user
unit cannot build such a sandbox without user namespaces, so it only gets `NoNewPrivileges=`.
ExecStart is quoted by systemd's own rules (`exec_quote`), so paths with spaces, quotes, `$` and
`%` reach the daemon as written (an executable whose path systemd refuses is run through env).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from rollkeeper.cli.service.model import Command, FileWrite, Plan, Scope, ServiceSpec

UNIT = "rollkeeper.service"
ENV = "/usr/bin/env"
SYSTEM_UNIT_DIR = Path("/etc/systemd/system")
_PLAIN = re.compile(r"[A-Za-z0-9/_.:,+=@-]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
#: The sandbox of the system unit (systemd.exec(5)); `systemd-analyze security` rates it.
HARDENING = (
    "NoNewPrivileges=yes",
    "PrivateTmp=yes",
    "ProtectSystem=strict",
    "ProtectHome=read-only",
    "PrivateMounts=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "ProtectHostname=yes",
    "RestrictNamespaces=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
    "CapabilityBoundingSet=CAP_DAC_READ_SEARCH CAP_DAC_OVERRIDE CAP_FOWNER",
)


def exec_quote(argument: str) -> str:
    """`argument` as one word of a unit's command line: `%` and `$` doubled (no specifier or
    variable is expanded), and, unless it is plain, double-quoted with C escapes."""
    text = argument.replace("%", "%%").replace("$", "$$")
    if _PLAIN.fullmatch(text):
        return text
    quoted = "".join(
        _ESCAPES.get(char, f"\\x{ord(char):02x}" if ord(char) < 0x20 else char) for char in text
    )
    return f'"{quoted}"'


def command_line(arguments: tuple[str, ...]) -> str:
    """ExecStart's value for `arguments`. systemd refuses an executable whose path holds a quote
    or a backslash ("contains special characters"): such a program is started through
    /usr/bin/env, which runs its first argument as given (no shell)."""
    program = arguments[0]
    if any(char in "\"'\\" or ord(char) < 0x20 for char in program):
        arguments = (ENV, *arguments)
    return " ".join(exec_quote(word) for word in arguments)


def unit_path(scope: Scope, home: Path) -> Path:
    """Where the unit file goes: /etc/systemd/system, or the user's systemd/user folder."""
    if scope is Scope.SYSTEM:
        return SYSTEM_UNIT_DIR / UNIT
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    return Path(config_home) / "systemd" / "user" / UNIT


def _unit_section(spec: ServiceSpec) -> list[str]:
    lines = ["[Unit]", "Description=rollkeeper on-set footage backup daemon"]
    if spec.scope is Scope.SYSTEM:
        lines += ["After=local-fs.target network-online.target", "Wants=network-online.target"]
    return [*lines, "StartLimitIntervalSec=10min", "StartLimitBurst=5", ""]


def _service_section(spec: ServiceSpec) -> list[str]:
    environment_file = spec.config.parent / "rollkeeper.env"
    return [
        "[Service]",
        "Type=notify",
        "NotifyAccess=main",
        "ExecStart=" + command_line(spec.arguments),
        "ExecReload=/bin/kill -HUP $MAINPID",
        "Restart=on-failure",
        "RestartSec=5s",
        "# Exit 2 (a bad configuration) and 3 (an environment problem) need a person.",
        "RestartPreventExitStatus=2 3",
        "WatchdogSec=60s",
        "TimeoutStartSec=5min",
        f"# [service] stop_grace is {spec.stop_grace:g}s: the daemon stops by itself first.",
        f"TimeoutStopSec={spec.stop_timeout}s",
        "KillMode=mixed",
        "# Secrets (S3 keys, SMTP password, webhook URLs) as NAME=value lines, mode 600.",
        # Not a command line: taken whole, unquoted; only specifiers are expanded.
        "EnvironmentFile=-" + str(environment_file).replace("%", "%%"),
        "Environment=PYTHONUNBUFFERED=1",
        "UMask=0027",
    ]


def _sandbox(spec: ServiceSpec) -> list[str]:
    if spec.scope is Scope.USER:
        return ["NoNewPrivileges=yes"]
    writable = (spec.state_dir, *spec.writable)
    return [
        "StateDirectory=rollkeeper",
        "StateDirectoryMode=0750",
        *HARDENING,
        "# Written: the state folder and the target/archive folders (and their drives' mount",
        "# points); '-': no error when one is not mounted when the service starts.",
        "ReadWritePaths=" + " ".join(exec_quote(f"-{folder}") for folder in writable),
    ]


def render_unit(spec: ServiceSpec) -> str:
    """The unit file for `spec`."""
    target = "multi-user.target" if spec.scope is Scope.SYSTEM else "default.target"
    lines = [
        f"# rollkeeper as a systemd {spec.scope.value} service. `rollkeeper service install`",
        "# writes it for the rollkeeper it runs from and its config; by hand: edit ExecStart",
        "# and the paths.",
        *_unit_section(spec),
        *_service_section(spec),
        *_sandbox(spec),
        "",
        "[Install]",
        f"WantedBy={target}",
    ]
    return "\n".join(lines) + "\n"


def _systemctl(tool: str, scope: Scope, *arguments: str) -> Command:
    user = ("--user",) if scope is Scope.USER else ()
    return Command((tool, *user, *arguments))


def install_plan(spec: ServiceSpec, tool: str) -> Plan:
    """Write the unit, reload systemd, enable and start it (restart it when it was installed)."""
    path = unit_path(spec.scope, spec.home)
    start = (
        (
            _systemctl(tool, spec.scope, "enable", UNIT),
            _systemctl(tool, spec.scope, "restart", UNIT),
        )
        if path.exists()
        else (_systemctl(tool, spec.scope, "enable", "--now", UNIT),)
    )
    user = spec.scope is Scope.USER
    journal = "journalctl --user -u rollkeeper -f" if user else "journalctl -u rollkeeper -f"
    notes = [f"installed {path}; the daemon's log: {journal}"]
    if user:
        notes.append(
            f"to start it at boot without anyone logged in: loginctl enable-linger {spec.home.name}"
        )
    return Plan(
        folders=(path.parent,),
        writes=(FileWrite(path, render_unit(spec).encode("utf-8")),),
        commands=(_systemctl(tool, spec.scope, "daemon-reload"), *start),
        notes=tuple(notes),
    )


def uninstall_plan(scope: Scope, home: Path, tool: str) -> Plan:
    """Stop and disable the unit, remove its file, reload systemd."""
    path = unit_path(scope, home)
    return Plan(
        commands=(Command(_systemctl(tool, scope, "disable", "--now", UNIT).argv, check=False),),
        removals=(path,),
        after=(_systemctl(tool, scope, "daemon-reload"),),
        notes=(f"removed {path}",),
    )


def status_command(scope: Scope, tool: str) -> Command:
    """What `service status` runs: systemd's own view of the unit (its exit code is the answer)."""
    return Command(_systemctl(tool, scope, "status", "--no-pager", "--lines=5", UNIT).argv, False)
