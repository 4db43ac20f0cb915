"""Verifying rolls against their MHLs: every listed file read once, in parallel, and judged.

`plan_roll` is the pure part: from a roll's manifest and its scan it decides each file's fate
without reading content (missing, wrong size, collisions, extras, ignored). `verify_path` then
hashes what remains on a bounded thread pool (python-xxhash and hashlib release the GIL) and
assembles a verdict per roll.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from rollkeeper.core.errors import BadInputError, MhlError
from rollkeeper.core.files import display_path, is_utf8_name
from rollkeeper.core.hidden import is_hidden_path
from rollkeeper.fs.fan_out import map_on_threads
from rollkeeper.fs.progress import NoProgress, Progress
from rollkeeper.fs.scan import TreeScan, scan_tree
from rollkeeper.mhl.hashing import hash_file
from rollkeeper.mhl.manifest import load_roll_manifest
from rollkeeper.mhl.model import HashKind, MhlEntry, RollManifest, name_key


class FileStatus(StrEnum):
    """The fate of one file (JSON schema `rollkeeper.verify/1`, `files[].status`)."""

    OK = "ok"
    MISMATCH = "mismatch"
    MISSING = "missing"
    SIZE_DIFFERS = "size_differs"
    UNREADABLE = "unreadable"
    KNOWN_BAD = "known_bad"
    NAME_COLLISION = "name_collision"
    EXTRA = "extra"
    IGNORED = "ignored"


#: Statuses that make a roll fail. An extra is reported but never fails the roll itself: the
#: MHL's content is what the card held (FORMATS.md §3).
FAILING = frozenset(
    {
        FileStatus.MISMATCH,
        FileStatus.MISSING,
        FileStatus.SIZE_DIFFERS,
        FileStatus.UNREADABLE,
        FileStatus.KNOWN_BAD,
        FileStatus.NAME_COLLISION,
    }
)


class RollVerdict(StrEnum):
    VERIFIED = "verified"  # every listed file is present with its listed size and hashes
    FAILED = "failed"  # at least one listed file is not what the MHL promises
    INVALID = "invalid"  # the MHLs themselves cannot be read or trusted


@dataclass(slots=True)
class FileResult:
    """One file's verdict. `path` is as the MHL writes it (for extras: as on disk)."""

    path: str
    status: FileStatus
    expected_size: int | None = None
    actual_size: int | None = None
    expected: dict[HashKind, str] = field(default_factory=dict)
    actual: dict[HashKind, str] = field(default_factory=dict)
    detail: str | None = None
    disk_name: str | None = None  # the name on disk, when it differs from the MHL's spelling


@dataclass(slots=True)
class RollResult:
    """A roll's verdict with every file's result, in MHL order then extras."""

    root: Path
    verdict: RollVerdict
    files: list[FileResult] = field(default_factory=list)
    manifest: RollManifest | None = None
    error: str | None = None
    bytes_hashed: int = 0
    seconds: float = 0.0

    def count(self, status: FileStatus) -> int:
        return sum(1 for f in self.files if f.status is status)


@dataclass(frozen=True, slots=True)
class HashTask:
    """A file that passed every cheap check and must now be read and hashed."""

    result: FileResult
    entry: MhlEntry
    disk_path: Path


@dataclass(slots=True)
class RollPlan:
    """A roll's results so far plus the files still to hash."""

    result: RollResult
    tasks: list[HashTask] = field(default_factory=list)


def roll_roots(scan: TreeScan) -> list[str]:
    """The outermost folders holding an MHL: each is one roll (nested MHLs belong to it).

    Hidden and system folders below the scanned one (`.Trashes`, `.TemporaryItems`, …) hold no
    rolls: a deleted copy of a roll there must not fail the volume.
    """
    roots: list[str] = []
    for folder in sorted(scan.mhl_folders, key=lambda f: (f.count("/"), f)):
        if folder and is_hidden_path(folder):
            continue
        if not any(folder == r or folder.startswith(r + "/") or r == "" for r in roots):
            roots.append(folder)
    return roots


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


