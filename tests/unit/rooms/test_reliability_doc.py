"""Specification: docs/RELIABILITY.md names only tests that exist — each `file::name` it maps a
fault or a hostile input to is a test function in that file (`…::name`: the file named before it
on the same line), so the page cannot drift from the suite."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "RELIABILITY.md"
NAMED = re.compile(r"`((?:unit|integration)/[\w/]+\.py|…)(?:::(\w+))?`")


def named_tests() -> list[tuple[str, str | None]]:
    """Every (file, test name) the page names; a bare file name has no test name."""
    named: list[tuple[str, str | None]] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        loose = [t for t in re.findall(r"`(…[^`]*)`", line) if not t.startswith("…::")]
        assert loose == [], f"a test named in part: {loose}"
        file = None
        for path, name in NAMED.findall(line):
            file = file if path == "…" else path
            assert file is not None, f"'…' with no file before it: {line}"
            named.append((file, name or None))
    return named


def test_every_test_the_reliability_page_names_exists() -> None:
    named = named_tests()
    assert len(named) >= 40
    missing = []
    for file, name in named:
        source = ROOT / "tests" / file
        if not source.is_file() or (
            name is not None and f"def {name}(" not in source.read_text(encoding="utf-8")
        ):
            missing.append(f"{file}::{name}")
    assert missing == []
