"""How verification results are shown: the versioned JSON document and the terminal summary.

The JSON schema is a contract (README, "verify --json"); bump `VERIFY_SCHEMA` on any change that
is not a pure addition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from daemon import __version__
from daemon.errors import ExitCode
from daemon.scan import display_path
from daemon.verify import FileResult, FileStatus, RollResult, RollVerdict

VERIFY_SCHEMA = "rollkeeper.verify/1"


def overall_exit_code(results: list[RollResult]) -> ExitCode:
    """1 if any roll failed (the most urgent news), else 2 if any MHL was invalid, else 0."""
    verdicts = {r.verdict for r in results}
    if RollVerdict.FAILED in verdicts:
        return ExitCode.FAILURE
    if RollVerdict.INVALID in verdicts:
        return ExitCode.BAD_INPUT
    return ExitCode.OK


def _file_json(result: FileResult) -> dict[str, Any]:
    return {
        "path": result.path,
        "status": result.status.value,
        "expected_size": result.expected_size,
        "actual_size": result.actual_size,
        "expected": {k.value: v for k, v in result.expected.items()},
        "actual": {k.value: v for k, v in result.actual.items()},
        "detail": result.detail,
        "disk_name": result.disk_name,
    }


def _roll_json(result: RollResult) -> dict[str, Any]:
    manifest = result.manifest
    return {
        "root": display_path(result.root),
        "verdict": result.verdict.value,
        "error": display_path(result.error) if result.error else None,
        "formats": sorted(f.value for f in manifest.formats) if manifest else [],
        "mhl_files": [display_path(p) for p in manifest.mhl_files] if manifest else [],
        "warnings": [display_path(w) for w in manifest.warnings] if manifest else [],
        "counts": {status.value: result.count(status) for status in FileStatus},
        "bytes_hashed": result.bytes_hashed,
        "files": [_file_json(f) for f in result.files],
    }


def verify_json(path: Path, results: list[RollResult]) -> dict[str, Any]:
    """The `verify --json` document."""
    code = overall_exit_code(results)
    overall = {
        ExitCode.OK: RollVerdict.VERIFIED,
        ExitCode.FAILURE: RollVerdict.FAILED,
        ExitCode.BAD_INPUT: RollVerdict.INVALID,
    }[code]
    return {
        "schema": VERIFY_SCHEMA,
        "tool": {"name": "rollkeeper", "version": __version__},
        "path": display_path(path),
        "verdict": overall.value,
        "exit_code": int(code),
        "rolls": [_roll_json(r) for r in results],
    }


_STYLE = {
    RollVerdict.VERIFIED: ("green", "VERIFIED"),
    RollVerdict.FAILED: ("bold red", "FAILED"),
    RollVerdict.INVALID: ("bold red", "INVALID MHL"),
}


def _describe_file(result: FileResult) -> str:
    name = escape(result.path)
    status = result.status
    if status is FileStatus.MISMATCH:
        pairs = [
            f"{kind} expected {value}, got {result.actual.get(kind, '?')}"
            for kind, value in result.expected.items()
            if result.actual.get(kind) != value
        ]
        return f"[red]MISMATCH[/]      {name}: " + "; ".join(pairs)
    if status is FileStatus.SIZE_DIFFERS:
        extra = f" ({escape(result.detail)})" if result.detail else ""
        return (
            f"[red]SIZE DIFFERS[/]  {name}: expected {result.expected_size} bytes, "
            f"found {result.actual_size}{extra}"
        )
    labels = {
        FileStatus.MISSING: "[red]MISSING[/]       ",
        FileStatus.UNREADABLE: "[red]UNREADABLE[/]    ",
        FileStatus.KNOWN_BAD: "[red]KNOWN BAD[/]     ",
        FileStatus.NAME_COLLISION: "[red]COLLISION[/]     ",
        FileStatus.EXTRA: "[yellow]EXTRA[/]         ",
    }
    detail = f": {escape(result.detail)}" if result.detail else ""
    if status is FileStatus.EXTRA and not result.detail:
        detail = ": on disk but in no MHL"
    return f"{labels[status]}{name}{detail}"


def print_summary(console: Console, results: list[RollResult]) -> None:
    """A roll-by-roll summary naming every file that is not simply OK."""
    for result in results:
        style, label = _STYLE[result.verdict]
        listed = sum(
            1 for f in result.files if f.status not in (FileStatus.EXTRA, FileStatus.IGNORED)
        )
        console.print(
            f"[{style}]{label:<11}[/] {escape(display_path(result.root))}"
            + (
                f"  ({listed} files, {result.bytes_hashed / 1e9:.2f} GB read)"
                if result.manifest
                else ""
            )
        )
        if result.error:
            console.print(f"  [red]{escape(display_path(result.error))}[/]")
        for warning in result.manifest.warnings if result.manifest else []:
            console.print(f"  [yellow]warning:[/] {escape(display_path(warning))}")
        for file in result.files:
            if file.status not in (FileStatus.OK, FileStatus.IGNORED):
                console.print("  " + _describe_file(file), highlight=False)
    verdicts = [r.verdict for r in results]
    console.print(
        f"{len(results)} roll(s): {verdicts.count(RollVerdict.VERIFIED)} verified, "
        f"{verdicts.count(RollVerdict.FAILED)} failed, "
        f"{verdicts.count(RollVerdict.INVALID)} invalid"
    )
