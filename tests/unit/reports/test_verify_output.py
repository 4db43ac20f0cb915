"""Specification: the verification summary, in colour on a terminal and as plain text elsewhere.

The plain text is what a pipe, a file or a log receives; it is written without rich (whose import
would cost every `rollkeeper verify` more than the rest of its start-up) and must be exactly what
rich printed there before: the tests compare the two renderings character for character.
"""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rollkeeper.mhl.model import HashKind, RollManifest
from rollkeeper.mhl.verify import FileResult, FileStatus, RollResult, RollVerdict
from rollkeeper.reports.verify import print_summary, write_summary

ROOT = Path("/Volumes/RAID_A/20261121/A001R1AB")


def through_rich(results: list[RollResult], *, terminal: bool = False) -> str:
    """The summary as the CLI's rich console prints it (stdout, no highlighting, soft wrap)."""
    buffer = io.StringIO()
    console = Console(file=buffer, highlight=False, soft_wrap=True, force_terminal=terminal)
    print_summary(console, results)
    return buffer.getvalue()


def plain(results: list[RollResult]) -> str:
    buffer = io.StringIO()
    write_summary(buffer, results)
    return buffer.getvalue()


def roll(*files: FileResult, warnings: tuple[str, ...] = ()) -> RollResult:
    result = RollResult(
        ROOT, RollVerdict.VERIFIED, list(files), RollManifest(ROOT, warnings=list(warnings))
    )
    result.verdict = (
        RollVerdict.FAILED
        if any(f.status not in (FileStatus.OK, FileStatus.EXTRA, FileStatus.IGNORED) for f in files)
        else RollVerdict.VERIFIED
    )
    return result


def test_a_verified_roll_reads_the_same_plain_as_through_rich() -> None:
    results = [roll(FileResult("A001C001.mov", FileStatus.OK))]
    expected = (
        f"VERIFIED    {ROOT}  (1 files, 0.00 GB read)\n1 roll(s): 1 verified, 0 failed, 0 invalid\n"
    )
    assert plain(results) == through_rich(results) == expected


def test_every_kind_of_problem_reads_the_same_plain_as_through_rich() -> None:
    files = [
        FileResult("a.mov", FileStatus.MISMATCH, expected={HashKind.XXH64: "1" * 16}),
        FileResult("b.mov", FileStatus.SIZE_DIFFERS, expected_size=2, actual_size=1, detail="d"),
        FileResult("c.mov", FileStatus.MISSING),
        FileResult("d.mov", FileStatus.UNREADABLE, detail="Permission denied"),
        FileResult("e.mov", FileStatus.KNOWN_BAD, detail="failed before"),
        FileResult("f.mov", FileStatus.NAME_COLLISION, detail="two spellings"),
        FileResult("g.txt", FileStatus.EXTRA),
        FileResult(".DS_Store", FileStatus.IGNORED, detail="hidden"),
    ]
    invalid = RollResult(ROOT.parent / "B001", RollVerdict.INVALID, error="B001.mhl: not XML")
    results = [roll(*files, warnings=("an MHL says so",)), invalid]
    assert plain(results) == through_rich(results)


def test_names_are_shown_as_they_are_never_as_markup_or_emoji() -> None:
    results = [roll(FileResult("[bold]x[/bold] :smile: \\[y]", FileStatus.MISSING))]
    shown = plain(results)
    assert "MISSING       [bold]x[/bold] :smile: \\[y]\n" in shown
    assert shown == through_rich(results)


def test_on_a_terminal_the_flags_are_coloured_and_the_names_are_not() -> None:
    results = [roll(FileResult("[red]x", FileStatus.MISSING))]
    coloured = through_rich(results, terminal=True)
    assert "\x1b[31mMISSING\x1b[0m       [red]x\n" in coloured


names = st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    paths=st.lists(names, min_size=1, max_size=4),
    details=st.lists(st.one_of(st.none(), names), min_size=4, max_size=4),
    warning=names,
    root=names.filter(lambda n: "\x00" not in n),
)
def test_any_names_read_the_same_plain_as_through_rich(
    paths: list[str], details: list[str | None], warning: str, root: str
) -> None:
    statuses = [
        FileStatus.MISSING,
        FileStatus.EXTRA,
        FileStatus.UNREADABLE,
        FileStatus.SIZE_DIFFERS,
    ]
    files = [
        FileResult(path, statuses[i % 4], expected_size=1, actual_size=2, detail=details[i % 4])
        for i, path in enumerate(paths)
    ]
    result = roll(*files, warnings=(warning,))
    result.root = Path("/rolls") / root
    invalid = RollResult(Path("/rolls") / root, RollVerdict.INVALID, error=warning)
    assert plain([result, invalid]) == through_rich([result, invalid])