class _Resolver:
    """Finds the file on disk for an MHL entry, refusing anything that leaves the roll."""

    def __init__(self, scan: TreeScan) -> None:
        self.scan = scan
        self.real_root = Path(os.path.realpath(scan.root))
        self.by_key: dict[str, list[str]] = {}
        for relative in scan.files:
            self.by_key.setdefault(name_key(relative), []).append(relative)
        self.special_by_key = {name_key(relative): relative for relative in scan.special}

    def through_link(self, relative: str, result: FileResult) -> Path | None:
        """The real path behind a symlinked entry when it stays inside the roll."""
        target = Path(os.path.realpath(self.scan.root / relative))
        if not _inside(target, self.real_root):
            result.status = FileStatus.UNREADABLE
            # the scan's size is the link's own, and the target is not the roll's to stat
            result.actual_size = None
            result.detail = (
                f"reached through a symlink that leaves the roll (to {display_path(target)}); "
                "not read"
            )
            return None
        try:
            result.actual_size = target.stat().st_size
        except OSError as err:
            result.status = FileStatus.UNREADABLE
            result.detail = err.strerror or str(err)
            return None
        if not target.is_file():
            result.status = FileStatus.UNREADABLE
            result.detail = "is not a regular file"
            return None
        return target

    def uncatalogued(self, entry: MhlEntry, result: FileResult) -> Path | None:
        """An entry the scan did not list: missing, a folder, unreadable, or behind a link."""
        special = self.special_by_key.get(entry.key)
        if special is not None:
            result.status = FileStatus.UNREADABLE
            result.detail = "is not a regular file (a FIFO, socket or device); not read"
            if special != entry.path:
                result.disk_name = display_path(special)
            return None
        parts = entry.path.split("/")
        for depth in range(len(parts)):
            prefix = "/".join(parts[:depth])
            if prefix in self.scan.errors:
                result.status = FileStatus.UNREADABLE
                where = display_path(prefix) or "the roll folder"
                result.detail = f"{where} cannot be read: {self.scan.errors[prefix]}"
                return None
            linked_file = prefix in self.scan.files and self.scan.files[prefix].is_symlink
            if depth and (prefix in self.scan.linked_dirs or linked_file):
                # a link to a folder, or one that cannot be resolved (a loop, a dangling link)
                return self.through_link(entry.path, result)
        if (self.scan.root / entry.path).is_dir():
            result.status = FileStatus.UNREADABLE
            result.detail = "is a directory, not a file"
            return None
        result.status = FileStatus.MISSING
        return None


def _judged_by_name(entry: MhlEntry, candidates: list[str], result: FileResult) -> bool:
    """Settle a file that needs no reading: hidden, known bad, or ambiguous on disk."""
    if is_hidden_path(entry.path):
        result.status = FileStatus.IGNORED
        result.detail = "hidden or system file; never fails a roll"
        return True
    if entry.known_bad:
        result.status = FileStatus.KNOWN_BAD
        result.detail = "the newest ASC MHL generation records this file as failed"
        return True
    if len(candidates) > 1:
        result.status = FileStatus.NAME_COLLISION
        # ascii() shows how the spellings differ (e.g. 'caf\xe9' vs 'cafe\u0301')
        names = ", ".join(ascii(display_path(c)) for c in sorted(candidates))
        result.detail = f"several files on disk are this name after Unicode normalisation: {names}"
        return True
    return False


def _locate(
    entry: MhlEntry, candidates: list[str], result: FileResult, scan: TreeScan, resolver: _Resolver
) -> Path | None:
    """Where the listed file is to be read, with its size noted; None when it cannot be read."""
    if not candidates:
        return resolver.uncatalogued(entry, result)
    relative = candidates[0]
    if relative != entry.path:
        result.disk_name = display_path(relative)
    info = scan.files[relative]
    result.actual_size = info.size
    return resolver.through_link(relative, result) if info.is_symlink else scan.root / relative


def plan_roll(manifest: RollManifest, scan: TreeScan) -> RollPlan:
    """Judge every file of the roll as far as names and sizes allow; list the rest to hash."""
    plan = RollPlan(RollResult(scan.root, RollVerdict.VERIFIED, manifest=manifest))
    resolver = _Resolver(scan)
    matched: set[str] = set()
    for entry in manifest.entries.values():
        result = FileResult(
            entry.path,
            FileStatus.OK,
            expected_size=entry.size,
            expected={h.kind: h.value for h in entry.hashes},
        )
        plan.result.files.append(result)
        candidates = resolver.by_key.get(entry.key, [])
        matched.update(candidates)
        if entry.key in resolver.special_by_key:
            matched.add(resolver.special_by_key[entry.key])
        if _judged_by_name(entry, candidates, result):
            continue
        disk_path = _locate(entry, candidates, result, scan, resolver)
        if disk_path is None:
            continue
        if entry.size is not None and result.actual_size != entry.size:
            result.status = FileStatus.SIZE_DIFFERS
            continue
        if entry.hashes:
            plan.tasks.append(HashTask(result, entry, disk_path))
    plan.result.files.extend(_unlisted(manifest, scan, matched))
    return plan


def _ignore_matcher(patterns: list[str]) -> Callable[[str], bool]:
    """Whether a path matches the ASC MHL ignore list. pathspec (~20 ms to import) is imported
    only for a roll that has such a list: a legacy MHL has none."""
    if not patterns:
        return lambda _relative: False
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns).match_file


