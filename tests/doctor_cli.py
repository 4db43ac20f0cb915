"""Running `rollkeeper doctor` as a person does, and reading its JSON document, for tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def doctor(
    config: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`rollkeeper doctor --config CONFIG ARGS` (the timeout only guards against a hang)."""
    return subprocess.run(
        [sys.executable, "-m", "rollkeeper", "doctor", "--config", str(config), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def checks(done: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    """Each check of a `doctor --json` answer by name; the document's exit code is the one the
    command exited with."""
    document = json.loads(done.stdout)
    assert document["schema"] == "rollkeeper.doctor/1"
    assert document["exit_code"] == done.returncode
    return {check["name"]: check for check in document["checks"]}
