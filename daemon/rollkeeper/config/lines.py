"""Where each key of a TOML text is written: the line a configuration error points at.

tomllib gives values, not positions, so `key_lines` scans the text itself: table headers
(`[target]`, `[[volumes]]`, counted per array so the second `[[volumes]]` is `volumes[1]`) and
`key = value` lines (dotted and quoted keys too), skipping what a value spans over several lines
(arrays, inline tables, multi-line strings) and comments. The scan only has to agree with tomllib
on text tomllib accepted; `line_of` falls back to the nearest enclosing table (a key that is
missing is reported at its table's header).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path_ = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_TRIPLE = ('"""', "'''")


def _split_key(text: str) -> tuple[list[str], str]:
    """The dotted key at the start of `text` (bare or quoted parts) and what follows it."""
    parts: list[str] = []
    rest = text.lstrip()
    while rest:
        if rest[0] in "\"'":
            end = rest.find(rest[0], 1)
            if end < 0:
                break
            parts.append(rest[1:end])
            rest = rest[end + 1 :].lstrip()
        elif bare := _BARE.match(rest):
            parts.append(bare.group())
            rest = rest[bare.end() :].lstrip()
        else:
            break
        if not rest.startswith("."):
            break
        rest = rest[1:].lstrip()
    return parts, rest


class _Value:
    """How much of a value is still open at the end of a line: brackets, a multi-line string."""

    def __init__(self) -> None:
        self.depth = 0
        self.triple: str | None = None

    @property
    def open(self) -> bool:
        return self.depth > 0 or self.triple is not None

    def feed(self, text: str) -> None:
        """Follow `text` (the rest of a value, or a continuation line) to its end."""
        i = 0
        while i < len(text):
            if self.triple is not None:
                end = text.find(self.triple, i)
                if end < 0:
                    return
                i, self.triple = end + 3, None
                continue
            i = self._step(text, i)

    def _step(self, text: str, i: int) -> int:
        char = text[i]
        if text.startswith(_TRIPLE, i):
            self.triple = text[i : i + 3]
            return i + 3
        if char in "\"'":
            end = i + 1
            while end < len(text) and text[end] != char:
                end += 2 if char == '"' and text[end] == "\\" else 1
            return end + 1
        if char == "#":
            return len(text)
        if char in "[{":
            self.depth += 1
        elif char in "]}":
            self.depth -= 1
        return i + 1


def key_lines(text: str) -> dict[Path_, int]:
    """Every table and key of `text` by its path (array tables indexed), with its 1-based line."""
    lines: dict[Path_, int] = {}
    counts: dict[Path_, int] = {}
    table: Path_ = ()
    value = _Value()
    for number, line in enumerate(text.splitlines(), start=1):
        if value.open:
            value.feed(line)
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            table = _header(stripped, counts)
            lines.setdefault(table, number)
            if table and isinstance(table[-1], int):
                lines.setdefault(table[:-1], number)  # the array: its first table
            continue
        parts, rest = _split_key(stripped)
        if parts and rest.startswith("="):
            lines.setdefault((*table, *parts), number)
            value.feed(rest[1:])
    return lines


def _header(stripped: str, counts: dict[Path_, int]) -> Path_:
    """The path of a `[table]` or `[[array]]` header line, counting arrays in `counts`."""
    array = stripped.startswith("[[")
    parts, _rest = _split_key(stripped[2:] if array else stripped[1:])
    path: Path_ = tuple(parts)
    if not array:
        return path
    index = counts.get(path, 0)
    counts[path] = index + 1
    return (*path, index)


def line_of(lines: dict[Path_, int], location: Sequence[str | int]) -> int | None:
    """The line of `location` (a validation error's path), else of its nearest enclosing table
    or key that is written; None when nothing of it is."""
    path = tuple(location)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
