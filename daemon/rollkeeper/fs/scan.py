"""One walk over a folder tree: every file with its size and identity, never following links.

Verification, roll discovery and volume watching all start from this inventory, so a tree is
walked once per pass and a symlink loop or an unreadable folder is reported, not fatal. The
daemon's inventory of a whole volume, kept between scans, is `fs.volume_scan`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from rollkeeper.core.files import ASC_HISTORY_DIR, MHL_SUFFIXES, FileInfo, is_mhl_file_name
from rollkeeper.core.hidden import is_hidden_name


def join_path(folder: str, name: str) -> str:
    """`name` inside the relative `folder` ("" is the root)."""
    return f"{folder}/{name}" if folder else name


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


def scan_apart(root: Path, apart: AbstractSet[str], found: list[str]) -> TreeScan:
    """`scan_tree` of all of `root`, except that folders named in `apart` are not entered but
    appended to `found` (to be walked on their own)."""
    return _walk(root, "", apart, found)


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
    base = os.fspath(root)
    pending = [under]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(f"{base}/{folder}" if folder else base) as entries:
                _list(scan, folder, entries, pending, apart, found, trusted)
        except OSError as err:
            scan.errors[folder] = err.strerror or str(err)
    return scan


def _list(
    scan: TreeScan,
    folder: str,
    entries: Iterator[os.DirEntry[str]],
    pending: list[str],
    apart: AbstractSet[str],
    found: list[str],
    trusted: Mapping[str, FileInfo] | None,
) -> None:
    """Record the `entries` of one listed `folder` in `scan`; its subfolders go on `pending`
    (or, named in `apart`, on `found`). One call per folder: the loop below runs per file."""
    files, folders, errors = scan.files, scan.folders, scan.errors
    mhl_folders, mhl_files = scan.mhl_folders, scan.mhl_files
    make = tuple.__new__
    prefix = folder + "/" if folder else ""
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
                    (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns, False),
                )
                continue
            info = entry.stat(follow_symlinks=False)
        except OSError as err:
            errors[prefix + name] = err.strerror or str(err)
            continue
        _record_other(scan, folder, name, info)


def _record_other(scan: TreeScan, folder: str, name: str, info: os.stat_result) -> None:
    """An entry that is neither a folder nor a regular file as listed: a link or a special file
    (or, where the listing gives no type, anything: decided by its stat)."""
    relative = join_path(folder, name)
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
