"""One walk over a folder tree: every file with its size and identity, never following links.

Verification, roll discovery and volume watching all start from this inventory, so a tree is
walked once per pass and a symlink loop or an unreadable folder is reported, not fatal. The
daemon keeps a volume's inventory between scans (`VolumeScan`) and, after a change event, looks
again only at the part of the volume the event concerns.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from rollkeeper.core.files import ASC_HISTORY_DIR, MHL_SUFFIXES, FileInfo, is_mhl_file_name
from rollkeeper.core.hidden import is_hidden_name, is_hidden_path


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _within(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or lies below it ("" holds everything)."""
    return not folder or path == folder or path.startswith(folder + "/")


@dataclass(slots=True)
class TreeScan:
    """The inventory of a tree: files by `/`-separated path relative to `root`.

    `mhl_folders` are folders (relative, "" for the root) that directly hold a legacy `.mhl` or an
    `ascmhl/` history, `mhl_files` those legacy MHLs; `linked_dirs` are symlinks to folders
    (not entered); `errors` maps a relative folder to the OS error that kept the scan out of it.
    """

    root: Path
    files: dict[str, FileInfo] = field(default_factory=dict)
    mhl_folders: set[str] = field(default_factory=set)
    linked_dirs: set[str] = field(default_factory=set)
    special: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)
    mhl_files: set[str] = field(default_factory=set)

    def under(self, folder: str) -> TreeScan:
        """The part of this scan inside `folder`, re-rooted there."""
        return self.split([folder])[folder] if folder else self

    def split(self, folders: Iterable[str]) -> dict[str, TreeScan]:
        """The parts of this scan inside each of `folders`, re-rooted there, in one pass.

        Everything is assigned to the outermost of `folders` that contains it.
        """
        return self.partition(folders)[0]

    def partition(self, folders: Iterable[str]) -> tuple[dict[str, TreeScan], TreeScan]:
        """`split`, plus what lies in none of `folders` (paths still relative to `root`).

        Whom a folder belongs to is decided once per folder and remembered, so a file costs a
        dictionary lookup of its parent folder, however deep it is and however many folders
        are asked for.
        """
        wanted = set(folders)
        parts = {f: TreeScan(self.root / f if f else self.root) for f in wanted}
        rest = TreeScan(self.root)
        owners: dict[str, str | None] = {"": "" if "" in wanted else None}

        def owner(path: str) -> str | None:
            """The outermost wanted folder at or above `path`."""
            if path in owners:
                return owners[path]
            cut = path.rfind("/")
            above = owner(path[:cut] if cut >= 0 else "")
            found = above if above is not None else (path if path in wanted else None)
            owners[path] = found
            return found

        rest_files = rest.files
        for name, info in self.files.items():
            cut = name.rfind("/")
            folder = name[:cut] if cut >= 0 else ""
            found = owners[folder] if folder in owners else owner(folder)
            if found is None:
                rest_files[name] = info
            else:
                parts[found].files[name[len(found) + 1 :] if found else name] = info
        for field_name in _PATH_SETS:
            for name in _paths(self, field_name):
                found = owner(name)
                if found is None:
                    _paths(rest, field_name).add(name)
                else:
                    _paths(parts[found], field_name).add(name[len(found) + 1 :] if found else name)
        for name, error in self.errors.items():
            found = owner(name)
            if found is None:
                rest.errors[name] = error
            else:
                parts[found].errors[name[len(found) + 1 :] if found else name] = error
        return parts, rest

    def absorb(self, other: TreeScan, folder: str = "") -> None:
        """Add everything of `other` (a scan rooted at `folder` below this one's root)."""
        if not folder:
            self.files.update(other.files)
            self.errors.update(other.errors)
            for field_name in _PATH_SETS:
                _paths(self, field_name).update(_paths(other, field_name))
            return
        prefix = folder + "/"
        self.files.update((prefix + name, info) for name, info in other.files.items())
        self.errors.update(
            (prefix + name if name else folder, error) for name, error in other.errors.items()
        )
        for field_name in _PATH_SETS:
            _paths(self, field_name).update(
                prefix + name if name else folder for name in _paths(other, field_name)
            )

    def forget(self, path: str) -> None:
        """Drop everything at or below `path` ("" empties the scan)."""
        prefix = path + "/"

        def kept(name: str) -> bool:
            return bool(path) and name != path and not name.startswith(prefix)

        self.files = {name: info for name, info in self.files.items() if kept(name)}
        self.errors = {name: error for name, error in self.errors.items() if kept(name)}
        for field_name in _PATH_SETS:
            setattr(self, field_name, {name for name in _paths(self, field_name) if kept(name)})


#: The sets of relative paths a `TreeScan` holds besides its files and errors: each is split,
#: merged and forgotten the same way.
_PATH_SETS = ("mhl_folders", "mhl_files", "linked_dirs", "special", "folders")


