"""One walk over a folder tree: every file with its size and identity, never following links.

Verification, roll discovery and (later) volume watching all start from this inventory, so a tree
is walked once per pass and a symlink loop or an unreadable folder is reported, not fatal.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from daemon.hidden import is_hidden_name, is_hidden_path

ASC_HISTORY_DIR = "ascmhl"


def is_mhl_file_name(name: str) -> bool:
    """A legacy MHL manifest by its name (`.mhl`, any case), hidden AppleDouble twins excluded."""
    return name.lower().endswith(".mhl") and not is_hidden_name(name)


def display_path(path: str | Path) -> str:
    """A path as a person should read it: names that are not UTF-8 show their bytes as `\\xNN`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_utf8_name(path: str) -> bool:
    """False when a name on disk is not valid UTF-8 (it then holds surrogate escapes)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class FileInfo:
    """A file as the scan saw it. `is_symlink` entries were not followed."""

    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int = 0  # changes on every write or metadata change; copy tools cannot set it
    is_symlink: bool = False


@dataclass(slots=True)
class TreeScan:
    """The inventory of a tree: files by `/`-separated path relative to `root`.

    `mhl_folders` are folders (relative, "" for the root) that directly hold a legacy `.mhl` or an
    `ascmhl/` history; `linked_dirs` are symlinks to folders (not entered); `errors` maps a
    relative folder to the OS error that kept the scan out of it.
    """

    root: Path
    files: dict[str, FileInfo] = field(default_factory=dict)
    mhl_folders: set[str] = field(default_factory=set)
    linked_dirs: set[str] = field(default_factory=set)
    special: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)

    def under(self, folder: str) -> TreeScan:
        """The part of this scan inside `folder`, re-rooted there."""
        return self.split([folder])[folder] if folder else self

    def split(self, folders: Iterable[str]) -> dict[str, TreeScan]:
        """The parts of this scan inside each of `folders`, re-rooted there, in one pass.

        Everything is assigned to the outermost of `folders` that contains it, so the cost is
        the size of the scan times its depth, however many folders are asked for.
        """
        wanted = set(folders)
        parts = {f: TreeScan(self.root / f if f else self.root) for f in wanted}

        def owner(path: str) -> tuple[TreeScan, str] | None:
            if "" in wanted:
                return parts[""], path
            cut = path.find("/")
            while True:
                prefix = path if cut < 0 else path[:cut]
                if prefix in wanted:
                    return parts[prefix], path[len(prefix) + 1 :]
                if cut < 0:
                    return None
                cut = path.find("/", cut + 1)

        for name, info in self.files.items():
            if found := owner(name):
                found[0].files[found[1]] = info
        for source, target in (
            (self.mhl_folders, "mhl_folders"),
            (self.linked_dirs, "linked_dirs"),
            (self.special, "special"),
            (self.folders, "folders"),
        ):
            for name in source:
                if found := owner(name):
                    getattr(found[0], target).add(found[1])
        for name, error in self.errors.items():
            if found := owner(name):
                found[0].errors[found[1]] = error
        return parts


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def scan_tree(root: Path) -> TreeScan:
    """Walk `root` without following symlinks; contents of `ascmhl/` folders are not listed."""
    scan = TreeScan(root)
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(root / folder if folder else root) as entries:
                for entry in entries:
                    _record(scan, folder, entry, pending)
        except OSError as err:
            scan.errors[folder] = err.strerror or str(err)
    return scan


def _record(scan: TreeScan, folder: str, entry: os.DirEntry[str], pending: list[str]) -> None:
    relative = _join(folder, entry.name)
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError as err:
        scan.errors[relative] = err.strerror or str(err)
        return
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        if entry.name == ASC_HISTORY_DIR:
            scan.mhl_folders.add(folder)
        else:
            scan.folders.add(relative)
            pending.append(relative)
    elif stat.S_ISREG(mode):
        scan.files[relative] = FileInfo(
            info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns
        )
        if is_mhl_file_name(entry.name):
            scan.mhl_folders.add(folder)
    elif stat.S_ISLNK(mode):
        try:
            target_is_dir = entry.is_dir(follow_symlinks=True)
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


def unaccounted(
    scan: TreeScan, roll_folders: set[str], not_media: frozenset[str] | set[str]
) -> list[str]:
    """What on a volume lies outside every roll: the top-most unknown folders (ending in `/`)
    and stray files, hidden/system files and `not_media` folders (e.g. Reports) excepted.

    Erasing the drive would destroy these, and nothing has backed them up.
    """
    ancestors = {
        "/".join(r.split("/")[:depth]) for r in roll_folders for depth in range(1, r.count("/") + 1)
    }

    def inside_known(path: str) -> bool:
        parts = path.split("/")
        prefixes = ("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
        return any(p in roll_folders or p.rsplit("/", 1)[-1] in not_media for p in prefixes)

    found: list[str] = []
    for folder in sorted(scan.folders):
        if is_hidden_path(folder) or folder in ancestors or inside_known(folder):
            continue
        parent = folder.rsplit("/", 1)[0] if "/" in folder else ""
        if parent and parent not in ancestors:
            continue  # inside an unknown folder already listed
        found.append(folder + "/")
    unknown = tuple(f[:-1] for f in found)
    for name in sorted(scan.files) + sorted(scan.linked_dirs) + sorted(scan.special):
        if is_hidden_path(name) or inside_known(name):
            continue
        if any(name.startswith(u + "/") for u in unknown):
            continue
        found.append(name)
    return found
