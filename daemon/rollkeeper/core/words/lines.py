"""The lines a roll's or volume's record keeps (problems, files waited for, changes), worded
once, and read back where a report needs their facts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rollkeeper.core.layout import LayoutProblem

#: A clearance verdict lists at most this many reasons in its sentence.
REASONS_IN_A_SENTENCE = 5
#: A sentence lists at most this many problems (or changed files, or missing objects).
PROBLEMS_IN_A_SENTENCE = 5
#: A sentence names at most this many of the files a copy still waits for.
WAITING_IN_A_SENTENCE = 3


def waiting_for_files(files: Sequence[str], count: int) -> str:
    """Why a copy is not ready: how many listed files it waits for, naming the first few."""
    first = ", ".join(files[:WAITING_IN_A_SENTENCE])
    more = ", …" if count > WAITING_IN_A_SENTENCE else ""
    return f"waiting for {count} file(s): {first}{more}"


def layout_problem(problem: LayoutProblem) -> str:
    """One problem a volume's layout analysis found, as its scan lists it."""
    return f"{problem.severity}: {problem.folder or '.'}: {problem.message}"


def unreadable(path: str, error: str) -> str:
    """A file or folder of a volume the scan could not read, as its scan lists it."""
    return f"error: {path or '.'}: cannot be read ({error})"


def file_problem(status: str, path: str, detail: str | None) -> str:
    """A listed file that verification did not find simply OK: its status, and why."""
    return f"{status} {path}" + (f" ({detail})" if detail else "")


def file_short(path: str, size: int | None, listed_size: int | None) -> str:
    """A listed file a copy still waits for: absent (`size` None), or short of its size."""
    if size is None:
        listed = f"; {listed_size} bytes listed" if listed_size is not None else ""
        return f"{path} (missing{listed})"
    return f"{path} ({size} of {listed_size} bytes)"


_FILE_SHORT = re.compile(
    r"(?P<path>.*) \((?:missing(?:; (?P<listed>\d+) bytes listed)?"
    r"|(?P<have>\d+) of (?P<want>\d+|None) bytes)\)"
)


def read_file_short(line: str) -> tuple[str, int | None, int | None] | None:
    """`file_short`'s line read back as (path, bytes present or None, bytes listed or None)."""
    match = _FILE_SHORT.fullmatch(line)
    if match is None:
        return None
    return match["path"], _bytes(match["have"]), _bytes(match["want"] or match["listed"])


def _bytes(text: str | None) -> int | None:
    return int(text) if text and text != "None" else None


def link_leaves_roll(path: str) -> str:
    """A listed file that is a symbolic link out of the roll: never followed, never uploaded."""
    return (
        f"{path} is a symbolic link to somewhere outside the roll; copy the file itself, not a link"
    )


def file_changed(path: str, how: str) -> str:
    """A file of a checked copy no longer as recorded (`how`: deleted, changed, new file)."""
    return f"{path} ({how})"


def folder_gone(folder: str) -> str:
    """A copy whose MHL or roll folder disappeared from its volume."""
    return f"{folder}: MHL or folder gone"


def missing_from_storage(paths: Sequence[str]) -> str:
    """Why a roll's upload no longer holds (its upload's last error): the first objects gone."""
    return f"stored objects missing: {', '.join(paths[:PROBLEMS_IN_A_SENTENCE])}"


def listed(items: Sequence[str]) -> str:
    """The first few of `items`, in one clause."""
    return "; ".join(items[:PROBLEMS_IN_A_SENTENCE])


def still_settling(rolls: Sequence[str], waited: float) -> str:
    """What `run --once` could not answer: the rolls still settling when its wait ran out."""
    names = ", ".join(rolls[:PROBLEMS_IN_A_SENTENCE])
    more = ", …" if len(rolls) > PROBLEMS_IN_A_SENTENCE else ""
    return (
        f"Still settling after {waited:g} s, not yet verified: {len(rolls)} roll(s): "
        f"{names}{more}; run again later, or with a longer --wait"
    )


def size_text(size: int) -> str:
    """A byte count as a person reads it, in decimal units as drives are sold: "1.4 TB",
    "512.3 MB", "5 MB", "12 B". Every size a person reads (status, reports, notices) says it so."""
    units = ("B", "kB", "MB", "GB", "TB", "PB")
    value, unit = float(size), 0
    while value >= 1000 and unit < len(units) - 1:
        value, unit = value / 1000, unit + 1
    if unit == 0:
        return f"{size} B"
    return f"{f'{value:.1f}'.removesuffix('.0')} {units[unit]}"
