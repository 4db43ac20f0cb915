"""Assembling everything the MHLs of one roll promise into a single `RollManifest`.

A roll folder may hold several legacy MHLs, an ASC history, or both, and nested folders may carry
their own. A file belongs to the nearest folder whose MHLs record it; MHLs of the same folder must
agree, or the roll cannot be verified at all.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rollkeeper.core.errors import MhlError
from rollkeeper.core.files import ASC_HISTORY_DIR, display_path, is_mhl_file_name
from rollkeeper.fs.scan import TreeScan
from rollkeeper.mhl.legacy import read_legacy
from rollkeeper.mhl.model import ExpectedHash, MhlEntry, RollManifest, SourceFormat


def _depth(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0


def _disagreement(first: MhlEntry, second: MhlEntry) -> str | None:
    if first.size is not None and second.size is not None and first.size != second.size:
        return f"size {first.size} vs {second.size}"
    theirs = {h.kind: h.value for h in second.hashes}
    for mine in first.hashes:
        if mine.kind in theirs and theirs[mine.kind] != mine.value:
            return f"{mine.kind} {mine.value} vs {theirs[mine.kind]}"
    return None


def _merge(entries: dict[str, MhlEntry], entry: MhlEntry, folder: Path) -> None:
    """Add `entry`; a second record of the same file must agree and contributes its hashes."""
    existing = entries.get(entry.key)
    if existing is None:
        entries[entry.key] = entry
        return
    problem = _disagreement(existing, entry)
    if problem is not None:
        raise MhlError(
            str(folder),
            f"{existing.mhl_file.name} and {entry.mhl_file.name} disagree about "
            f"{entry.path!r} ({problem}); the roll cannot be verified until one is removed",
        )
    kinds = {h.kind for h in existing.hashes}
    extra: tuple[ExpectedHash, ...] = tuple(h for h in entry.hashes if h.kind not in kinds)
    entries[entry.key] = replace(
        existing,
        size=existing.size if existing.size is not None else entry.size,
        hashes=existing.hashes + extra,
        known_bad=existing.known_bad or entry.known_bad,
    )


def _reroot_pattern(prefix: str, pattern: str) -> str:
    """A nested history's gitignore pattern, relative to the roll and still confined to its folder.

    A pattern without an inner `/` matches at any depth below the history's folder, never beside it.
    """
    if not prefix:
        return pattern
    negation = "!" if pattern.startswith("!") else ""
    body = pattern[len(negation) :]
    if "/" in body.rstrip("/"):
        return f"{negation}{prefix}{body.lstrip('/')}"
    return f"{negation}{prefix}**/{body}"


def _read_folder(scan: TreeScan, folder: str, manifest: RollManifest) -> dict[str, MhlEntry]:
    """Entries promised by the MHLs directly in `folder`, paths relative to `folder`."""
    location = scan.root / folder if folder else scan.root
    entries: dict[str, MhlEntry] = {}
    prefix = f"{folder}/" if folder else ""
    legacy_files = sorted(
        name
        for name in scan.files
        if name.startswith(prefix)
        and "/" not in name[len(prefix) :]
        and is_mhl_file_name(name[len(prefix) :])
    )
    for name in legacy_files:
        if scan.files[name].is_symlink:  # it could lead anywhere: never read through a link
            manifest.warnings.append(
                f"{display_path(scan.root / name)}: is a symlink; MHLs are never read through "
                "links, so it was not read"
            )
            continue
        mhl_path = scan.root / name
        found, warnings = read_legacy(mhl_path)
        manifest.mhl_files.append(mhl_path)
        manifest.formats.add(SourceFormat.LEGACY)
        manifest.warnings.extend(warnings)
        for entry in found:
            _merge(entries, entry, location)
    history_dir = location / ASC_HISTORY_DIR
    if history_dir.is_dir() and not history_dir.is_symlink():
        from rollkeeper.mhl.ascmhl import read_history  # a legacy-only roll never needs it

        history = read_history(location)
        manifest.mhl_files.extend(history.generations)
        manifest.formats.add(SourceFormat.ASC)
        manifest.warnings.extend(history.warnings)
        for pattern in history.ignore_patterns:
            rerooted = _reroot_pattern(prefix, pattern)
            if rerooted not in manifest.ignore_patterns:
                manifest.ignore_patterns.append(rerooted)
        for entry in history.entries.values():
            _merge(entries, entry, location)
    return entries


def load_roll_manifest(scan: TreeScan) -> RollManifest:
    """Read every MHL of the roll scanned by `scan` (rooted at the roll folder)."""
    manifest = RollManifest(root=scan.root)
    for folder in sorted(scan.mhl_folders, key=lambda f: (_depth(f), f)):
        prefix = f"{folder}/" if folder else ""
        for entry in _read_folder(scan, folder, manifest).values():
            rerooted = replace(entry, path=prefix + entry.path) if prefix else entry
            manifest.entries[rerooted.key] = rerooted  # deeper folders override shallower ones
    if not manifest.mhl_files:
        raise MhlError(str(scan.root), "holds no MHL")
    return manifest
