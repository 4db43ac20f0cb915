"""The custom profile: rolls laid out by a production's own `CustomLayoutSpec` pattern."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from rollkeeper.core.layout.analysis import (
    Rejected,
    Verdict,
    analyse,
    name_warnings,
    quoted,
    split_folder,
)
from rollkeeper.core.layout.model import LayoutAnalysis, RollIdentity, RollLocation
from rollkeeper.core.layout.pattern import CustomLayoutSpec, Segment, compile_regex, parse_pattern
from rollkeeper.core.layout.shoot_day import leading_digits

#: One way of laying a pattern over a path: each non-`{*}` level with the index of its folder.
Alignment = list[tuple[Segment, int]]


class CustomProfile:
    """A layout described by a `CustomLayoutSpec` pattern; see docs/layout.md."""

    def __init__(self, spec: CustomLayoutSpec) -> None:
        self.spec = spec
        self._segments = parse_pattern(spec.pattern)
        self._shoot_day = compile_regex("shoot_day_regex", spec.shoot_day_regex)
        self._roll = (
            None if spec.roll_regex is None else compile_regex("roll_regex", spec.roll_regex)
        )
        self._media_types = dict(spec.media_types)
        self._ignore = frozenset(spec.ignore_folders)

    @property
    def name(self) -> str:
        return "custom"

    def analyse(self, mhl_folders: Iterable[str]) -> LayoutAnalysis:
        """Rolls and problems for the MHL folders of one volume."""
        return analyse(mhl_folders, self._verdict)

    def _verdict(self, folder: str) -> Verdict:
        parts = split_folder(folder)
        if self._ignore.intersection(parts):
            return None
        for alignment in self._align(self._segments, parts, 0, 0, strict=True):
            return self._roll_location(folder, parts, alignment)
        return Rejected(tuple(self._diagnose(folder, parts)))

    def _align(
        self, segments: Sequence[Segment], parts: Sequence[str], at: int, pos: int, *, strict: bool
    ) -> Iterator[Alignment]:
        """Every way of laying `segments[at:]` over `parts[pos:]`, all folders used.

        `{*}` takes as many folders as it can first, an optional level is tried present first;
        `strict` keeps only layings where every folder fits its level.
        """
        if at == len(segments):
            if pos == len(parts):
                yield []
            return
        segment = segments[at]
        if segment.kind == "any":
            needed = sum(1 for s in segments[at + 1 :] if not s.optional)
            for taken in range(len(parts) - pos - needed, -1, -1):
                yield from self._align(segments, parts, at + 1, pos + taken, strict=strict)
            return
        if pos < len(parts) and (not strict or self._fits(segment, parts[pos])):
            for rest in self._align(segments, parts, at + 1, pos + 1, strict=strict):
                yield [(segment, pos), *rest]
        if segment.optional:
            yield from self._align(segments, parts, at + 1, pos, strict=strict)

    def _fits(self, segment: Segment, name: str) -> bool:
        match segment.kind:
            case "literal":
                return name == segment.text
            case "shoot_day":
                return self._shoot_day.match(name) is not None
            case "media_type":
                return not self._media_types or name in self._media_types
            case "roll":
                return self._roll is None or self._roll.match(name) is not None
            case _:
                return True

    def _misfit(self, segment: Segment, name: str, path: str) -> str:
        """Why folder `name` (at `path`) does not fit `segment`."""
        if segment.kind == "literal":
            if name.lower() == segment.text.lower():
                return (
                    f"folder {quoted(path)} must be spelled {segment.text} "
                    "(names are case-sensitive)"
                )
            return f"expected a folder named {segment.text} at {quoted(path)}, found {name!r}"
        if segment.kind == "shoot_day":
            hint = ""
            if leading_digits(name) == 6 and self._shoot_day.match("20" + name):
                hint = f"; use yyyyMMdd: 20{name[:6]}"
            return (
                f"{quoted(path)} is not a shoot day folder: its name must begin with a match of "
                f"shoot_day_regex '{self.spec.shoot_day_regex}'{hint}"
            )
        if segment.kind == "media_type":
            for known in self._media_types:
                if known.lower() == name.lower():
                    return (
                        f"media folder {quoted(path)} must be spelled {known} (names are "
                        f"case-sensitive)"
                    )
            accepted = ", ".join(self._media_types)
            return f"unknown media folder {quoted(path)}: the accepted ones are {accepted}"
        hint = ""
        if any(level.kind == "format" for level in self._segments):
            hint = "; if it is a camera-format folder, its MHL belongs in the rolls inside it"
        return (
            f"roll folder {quoted(path)} does not match roll_regex '{self.spec.roll_regex}'{hint}"
        )

    def _misfits(self, parts: Sequence[str], alignment: Alignment) -> list[str]:
        return [
            self._misfit(segment, parts[i], "/".join(parts[: i + 1]))
            for segment, i in alignment
            if not self._fits(segment, parts[i])
        ]

    def _roll_location(
        self, folder: str, parts: Sequence[str], alignment: Alignment
    ) -> RollLocation:
        named = {segment.kind: parts[i] for segment, i in alignment}
        media_folder = named.get("media_type")
        media_type = (
            "" if media_folder is None else self._media_types.get(media_folder, media_folder)
        )
        identity = RollIdentity(named.get("shoot_day", ""), media_type, named["roll"])
        warnings = name_warnings(parts, (i for _, i in alignment)) if self.spec.check_names else []
        return RollLocation(identity, folder, named.get("format"), tuple(warnings))

    def _diagnose(self, folder: str, parts: Sequence[str]) -> list[str]:
        """Why a folder does not fit, read in order of evidence: inside a folder that fits as a
        roll (below the roll root); fitting as a constrained level above the roll (above it); the
        reading of the whole path with the fewest misfitting names; fitting only as a free
        camera-format level (above the roll root, weakly)."""
        below = self._below_root(folder, parts)
        if below is not None:
            return [below]
        above, weak = self._above_root(folder, parts)
        if above is not None and not weak:
            return [above]
        best: list[str] | None = None
        for alignment in self._align(self._segments, parts, 0, 0, strict=False):
            misfits = self._misfits(parts, alignment)
            if misfits and (best is None or len(misfits) < len(best)):
                best = misfits
                if len(best) == 1:
                    return best
        if above is not None:
            return [above]
        if best is not None:
            return best
        return [
            f"{quoted(folder)} does not fit the layout pattern {self.spec.pattern!r}: it is "
            f"{len(parts)} folder level{'' if len(parts) == 1 else 's'} deep, which no "
            f"reading of the pattern allows"
        ]

    def _below_root(self, folder: str, parts: Sequence[str]) -> str | None:
        """The "MHL below the roll root" message when a folder above this one fits as a roll."""
        for depth in range(1, len(parts)):
            fits = next(self._align(self._segments, parts[:depth], 0, 0, strict=True), None)
            if fits is not None:
                return (
                    f"MHL below the roll root: {quoted(folder)} is inside roll folder "
                    f"{quoted('/'.join(parts[:depth]))} "
                    f"(layout pattern {self.spec.pattern!r}); the "
                    f"roll's MHL must sit directly in the roll folder, and everything below it "
                    f"is the card's contents"
                )
        return None

    def _above_root(self, folder: str, parts: Sequence[str]) -> tuple[str | None, bool]:
        """The "MHL above the roll root" message when this folder fits as a level above the
        roll, and whether that is a free camera-format level (weak evidence: any name fits)."""
        segments = self._segments
        for end in range(len(segments) - 1, 0, -1):
            for alignment in self._align(segments[:end], parts, 0, 0, strict=True):
                if alignment and alignment[-1][1] == len(parts) - 1:
                    level = alignment[-1][0]
                    what = {
                        "literal": f"the {level.text} folder",
                        "shoot_day": "a shoot day folder",
                        "media_type": "a media folder",
                        "format": "a camera-format folder",
                    }.get(level.kind, "a folder")
                    message = (
                        f"MHL above the roll root: {quoted(folder)} is {what} "
                        f"in the layout pattern "
                        f"{self.spec.pattern!r}; an MHL belongs in the folder of the roll it "
                        f"describes"
                    )
                    return message, level.kind == "format"
        return None, False
