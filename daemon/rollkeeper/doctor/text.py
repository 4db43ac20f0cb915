"""How doctor's findings read on a terminal or in a log: one line per check, the fix under
anything short of ok, and a last line with the verdict."""

from __future__ import annotations

from rollkeeper.doctor.model import Finding, Outcome, verdict

_MARK = {Outcome.OK: "ok  ", Outcome.WARN: "WARN", Outcome.FAIL: "FAIL"}
_VERDICT = {
    "ok": "All checks passed.",
    "warnings": "All checks passed, with warnings.",
    "failed": "Some checks FAILED: fix what they say, then run `rollkeeper doctor` again.",
    "invalid_config": "The configuration is NOT valid: fix it, then run `rollkeeper doctor` again.",
}


def lines(findings: list[Finding]) -> list[tuple[Outcome | None, str]]:
    """Each line with the outcome that colours it (None: the plain verdict line)."""
    shown: list[tuple[Outcome | None, str]] = []
    for finding in findings:
        first, *rest = finding.sentence.splitlines() or [""]
        shown.append((finding.outcome, f"{_MARK[finding.outcome]}  {finding.name}: {first}"))
        shown += [(finding.outcome, f"        {line}") for line in rest]
        if finding.fix and finding.outcome is not Outcome.OK:
            shown.append((finding.outcome, f"        fix: {finding.fix}"))
    shown.append((None, _VERDICT[verdict(findings)]))
    return shown
