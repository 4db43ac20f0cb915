"""Specification: docs/RELIABILITY.md names only tests that exist — each `file::name` it maps a
fault or a hostile input to is a test function in that file (`…::name`: the file named before it
on the same line), so the page cannot drift from the suite."""

from __future__ import annotations

from tests.reliability import ROOT, rows


def test_every_test_the_reliability_page_names_exists() -> None:
    named = [test for row in rows() for test in row.tests]
    assert len(named) >= 40
    missing = []
    for file, name in named:
        source = ROOT / "tests" / file
        if not source.is_file() or (
            name is not None and f"def {name}(" not in source.read_text(encoding="utf-8")
        ):
            missing.append(f"{file}::{name}")
    assert missing == []


def test_the_page_lists_the_faults_hostile_inputs_and_security_claims_it_counts() -> None:
    sections = [row.section for row in rows()]
    assert sections.count("Fault matrix") >= 40
    assert sections.count("Hostile inputs") >= 18
    assert sections.count("Security") >= 6
