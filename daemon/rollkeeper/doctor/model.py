"""A check's result, and the versioned document and exit code `rollkeeper doctor` derives from
all of them.

Every check is a plain function returning `Finding`s: a name, ok / warn / fail, one sentence
saying what was found, and for anything short of ok, the fix. A failing check whose cause is the
configuration file (a key, a variable it names) is `config`: the command then exits 2, as every
other command does for a bad configuration; any other failure is the environment's (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from rollkeeper import __version__
from rollkeeper.core.errors import ExitCode

DOCTOR_SCHEMA = "rollkeeper.doctor/1"


class Outcome(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Finding:
    """What one check found: `sentence` says it, `fix` says what to do (None when ok)."""

    name: str
    outcome: Outcome
    sentence: str
    fix: str | None = None
    config: bool = False  # a failure caused by the configuration file: exit 2
    facts: dict[str, Any] = field(default_factory=dict)


def ok(name: str, sentence: str, facts: dict[str, Any] | None = None) -> Finding:
    return Finding(name, Outcome.OK, sentence, None, facts=facts or {})


def warn(name: str, sentence: str, fix: str, facts: dict[str, Any] | None = None) -> Finding:
    return Finding(name, Outcome.WARN, sentence, fix, facts=facts or {})


def fail(
    name: str,
    sentence: str,
    fix: str,
    facts: dict[str, Any] | None = None,
    *,
    config: bool = False,
) -> Finding:
    return Finding(name, Outcome.FAIL, sentence, fix, config=config, facts=facts or {})


def exit_code(findings: list[Finding]) -> ExitCode:
    """2 when the configuration is at fault, 3 when the environment fails a check, else 0
    (warnings allowed)."""
    failed = [f for f in findings if f.outcome is Outcome.FAIL]
    if any(f.config for f in failed):
        return ExitCode.BAD_INPUT
    return ExitCode.ENVIRONMENT if failed else ExitCode.OK


def verdict(findings: list[Finding]) -> str:
    """`ok`, `warnings`, `failed` or `invalid_config`: the document's one-word answer."""
    code = exit_code(findings)
    if code is ExitCode.BAD_INPUT:
        return "invalid_config"
    if code is ExitCode.ENVIRONMENT:
        return "failed"
    return "warnings" if any(f.outcome is Outcome.WARN for f in findings) else "ok"


def document(findings: list[Finding], config_file: Path) -> dict[str, Any]:
    """The `--json` document (`rollkeeper.doctor/1`); additions keep `/1`."""
    return {
        "schema": DOCTOR_SCHEMA,
        "tool": {"name": "rollkeeper", "version": __version__},
        "config_file": str(config_file),
        "verdict": verdict(findings),
        "exit_code": int(exit_code(findings)),
        "checks": [
            {
                "name": f.name,
                "status": f.outcome.value,
                "sentence": f.sentence,
                "fix": f.fix,
                "config": f.config,
                "facts": f.facts,
            }
            for f in findings
        ],
    }
