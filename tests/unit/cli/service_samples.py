"""The service files shipped in systemd/ and launchd/: renders of sample installations, kept equal
to what `rollkeeper service install` writes (tests/unit/cli/test_service_files.py).

Regenerate them with `PYTHONPATH=daemon python -m tests.unit.cli.service_samples`.
"""

from __future__ import annotations

from pathlib import Path

from rollkeeper.cli.service.launchd import render_plist
from rollkeeper.cli.service.model import Scope, ServiceSpec
from rollkeeper.cli.service.systemd import render_unit

REPOSITORY = Path(__file__).resolve().parents[3]
PROGRAM = ("/opt/rollkeeper/.venv/bin/rollkeeper",)


def _spec(
    scope: Scope, config: str, state: str, home: str, writable: tuple[str, ...]
) -> ServiceSpec:
    return ServiceSpec(
        program=PROGRAM,
        config=Path(config),
        state_dir=Path(state),
        writable=tuple(Path(folder) for folder in writable),
        stop_grace=20.0,
        scope=scope,
        home=Path(home),
        interpreter=Path("/usr/bin/python3.11"),
    )


SYSTEM = _spec(
    Scope.SYSTEM,
    "/etc/rollkeeper/rollkeeper.toml",
    "/var/lib/rollkeeper",
    "/root",
    ("/mnt/nas", "/mnt/nas/footage"),
)
USER = _spec(
    Scope.USER,
    "/home/dit/.config/rollkeeper/rollkeeper.toml",
    "/home/dit/.local/state/rollkeeper",
    "/home/dit",
    (),
)
MAC = _spec(
    Scope.USER,
    "/Users/dit/Library/Application Support/rollkeeper/rollkeeper.toml",
    "/Users/dit/Library/Application Support/rollkeeper/state",
    "/Users/dit",
    (),
)

#: Each shipped file and what it must hold.
SHIPPED = {
    REPOSITORY / "systemd" / "rollkeeper.service": render_unit(SYSTEM).encode("utf-8"),
    REPOSITORY / "systemd" / "user" / "rollkeeper.service": render_unit(USER).encode("utf-8"),
    REPOSITORY / "launchd" / "com.rollkeeper.agent.plist": render_plist(MAC),
}

if __name__ == "__main__":
    for path, content in SHIPPED.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        print(f"wrote {path}")
