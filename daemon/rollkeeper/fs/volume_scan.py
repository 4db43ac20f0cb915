"""A volume's inventory kept between scans, one part per roll folder, and what a rescan may trust.

After a change event the daemon looks again only at the part of the volume the event concerns;
`unaccounted` lists what lies outside every roll.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from rollkeeper.core.files import ASC_HISTORY_DIR, FileInfo
from rollkeeper.core.hidden import is_hidden_path
from rollkeeper.fs.scan import TreeScan, join_path, scan_apart, scan_entry, scan_tree


def _within(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or lies below it ("" holds everything)."""
    return not folder or path == folder or path.startswith(folder + "/")


@dataclass(slots=True)
class VolumeScan:
    """A volume's inventory kept between scans: one part per roll folder, and the rest.

    After a change event only the part the event concerns is walked again (`rescan`): the roll
    holding the changed path, or the changed entry outside every roll. `regroup` then moves
    entries between the rest and the roll parts when the set of roll folders changed, so a
    roll's part always holds exactly what a full walk would assign to it.
    """

    root: Path
    outside: TreeScan
    rolls: dict[str, TreeScan] = field(default_factory=dict)

    @classmethod
    def walk(
        cls,
        root: Path,
        rolls: AbstractSet[str] = frozenset(),
        trusted: Mapping[str, Mapping[str, FileInfo]] | None = None,
    ) -> VolumeScan:
        """A fresh full walk of the volume. Each of `rolls` (the roll folders known so far)
        that is still a folder is walked into its own part, as `regroup` would split it, so
        a volume whose rolls did not change needs no splitting afterwards. A roll folder in
        `trusted` is walked against the files its earlier part held (see `scan_tree`)."""
        trusted = trusted or {}
        if "" in rolls:
            return cls(root, TreeScan(root), {"": scan_tree(root, trusted=trusted.get(""))})
        found: list[str] = []
        outside = scan_apart(root, rolls, found)
        parts: dict[str, TreeScan] = {}
        for folder in found:
            part = scan_tree(root / folder, trusted=trusted.get(folder))
            part.folders.add("")  # the roll folder itself, as `TreeScan.split` assigns it
            if "" in part.errors:  # unreadable: it stays in the rest, as a full walk has it
                outside.folders.add(folder)
                outside.errors[folder] = part.errors[""]
            else:
                parts[folder] = part
        return cls(root, outside, parts)

    def mhl_folders(self) -> set[str]:
        """Every folder of the volume holding an MHL, inside rolls or not."""
        found = set(self.outside.mhl_folders)
        for folder, part in self.rolls.items():
            found.update(
                join_path(folder, inner) if inner else folder for inner in part.mhl_folders
            )
        return found

    def errors(self) -> dict[str, str]:
        """Every path of the volume the scans could not read, with the OS error."""
        found = dict(self.outside.errors)
        for folder, part in self.rolls.items():
            found.update(
                (join_path(folder, name) if name else folder, error)
                for name, error in part.errors.items()
            )
        return found

    def roll_of(self, path: str) -> str | None:
        """The roll folder at or above `path`, if any."""
        if "" in self.rolls:
            return ""
        cut = path.find("/")
        while True:
            prefix = path if cut < 0 else path[:cut]
            if prefix in self.rolls:
                return prefix
            if cut < 0:
                return None
            cut = path.find("/", cut + 1)

    def unit_of(self, path: str) -> str:
        """What to walk again after a change at `path`: its whole roll when it lies in one;
        the folder holding it when it is an MHL or part of an ASC history (the folder may
        become a roll, or stop being one); else the entry itself (a folder with its contents)."""
        roll = self.roll_of(path)
        if roll is not None:
            return roll
        parts = path.split("/")
        if ASC_HISTORY_DIR in parts:
            return "/".join(parts[: parts.index(ASC_HISTORY_DIR)])
        if parts[-1][-4:].lower() == ".mhl":
            return "/".join(parts[:-1])
        return path

    def rescan(self, path: str) -> None:
        """Walk `path` again (a unit from `unit_of`; "" is the whole volume) and replace what
        was known at and below it. Roll parts below it are dropped until `regroup`."""
        path = self.unit_of(path) if path else path
        if not path:
            self.outside, self.rolls = scan_tree(self.root), {}
            return
        for folder in [f for f in self.rolls if _within(f, path)]:
            del self.rolls[folder]
        self.outside.forget(path)
        self.outside.absorb(scan_entry(self.root, path))

    def regroup(self, roll_folders: set[str]) -> set[str]:
        """Give each of `roll_folders` its part (and return the roll folders whose part is
        new); a part whose folder is no longer a roll goes back to the rest."""
        for folder in [f for f in self.rolls if f not in roll_folders]:
            self.outside.absorb(self.rolls.pop(folder), folder)
        missing = roll_folders - self.rolls.keys()
        if missing:
            parts, self.outside = self.outside.partition(missing)
            self.rolls.update(parts)
        return missing


def rolls_to_trust(
    verified: Iterable[str],
    restatted: Mapping[str, float],
    now: float,
    *,
    rescan_interval: float,
    restat_interval: float,
) -> set[str]:
    """The verified roll folders a full rescan may walk against their earlier parts (no stat
    for a file listed again with its inode): all but the share due for a complete stat.

    `restatted` holds when each folder's files were last all stat-ed. The longest-unstatted
    `rescan_interval / restat_interval` of the rolls are due at each rescan, and any roll
    not stat-ed for `restat_interval`, so every file is stat-ed at least that often.
    """
    if restat_interval <= rescan_interval:
        return set()
    oldest_first = sorted(verified, key=lambda folder: restatted.get(folder, -math.inf))
    share = math.ceil(len(oldest_first) * rescan_interval / restat_interval)
    return {
        folder
        for folder in oldest_first[share:]
        if now - restatted.get(folder, -math.inf) < restat_interval
    }


def unaccounted(
    scan: TreeScan, roll_folders: set[str], not_media: frozenset[str] | set[str]
) -> list[str]:
    """What on a volume lies outside every roll: the top-most unknown folders (ending in `/`)
    and stray files, hidden/system files and `not_media` folders (e.g. Reports) excepted.

    `scan` may be the whole volume or only what lies outside the roll folders (`VolumeScan`'s
    rest, which is far smaller). Erasing the drive would destroy these, and nothing has backed
    them up.
    """
    ancestors = {
        "/".join(r.split("/")[:depth]) for r in roll_folders for depth in range(1, r.count("/") + 1)
    }
    known: dict[str, bool] = {}

    def inside_known(path: str) -> bool:
        """Whether `path` is a roll folder, a not-media folder, or below one (per folder,
        remembered: the files of one folder share the answer)."""
        if not path:
            return False
        if path in known:
            return known[path]
        cut = path.rfind("/")
        found = (
            path in roll_folders
            or path[cut + 1 :] in not_media
            or inside_known(path[:cut] if cut >= 0 else "")
        )
        known[path] = found
        return found

    found: list[str] = []
    for folder in sorted(scan.folders):
        if is_hidden_path(folder) or folder in ancestors or inside_known(folder):
            continue
        parent = folder.rsplit("/", 1)[0] if "/" in folder else ""
        if parent and parent not in ancestors:
            continue  # inside an unknown folder already listed
        found.append(folder + "/")
    unknown = tuple(found)  # each ends in "/"
    for name in sorted(scan.files) + sorted(scan.linked_dirs) + sorted(scan.special):
        if is_hidden_path(name) or inside_known(name):
            continue
        if not name.startswith(unknown):
            found.append(name)
    return found
