"""`rollkeeper service install|uninstall|status [--user|--system] [--dry-run] [--config FILE]`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rollkeeper.cli.options import config_option

if TYPE_CHECKING:
    import click

    from rollkeeper.cli.service.model import Scope


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    """--user/--system, --dry-run and the hidden --platform every subcommand takes."""
    import click

    for option in (
        click.option(
            "--user", "scope", flag_value="user", help="The user's service (default unless root)."
        ),
        click.option(
            "--system", "scope", flag_value="system", help="The machine's service (needs root)."
        ),
        click.option("--dry-run", is_flag=True, help="Print what would be written and run."),
        click.option("--platform", type=click.Choice(["linux", "macos"]), hidden=True),
    ):
        command = option(command)
    return command


def _scope(value: str | None) -> Scope:
    from rollkeeper.cli.service.backends import default_scope
    from rollkeeper.cli.service.model import Scope

    return default_scope() if value is None else Scope(value)


def _install(
    config_path: Path | None, scope: str | None, dry_run: bool, platform: str | None
) -> None:
    from rollkeeper.cli.service import apply
    from rollkeeper.cli.service.backends import backend_for, need_root, tool_path
    from rollkeeper.cli.service.spec import service_spec
    from rollkeeper.config.schema import load_config

    backend = backend_for(platform)
    chosen = _scope(scope)
    need_root(chosen, dry_run, "installing")
    config, file = load_config(config_path)
    plan = backend.install(service_spec(config, file, chosen), tool_path(backend, dry_run))
    (apply.show if dry_run else apply.carry_out)(plan, _say)


def _uninstall(scope: str | None, dry_run: bool, platform: str | None) -> None:
    from rollkeeper.cli.service import apply
    from rollkeeper.cli.service.backends import backend_for, need_root, tool_path

    backend = backend_for(platform)
    chosen = _scope(scope)
    file = backend.file(chosen, Path.home())
    if not file.exists():
        _say(f"{backend.service} is not installed for the {chosen.value} ({file} does not exist)")
        return
    need_root(chosen, dry_run, "removing")
    plan = backend.uninstall(chosen, Path.home(), tool_path(backend, dry_run))
    (apply.show if dry_run else apply.carry_out)(plan, _say)


def _status(scope: str | None, platform: str | None) -> None:
    from rollkeeper.cli.service import apply
    from rollkeeper.cli.service.backends import backend_for, tool_path
    from rollkeeper.core.errors import EnvironmentProblem

    backend = backend_for(platform)
    chosen = _scope(scope)
    file = backend.file(chosen, Path.home())
    if not file.exists():
        raise EnvironmentProblem(
            f"{backend.service} is not installed for the {chosen.value} ({file} does not "
            "exist): install it with `rollkeeper service install`"
        )
    _say(f"installed: {file}")
    command = backend.status(chosen, tool_path(backend, dry_run=False))
    if apply.run(command) != 0:
        raise EnvironmentProblem(
            f"{backend.service} is installed but not running (`{command.shown()}` says why, above)"
        )


def service_group() -> click.Group:
    """`service` as click parses it: install, uninstall, status."""
    import click

    @click.group()
    def service() -> None:
        """Run rollkeeper as a systemd service (Linux) or a launchd job (macOS)."""

    @service.command()
    @config_option()
    @_common
    def install(
        config_path: Path | None, scope: str | None, dry_run: bool, platform: str | None
    ) -> None:
        """Write the unit or plist for this rollkeeper and this config, then start it."""
        _install(config_path, scope, dry_run, platform)

    @service.command()
    @_common
    def uninstall(scope: str | None, dry_run: bool, platform: str | None) -> None:
        """Stop the service and remove its unit or plist."""
        _uninstall(scope, dry_run, platform)

    @service.command()
    @_common
    def status(scope: str | None, dry_run: bool, platform: str | None) -> None:
        """Whether the service is installed and running, as the service manager sees it."""
        del dry_run  # nothing is changed: accepted for symmetry
        _status(scope, platform)

    return service
