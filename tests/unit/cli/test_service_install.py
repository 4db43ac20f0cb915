"""Specification: `rollkeeper service install|uninstall|status` writes the unit or plist and asks
systemd or launchd to run it — argv lists, no shell — and says in one sentence when it cannot.

A real systemd or launchd is not available in the test environment: a fake `systemctl` or
`launchctl`, put first on PATH, records each argv it is called with (one JSON list a line) and
exits with $FAKE_EXIT. The real command line runs as a subprocess.
"""

from __future__ import annotations

import json
import os
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest
from rollkeeper.cli.main import main

DAEMON_SOURCE = str(Path(__file__).resolve().parents[3] / "daemon")
FAKE = f"""#!{sys.executable}
import json, os, sys
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""
CONFIG = """[state]
dir = "{state}"

[[volumes]]
path = "/media/RAID_A"
role = "raid"
"""


class Cart:
    """A home, a config in a folder with spaces and quotes, and fake service managers."""

    def __init__(self, root: Path) -> None:
        self.home = root / "home"
        self.home.mkdir()
        self.bin = root / "bin"
        self.bin.mkdir()
        self.log = root / "calls.jsonl"
        for tool in ("systemctl", "launchctl"):
            (self.bin / tool).write_text(FAKE, encoding="utf-8")
            (self.bin / tool).chmod(0o755)
        self.config = root / 'it\'s "the" cart' / "rollkeeper.toml"
        self.config.parent.mkdir()
        self.config.write_text(CONFIG.format(state=root / "state"), encoding="utf-8")

    def run(
        self, *arguments: str, fake_exit: int = 0, path: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = {
            **os.environ,
            "PYTHONPATH": DAEMON_SOURCE,
            "HOME": str(self.home),
            "PATH": path if path is not None else f"{self.bin}:{os.environ['PATH']}",
            "FAKE_LOG": str(self.log),
            "FAKE_EXIT": str(fake_exit),
        }
        environment.pop("XDG_CONFIG_HOME", None)
        return subprocess.run(
            [sys.executable, "-m", "rollkeeper", "service", *arguments],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    @property
    def unit(self) -> Path:
        return self.home / ".config" / "systemd" / "user" / "rollkeeper.service"

    @property
    def plist(self) -> Path:
        return self.home / "Library" / "LaunchAgents" / "com.rollkeeper.agent.plist"


@pytest.fixture
def cart(tmp_path: Path) -> Cart:
    return Cart(tmp_path)


def test_dry_run_prints_the_unit_and_the_commands_and_changes_nothing(cart: Cart) -> None:
    done = cart.run("install", "--user", "--dry-run", "--config", str(cart.config))
    assert done.returncode == 0, done.stderr
    assert f"would write {cart.unit} (mode 644):" in done.stdout
    assert '--config "' + str(cart.config).replace('"', '\\"') + '"' in done.stdout
    assert f"would run: {cart.bin}/systemctl --user daemon-reload" in done.stdout
    assert f"would run: {cart.bin}/systemctl --user enable --now rollkeeper.service" in done.stdout
    assert not cart.unit.exists()
    assert cart.calls() == []


def test_dry_run_of_the_system_service_shows_the_sandboxed_unit_for_etc(cart: Cart) -> None:
    done = cart.run("install", "--system", "--dry-run", "--config", str(cart.config))
    assert done.returncode == 0, done.stderr
    assert "would write /etc/systemd/system/rollkeeper.service (mode 644):" in done.stdout
    assert "ProtectSystem=strict" in done.stdout.splitlines()
    assert f"would run: {cart.bin}/systemctl enable --now rollkeeper.service" in done.stdout
    assert cart.calls() == []


def test_install_writes_the_user_unit_then_reloads_enables_and_starts_it(cart: Cart) -> None:
    done = cart.run("install", "--user", "--config", str(cart.config))
    assert done.returncode == 0, done.stderr
    assert f'--config "{str(cart.config).replace(chr(34), chr(92) + chr(34))}"' in (
        cart.unit.read_text(encoding="utf-8")
    )
    assert cart.calls() == [
        ["--user", "daemon-reload"],
        ["--user", "enable", "--now", "rollkeeper.service"],
    ]
    assert f"installed {cart.unit}" in done.stdout
    assert "loginctl enable-linger" in done.stdout


def test_installing_again_restarts_the_daemon_on_the_new_unit(cart: Cart) -> None:
    cart.run("install", "--user", "--config", str(cart.config))
    done = cart.run("install", "--user", "--config", str(cart.config))
    assert done.returncode == 0, done.stderr
    assert cart.calls()[2:] == [
        ["--user", "daemon-reload"],
        ["--user", "enable", "rollkeeper.service"],
        ["--user", "restart", "rollkeeper.service"],
    ]


def test_uninstall_stops_and_disables_the_unit_and_removes_its_file(cart: Cart) -> None:
    cart.run("install", "--user", "--config", str(cart.config))
    done = cart.run("uninstall", "--user")
    assert done.returncode == 0, done.stderr
    assert not cart.unit.exists()
    assert cart.calls()[2:] == [
        ["--user", "disable", "--now", "rollkeeper.service"],
        ["--user", "daemon-reload"],
    ]


def test_status_of_a_running_service_passes_systemds_answer_on(cart: Cart) -> None:
    cart.run("install", "--user", "--config", str(cart.config))
    done = cart.run("status", "--user")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"installed: {cart.unit}\n"
    assert cart.calls()[-1] == ["--user", "status", "--no-pager", "--lines=5", "rollkeeper.service"]


def test_status_of_a_stopped_service_is_exit_3_with_a_sentence(cart: Cart) -> None:
    cart.run("install", "--user", "--config", str(cart.config))
    done = cart.run("status", "--user", fake_exit=3)
    assert done.returncode == 3
    assert done.stderr.startswith("rollkeeper: rollkeeper.service is installed but not running")


def test_status_of_a_service_never_installed_says_how_to_install_it(cart: Cart) -> None:
    done = cart.run("status", "--user")
    assert done.returncode == 3
    assert done.stderr == (
        f"rollkeeper: rollkeeper.service is not installed for the user ({cart.unit} does not "
        "exist): install it with `rollkeeper service install`\n"
    )


def test_without_systemctl_install_is_a_sentence_with_exit_3_and_writes_nothing(
    cart: Cart, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    done = cart.run("install", "--user", "--config", str(cart.config), path=str(empty))
    assert done.returncode == 3
    assert done.stderr == (
        "rollkeeper: systemctl was not found on PATH, so systemd cannot be asked to run "
        "rollkeeper: install the service on a machine that runs systemd, or start `rollkeeper "
        "run` some other way\n"
    )
    assert not cart.unit.exists()


def test_a_failing_systemctl_is_a_sentence_naming_the_command_with_exit_3(cart: Cart) -> None:
    done = cart.run("install", "--user", "--config", str(cart.config), fake_exit=1)
    assert done.returncode == 3
    assert done.stderr == (
        f"rollkeeper: `{cart.bin}/systemctl --user daemon-reload` failed with exit code 1; its "
        "message is above\n"
    )
    assert "Traceback" not in done.stderr


def test_a_bad_config_is_refused_with_exit_2_before_anything_is_written(cart: Cart) -> None:
    cart.config.write_text("[[volumes]]\npath = 'relative'\nrole = 'raid'\n", encoding="utf-8")
    done = cart.run("install", "--user", "--config", str(cart.config))
    assert done.returncode == 2
    assert str(cart.config) in done.stderr and "Traceback" not in done.stderr
    assert not cart.unit.exists() and cart.calls() == []


def test_the_system_service_without_root_is_a_sentence_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tests run as root here, and the interpreter is not one `nobody` may run: the user id
    the command sees is that of an ordinary user (a fault injected at `os.geteuid`)."""
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(sys, "argv", ["rollkeeper", "service", "install", "--system"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 3
    assert capsys.readouterr().err == (
        "rollkeeper: installing the system service needs root: run the same command with sudo, "
        "or use --user for your own service\n"
    )


def test_on_macos_install_writes_the_launch_agent_and_bootstraps_it(cart: Cart) -> None:
    done = cart.run("install", "--user", "--platform", "macos", "--config", str(cart.config))
    assert done.returncode == 0, done.stderr
    plist = plistlib.loads(cart.plist.read_bytes())
    assert plist["ProgramArguments"][-2:] == ["--config", str(cart.config)]
    domain = f"gui/{os.getuid()}"
    assert cart.calls() == [
        ["enable", f"{domain}/com.rollkeeper.agent"],
        ["bootstrap", domain, str(cart.plist)],
    ]
    assert (cart.home / "Library" / "Logs" / "rollkeeper").is_dir()
    assert "Full Disk Access" in done.stdout


def test_on_macos_uninstall_boots_the_agent_out_and_removes_the_plist(cart: Cart) -> None:
    cart.run("install", "--user", "--platform", "macos", "--config", str(cart.config))
    done = cart.run("uninstall", "--user", "--platform", "macos")
    assert done.returncode == 0, done.stderr
    assert not cart.plist.exists()
    assert cart.calls()[-1] == ["bootout", f"gui/{os.getuid()}/com.rollkeeper.agent"]
