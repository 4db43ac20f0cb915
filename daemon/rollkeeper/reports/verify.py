"""How verification results are shown: the versioned JSON document and the terminal summary.

The JSON schema is a contract (README, "verify --json"); bump `VERIFY_SCHEMA` on any change that
is not a pure addition. The summary is built once as styled text and printed either through rich
(a terminal: colours) or as plain text (a pipe or a file), which then needs no rich at all: rich
costs every start-up of `rollkeeper verify` ~40 ms.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rollkeeper import __version__
from rollkeeper.core.errors import ExitCode
from rollkeeper.core.files import display_path
from rollkeeper.mhl.verify import FileResult, FileStatus, RollResult, RollVerdict

if TYPE_CHECKING:
    from rich.console import Console

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


#: A run of summary text and the rich style it has on a terminal ("" for none).
Span = tuple[str, str]

_STYLE = {
    RollVerdict.VERIFIED: ("green", "VERIFIED"),
    RollVerdict.FAILED: ("bold red", "FAILED"),
    RollVerdict.INVALID: ("bold red", "INVALID MHL"),
}

#: Width of the flag (MISMATCH, MISSING…) that starts each file's line.
_FLAG_WIDTH = 14

_FLAGS = {
    FileStatus.MISMATCH: ("MISMATCH", "red"),
    FileStatus.SIZE_DIFFERS: ("SIZE DIFFERS", "red"),
    FileStatus.MISSING: ("MISSING", "red"),
    FileStatus.UNREADABLE: ("UNREADABLE", "red"),
    FileStatus.KNOWN_BAD: ("KNOWN BAD", "red"),
    FileStatus.NAME_COLLISION: ("COLLISION", "red"),
    FileStatus.EXTRA: ("EXTRA", "yellow"),
}


def _describe_file(result: FileResult) -> list[Span]:
    word, style = _FLAGS[result.status]
    flag = [(word, style), (" " * (_FLAG_WIDTH - len(word)), "")]
    name = result.path
    status = result.status
    if status is FileStatus.MISMATCH:
        pairs = [
            f"{kind} expected {value}, got {result.actual.get(kind, '?')}"
            for kind, value in result.expected.items()
            if result.actual.get(kind) != value
        ]
        return [*flag, (f"{name}: " + "; ".join(pairs), "")]
    if status is FileStatus.SIZE_DIFFERS:
        extra = f" ({result.detail})" if result.detail else ""
        return [
            *flag,
            (
                f"{name}: expected {result.expected_size} bytes, found {result.actual_size}{extra}",
                "",
            ),
        ]
    detail = f": {result.detail}" if result.detail else ""
    if status is FileStatus.EXTRA and not result.detail:
        detail = ": on disk but in no MHL"
    return [*flag, (f"{name}{detail}", "")]


def summary_lines(results: list[RollResult]) -> Iterator[list[Span]]:
    """The summary, line by line: each roll's verdict, then every file that is not simply OK."""
    for result in results:
        style, label = _STYLE[result.verdict]
        listed = sum(
            1 for f in result.files if f.status not in (FileStatus.EXTRA, FileStatus.IGNORED)
        )
        read = (
            f"  ({listed} files, {result.bytes_hashed / 1e9:.2f} GB read)"
            if result.manifest
            else ""
        )
        yield [(f"{label:<11}", style), (f" {display_path(result.root)}{read}", "")]
        if result.error:
            yield [("  ", ""), (display_path(result.error), "red")]
        for warning in result.manifest.warnings if result.manifest else []:
            yield [("  ", ""), ("warning:", "yellow"), (f" {display_path(warning)}", "")]
        for file in result.files:
            if file.status not in (FileStatus.OK, FileStatus.IGNORED):
                yield [("  ", ""), *_describe_file(file)]
    verdicts = [r.verdict for r in results]
    yield [
        (
            f"{len(results)} roll(s): {verdicts.count(RollVerdict.VERIFIED)} verified, "
            f"{verdicts.count(RollVerdict.FAILED)} failed, "
            f"{verdicts.count(RollVerdict.INVALID)} invalid",
            "",
        )
    ]


def print_summary(console: Console, results: list[RollResult]) -> None:
    """A roll-by-roll summary naming every file that is not simply OK, in colour on a terminal.

    Names are printed as they are: they are never read as rich markup or emoji codes.
    """
    from rich.text import Text

    for spans in summary_lines(results):
        console.print(Text.assemble(*spans))


def write_summary(stream: TextIO, results: list[RollResult]) -> None:
    """The same summary as plain text, character for character what `print_summary` prints
    through a rich console that is not a terminal (no wrapping: `soft_wrap=True`). Each line is
    flushed as rich flushes it, so a reader that went away is noticed at the same moment."""
    for spans in summary_lines(results):
        stream.write(_as_rich_prints("".join(text for text, _style in spans)) + "\n")
        stream.flush()


#: The control characters rich removes from any text it prints (rich.control.STRIP_CONTROL_CODES).
_STRIPPED_BY_RICH = dict.fromkeys((7, 8, 11, 12, 13))


def _as_rich_prints(line: str) -> str:
    """One line of text as rich prints it: bell, backspace, VT, FF and CR removed, and tabs
    expanded to the next multiple of 8 terminal cells, counted from each line's start."""
    text = line.translate(_STRIPPED_BY_RICH)
    if "\t" not in text:
        return text
    from rich.cells import cell_len  # only for names holding a tab (cheap, unlike rich.console)

    rows = []
    for row in text.split("\n"):
        expanded, cells = [], 0
        pieces = row.split("\t")
        for piece in pieces[:-1]:
            cells += cell_len(piece) + 1
            expanded.append(piece + " " * (1 + -cells % 8))
            cells += -cells % 8
        expanded.append(pieces[-1])
        rows.append("".join(expanded))
    return "\n".join(rows)