def _paths(scan: TreeScan, field_name: str) -> set[str]:
    paths: set[str] = getattr(scan, field_name)
    return paths


def scan_tree(
    root: Path, under: str = "", *, trusted: Mapping[str, FileInfo] | None = None
) -> TreeScan:
    """Walk `root` without following symlinks; contents of `ascmhl/` folders are not listed.

    With `under` (a relative folder) only that folder is walked, its paths still relative to
    `root`. Folder types come from the directory listing itself (no stat); only files and links
    are stat-ed, since their size and identity are what change detection compares.

    `trusted` holds what an earlier walk saw of files that nothing is expected to change (a
    verified roll): such a file, listed again under the same name with the same inode number,
    is taken as it was without a stat. MHLs are always stat-ed.
    """
    return _walk(root, under, frozenset(), [], trusted)


def _walk(
    root: Path,
    under: str,
    apart: AbstractSet[str],
    found: list[str],
    trusted: Mapping[str, FileInfo] | None = None,
) -> TreeScan:
    """`scan_tree`, except that folders named in `apart` are not entered but appended to
    `found` (to be walked on their own)."""
    scan = TreeScan(root)
    files, folders, errors = scan.files, scan.folders, scan.errors
    mhl_folders, mhl_files = scan.mhl_folders, scan.mhl_files
    make = tuple.__new__
    base = os.fspath(root)
    pending = [under]
    while pending:
        folder = pending.pop()
        prefix = folder + "/" if folder else ""
        try:
            with os.scandir(f"{base}/{folder}" if folder else base) as entries:
                for entry in entries:
                    name = entry.name
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if name == ASC_HISTORY_DIR:
                                mhl_folders.add(folder)
                            elif prefix + name in apart:
                                found.append(prefix + name)
                            else:
                                folders.add(prefix + name)
                                pending.append(prefix + name)
                            continue
                        if entry.is_file(follow_symlinks=False):
                            path = prefix + name
                            if name.endswith(MHL_SUFFIXES) and not is_hidden_name(name):
                                mhl_folders.add(folder)
                                mhl_files.add(path)
                            elif (
                                trusted is not None
                                and (seen := trusted.get(path)) is not None
                                and seen[2] == entry.inode()  # d_ino, from the listing
                            ):
                                files[path] = seen
                                continue
                            info = entry.stat(follow_symlinks=False)
                            files[path] = make(
                                FileInfo,
                                (
                                    info.st_size,
                                    info.st_mtime_ns,
                                    info.st_ino,
                                    info.st_ctime_ns,
                                    False,
                                ),
                            )
                            continue
                        info = entry.stat(follow_symlinks=False)
                    except OSError as err:
                        errors[prefix + name] = err.strerror or str(err)
                        continue
                    _record_other(scan, folder, name, info)
        except OSError as err:
            errors[folder] = err.strerror or str(err)
    return scan


def _record_other(scan: TreeScan, folder: str, name: str, info: os.stat_result) -> None:
    """An entry that is neither a folder nor a regular file as listed: a link or a special file
    (or, where the listing gives no type, anything: decided by its stat)."""
    relative = _join(folder, name)
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        if name == ASC_HISTORY_DIR:
            scan.mhl_folders.add(folder)
        else:
            scan.folders.add(relative)
            scan.absorb(scan_tree(scan.root, relative))
    elif stat.S_ISREG(mode):
        scan.files[relative] = FileInfo(
            info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns
        )
        if is_mhl_file_name(name):
            scan.mhl_folders.add(folder)
            scan.mhl_files.add(relative)
    elif stat.S_ISLNK(mode):
        try:
            target_is_dir = os.path.isdir(os.path.join(scan.root, relative))
        except OSError:
            target_is_dir = False
        if target_is_dir:
            scan.linked_dirs.add(relative)
        else:
            scan.files[relative] = FileInfo(
                info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns, is_symlink=True
            )
    else:
        scan.special.add(relative)  # sockets, FIFOs, devices: never media


def scan_entry(root: Path, path: str) -> TreeScan:
    """What is at `path` (relative to `root`) now: the entry itself and, for a folder,
    everything below it. Nothing when it is gone."""
    scan = TreeScan(root)
    if not path:
        return scan_tree(root)
    try:
        info = os.lstat(os.path.join(root, path))
    except (FileNotFoundError, NotADirectoryError):
        return scan
    except OSError as err:
        scan.errors[path] = err.strerror or str(err)
        return scan
    cut = path.rfind("/")
    _record_other(scan, path[:cut] if cut >= 0 else "", path[cut + 1 :], info)
    return scan


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
        outside = _walk(root, "", rolls, found)
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
            found.update(_join(folder, inner) if inner else folder for inner in part.mhl_folders)
        return found

    def errors(self) -> dict[str, str]:
        """Every path of the volume the scans could not read, with the OS error."""
        found = dict(self.outside.errors)
        for folder, part in self.rolls.items():
            found.update(
                (_join(folder, name) if name else folder, error)
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
