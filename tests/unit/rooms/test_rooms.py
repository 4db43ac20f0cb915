"""Specification: the house keeps its shape — small modules, short functions, one import name.

A module over 400 lines or a function over 60 is two ideas; the count is kept by a machine so that
the rooms stay as docs/ARCHITECTURE.md draws them. Tests and benchmarks are exempt.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

SOURCE_ROOT = Path(__file__).resolve().parents[3] / "daemon"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(SOURCE_ROOT.rglob("*.py"))


def test_the_source_root_holds_only_the_rollkeeper_package() -> None:
    assert sorted(
        p.name
        for p in SOURCE_ROOT.iterdir()
        if p.name != "__pycache__" and not p.name.endswith(".egg-info")
    ) == ["rollkeeper"]


def _long_modules() -> dict[str, int]:
    return {
        str(p.relative_to(SOURCE_ROOT)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }


def _long_functions() -> dict[str, int]:
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(SOURCE_ROOT)}:{node.name}"] = length
    return long


def test_no_module_is_longer_than_400_lines() -> None:
    assert _long_modules() == {}


def test_no_function_is_longer_than_60_lines() -> None:
    assert _long_functions() == {}


def test_no_complexity_rule_is_waived_in_the_package() -> None:
    pyproject = tomllib.loads((SOURCE_ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    waived = pyproject["tool"]["ruff"]["lint"].get("per-file-ignores", {})
    assert [pattern for pattern in waived if pattern.startswith("daemon")] == []
    noqa = re.compile(r"noqa:[^\n]*\b(C901|PLR0912|PLR0913|PLR0915)\b")
    assert [
        str(path.relative_to(SOURCE_ROOT))
        for path in _modules()
        if noqa.search(path.read_text(encoding="utf-8"))
    ] == []


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("import rollkeeper; print(rollkeeper.__version__)", "0.1.0"),
        ("import daemon", "ModuleNotFoundError"),
    ],
)
def test_the_import_name_is_rollkeeper_and_nothing_named_daemon_is_installed(
    tmp_path: Path, statement: str, expected: str
) -> None:
    # Run outside the checkout, so only what the installation provides can be imported.
    run = subprocess.run(
        [sys.executable, "-c", statement], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert expected in run.stdout + run.stderr


def test_python_dash_m_rollkeeper_runs_the_command_line(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "rollkeeper", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0
    assert "verify" in run.stdout


def test_the_status_views_import_neither_the_settings_nor_the_storage_libraries() -> None:
    """`status`, `clearance` and the dashboard's views are asked often and must answer fast:
    pydantic (0.17 s to import), awscrt (0.07 s) and boto3 stay out of them."""
    statement = (
        "import sys, rollkeeper.reports.status, rollkeeper.reports.clearance; "
        "print(sorted(m for m in ('pydantic', 'awscrt', 'boto3') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", statement], capture_output=True, text=True, check=False
    )
    assert run.stdout.strip() == "[]", run.stderr