def _unlisted(manifest: RollManifest, scan: TreeScan, matched: set[str]) -> Iterable[FileResult]:
    """Files on disk that no MHL lists: ignored (hidden, or an ASC ignore pattern) or extra."""
    ignored = _ignore_matcher(manifest.ignore_patterns)
    manifests = {str(p.relative_to(scan.root)) for p in manifest.mhl_files}
    for relative in sorted(set(scan.files) - matched - manifests):
        shown = display_path(relative)
        if is_hidden_path(relative):
            yield FileResult(shown, FileStatus.IGNORED, detail="hidden or system file")
        elif is_utf8_name(relative) and ignored(relative):
            yield FileResult(shown, FileStatus.IGNORED, detail="matches the ASC MHL ignore list")
        elif scan.files[relative].is_symlink:  # its size is the link's own; never followed
            yield FileResult(shown, FileStatus.EXTRA, detail="symlink; not followed")
        else:
            detail = None if is_utf8_name(relative) else "name is not valid UTF-8"
            yield FileResult(
                shown, FileStatus.EXTRA, actual_size=scan.files[relative].size, detail=detail
            )
    for relative in sorted(scan.linked_dirs):
        if not is_hidden_path(relative):
            yield FileResult(
                display_path(relative), FileStatus.EXTRA, detail="symlink to a folder; not followed"
            )
    for relative in sorted(scan.special - matched):
        yield FileResult(display_path(relative), FileStatus.EXTRA, detail="not a regular file")


def _hash_one(task: HashTask, progress: Progress) -> int:
    """Read one file once, compare every hash its entry carries; returns bytes read."""
    result = task.result
    progress.file_started(result.path)
    try:
        streamed = hash_file(task.disk_path, result.expected, on_bytes=progress.advance)
    except OSError as err:
        result.status = FileStatus.UNREADABLE
        result.detail = err.strerror or str(err)
        return 0
    result.actual = streamed.digests
    if task.entry.size is not None and streamed.size != task.entry.size:
        result.status = FileStatus.SIZE_DIFFERS
        result.actual_size = streamed.size
        result.detail = "the file changed size while it was being read"
    elif any(streamed.digests[kind] != value for kind, value in result.expected.items()):
        result.status = FileStatus.MISMATCH
    return streamed.size


def settle_verdict(result: RollResult) -> None:
    """Set a roll's verdict from its files (unless its MHL was already found invalid)."""
    if result.verdict is not RollVerdict.INVALID:
        failing = any(f.status in FAILING for f in result.files)
        result.verdict = RollVerdict.FAILED if failing else RollVerdict.VERIFIED


def verify_plans(plans: list[RollPlan], *, jobs: int, progress: Progress) -> None:
    """Hash every planned file across all rolls on `jobs` threads, largest files first."""
    tasks = sorted(
        (task for plan in plans for task in plan.tasks),
        key=lambda t: t.result.expected_size or 0,
        reverse=True,
    )
    progress.begin(sum(t.result.expected_size or 0 for t in tasks), len(tasks))
    owner = {id(task): plan for plan in plans for task in plan.tasks}
    started = time.monotonic()
    try:
        counts = map_on_threads(lambda t: _hash_one(t, progress), tasks, jobs=jobs, name="hash")
        for task, count in zip(tasks, counts, strict=True):
            owner[id(task)].result.bytes_hashed += count
    finally:
        progress.end()
    elapsed = time.monotonic() - started
    for plan in plans:
        plan.result.seconds = elapsed
        settle_verdict(plan.result)


def verify_path(path: Path, *, jobs: int = 2, progress: Progress | None = None) -> list[RollResult]:
    """Verify every roll at or below `path` (a roll, a shoot day or a whole volume)."""
    if not path.exists():
        raise BadInputError(f"{display_path(path)}: no such file or folder")
    if path.is_file():
        path = path.parent
    scan = scan_tree(path)
    if "" in scan.errors:
        raise BadInputError(f"{display_path(path)}: cannot be read: {scan.errors['']}")
    roots = roll_roots(scan)
    if not roots:
        raise BadInputError(
            f"{display_path(path)}: no MHL found here or below (looked for *.mhl files and "
            "ascmhl/ folders)"
        )
    plans: list[RollPlan] = []
    results: list[RollResult] = []
    parts = scan.split(roots)
    for root in roots:
        roll_scan = parts[root]
        try:
            manifest = load_roll_manifest(roll_scan)
        except MhlError as err:
            results.append(RollResult(roll_scan.root, RollVerdict.INVALID, error=str(err)))
            continue
        plan = plan_roll(manifest, roll_scan)
        plans.append(plan)
        results.append(plan.result)
    verify_plans(plans, jobs=jobs, progress=progress or NoProgress())
    return results
