"""docs/RELIABILITY.md read as data: each row of its tables (a fault, a hostile input, a security
claim) with the tests it names, as pytest node ids. The page's test keeps every name real;
`python -m tests.reliability` runs them all and prints the README's figures."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "RELIABILITY.md"
_NAMED = re.compile(r"`((?:unit|integration)/[\w/]+\.py|…)(?:::(\w+))?`")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the page: its section, its first cell, and the tests it names."""

    section: str
    what: str
    tests: tuple[tuple[str, str | None], ...]  # (file under tests/, test name or None)

    @property
    def node_ids(self) -> list[str]:
        return [f"tests/{file}" + (f"::{name}" if name else "") for file, name in self.tests]


def _named(line: str) -> tuple[tuple[str, str | None], ...]:
    loose = [t for t in re.findall(r"`(…[^`]*)`", line) if not t.startswith("…::")]
    if loose:
        raise ValueError(f"a test named in part: {loose}")
    named: list[tuple[str, str | None]] = []
    file: str | None = None
    for path, name in _NAMED.findall(line):
        file = file if path == "…" else path
        if file is None:
            raise ValueError(f"'…' with no file before it: {line}")
        named.append((file, name or None))
    return tuple(named)


def rows(doc: Path = DOC) -> list[Row]:
    """Every table row of the page that names a test."""
    found: list[Row] = []
    section = ""
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("| ") and (tests := _named(line)):
            cells = [c.strip() for c in line.strip("|").split("|")]
            what = cells[1] if cells[0].isdigit() else cells[0]
            found.append(Row(section, what, tests))
    return found


def _passed(node_ids: list[str]) -> dict[str, bool]:
    """Run the tests (four workers); whether each test function passed, by `file::name`."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "junit.xml"
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-n", "4", f"--junitxml={report}",
             "-p", "no:cacheprovider", *sorted(set(node_ids))],
            cwd=ROOT, check=False,
        )  # fmt: skip
        results: dict[str, bool] = {}
        for case in ElementTree.parse(report).iter("testcase"):
            file = case.get("classname", "").replace(".", "/") + ".py"
            name = case.get("name", "").split("[")[0]
            ok = not any(child.tag in ("failure", "error", "skipped") for child in case)
            key = f"{file}::{name}"
            results[key] = results.get(key, True) and ok
            results[file] = results.get(file, True) and ok
        return results


def main() -> int:
    """Run every test the page names; print, per section, how many rows held."""
    table = rows()
    results = _passed([node for row in table for node in row.node_ids])
    failing = 0
    for section in dict.fromkeys(row.section for row in table):
        mine = [row for row in table if row.section == section]
        held = [row for row in mine if all(results.get(n, False) for n in row.node_ids)]
        failing += len(mine) - len(held)
        print(f"{section}: {len(held)} of {len(mine)} held")
        for row in mine:
            if row not in held:
                print(f"  NOT HELD: {row.what}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
