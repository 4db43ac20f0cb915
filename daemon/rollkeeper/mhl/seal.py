"""Sealing a folder: writing a legacy v1.1 MHL or appending an ASC MHL generation.

Sealing hashes every media file once (several algorithms in the same pass when an ASC history
already records other kinds), refuses to overwrite anything, and refuses to extend a history that
is damaged or whose files have gone missing.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rollkeeper import __version__
from rollkeeper.core.errors import BadInputError, EnvironmentProblem
from rollkeeper.core.files import display_path, is_utf8_name
from rollkeeper.core.hidden import IGNORE_PATTERNS, is_hidden_path
from rollkeeper.fs.durable import replace_file, write_new_file
from rollkeeper.fs.fan_out import map_on_threads
from rollkeeper.fs.progress import NoProgress, Progress
from rollkeeper.fs.scan import scan_tree
from rollkeeper.mhl import ascmhl, legacy
from rollkeeper.mhl.hashing import c4_of_bytes, hash_file
from rollkeeper.mhl.model import ExpectedHash, HashAction, HashKind, MhlEntry, name_key

TOOL_NAME = "rollkeeper"
SEAL_KINDS = (HashKind.XXH64, HashKind.XXH128, HashKind.MD5)


class SealFormat:
    LEGACY = "legacy"
    ASC = "asc"


@dataclass(slots=True)
class SealResult:
    """What a seal wrote: the manifest path, how many files, and which failed verification."""

    written: Path
    file_count: int
    failed: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # symbolic links found, and not sealed


@dataclass(frozen=True, slots=True)
class _Hashed:
    path: str
    size: int
    modified: datetime
    digests: dict[HashKind, str]


def _hostname() -> str:
    return socket.gethostname() or "unknown-host"


def _username() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown-user"


@dataclass(frozen=True, slots=True)
class _Found:
    """What a folder holds to seal: media files by relative path with their sizes, and the
    symbolic links that are never sealed but must be said."""

    files: dict[str, int]
    links: list[str]


def _media_files(folder: Path, *, skip_root_mhls: bool) -> _Found:
    """Relative paths of the files to seal with their sizes; refuses unreadable folders."""
    scan = scan_tree(folder)
    if scan.errors:
        where = "; ".join(f"{display_path(k) or '.'}: {v}" for k, v in sorted(scan.errors.items()))
        raise EnvironmentProblem(
            f"{display_path(folder)}: cannot seal, some of it is unreadable ({where})"
        )
    files: dict[str, int] = {}
    links: list[str] = []
    for relative, info in scan.files.items():
        if is_hidden_path(relative):
            continue
        if info.is_symlink:
            links.append(relative)
            continue
        if skip_root_mhls and "/" not in relative and relative.lower().endswith(".mhl"):
            continue
        files[relative] = info.size
    unwritable = sorted(r for r in files if not _writable_name(r))
    if unwritable:
        names = ", ".join(repr(display_path(r)) for r in unwritable[:5])
        raise BadInputError(
            f"{display_path(folder)}: {len(unwritable)} file name(s) cannot be written in an MHL "
            f"({names}{', …' if len(unwritable) > 5 else ''}): not valid UTF-8, or holding "
            "control characters; rename them and seal again. Nothing was sealed"
        )
    return _Found(files, sorted(links))


def _writable_name(relative: str) -> bool:
    """True when an XML MHL can record `relative` so that it reads back as the same name."""
    return is_utf8_name(relative) and not any(
        ord(char) < 0x20 or char in "\x7f\ufffe\uffff" for char in relative
    )


def _hash_all(
    folder: Path, wanted: dict[str, set[HashKind]], jobs: int, shown: Progress | None
) -> list[_Hashed]:
    """Every wanted file hashed once with all its kinds, `jobs` at a time."""
    progress = shown or NoProgress()

    def one(relative: str) -> _Hashed:
        path = folder / relative
        progress.file_started(relative)
        try:
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            streamed = hash_file(path, wanted[relative], on_bytes=progress.advance)
        except OSError as err:
            raise EnvironmentProblem(
                f"{display_path(path)}: cannot be read ({err.strerror or err}); nothing was sealed"
            ) from err
        return _Hashed(relative, streamed.size, modified, streamed.digests)

    order = sorted(wanted)
    progress.begin(sum((folder / r).stat().st_size for r in order), len(order))
    try:
        return map_on_threads(one, order, jobs=jobs, name="seal")
    finally:
        progress.end()


def seal_legacy(
    folder: Path,
    kind: HashKind = HashKind.XXH64,
    *,
    jobs: int = 2,
    progress: Progress | None = None,
) -> SealResult:
    """Write `<folder>_<YYYY-MM-DD>_<HHMMSS>.mhl` (v1.1) listing every media file of `folder`."""
    if kind not in legacy.WRITABLE_ELEMENTS:
        raise BadInputError(
            f"a legacy MHL cannot hold {kind} hashes; use --format asc, or --hash xxh64|md5"
        )
    started = datetime.now(UTC)
    found = _media_files(folder, skip_root_mhls=True)
    files = found.files
    if not files:
        raise BadInputError(f"{display_path(folder)}: holds no media files to seal")
    backslashed = sorted(r for r in files if "\\" in r)
    if backslashed:
        names = ", ".join(repr(display_path(r)) for r in backslashed[:5])
        raise BadInputError(
            f"{display_path(folder)}: a legacy MHL cannot record names holding '\\' (readers take "
            f"it for a Windows separator): {names}; use --format asc, or rename them. Nothing was "
            "sealed"
        )
    hashed = _hash_all(folder, {r: {kind} for r in files}, jobs, progress)
    finished = datetime.now(UTC)
    data = legacy.render_legacy(
        [(h.path, h.size, h.modified, h.digests) for h in hashed],
        username=_username(),
        hostname=_hostname(),
        tool=f"{TOOL_NAME} {__version__}",
        started=started,
        finished=finished,
    )
    target = folder / f"{folder.name}_{finished.strftime('%Y-%m-%d_%H%M%S')}.mhl"
    _write_new(target, data, "; not overwritten")
    return SealResult(target, len(hashed), links=found.links)


def seal_asc(
    folder: Path,
    kind: HashKind = HashKind.XXH64,
    *,
    jobs: int = 2,
    progress: Progress | None = None,
) -> SealResult:
    """Append a generation to `folder/ascmhl/` (creating the history if there is none).

    Files already recorded are re-hashed with every kind the history holds for them plus `kind`,
    in one pass, and recorded `verified` or `failed` by their last record that was not `failed`
    (a file only ever recorded failed stays failed); new files are recorded `original`.
    """
    created = datetime.now(UTC)
    history_dir = folder / ascmhl.HISTORY_DIR
    previous = ascmhl.read_history(folder) if history_dir.is_dir() else None
    known = previous.entries if previous else {}
    last_good = previous.last_good if previous else {}
    found = _media_files(folder, skip_root_mhls=False)
    on_disk = {name_key(r): r for r in found.files}
    _refuse_missing(folder, known, on_disk)
    wanted = {r: _kinds_wanted(kind, known.get(k), last_good.get(k)) for k, r in on_disk.items()}
    hashed = _hash_all(folder, wanted, jobs, progress)
    records, failed = _generation_records(hashed, known, last_good)
    chain = list(previous.chain) if previous else []
    sequence = _next_sequence(previous)
    name = ascmhl.generation_file_name(sequence, folder.name, created)
    data = ascmhl.render_generation(
        records,
        hostname=_hostname(),
        tool=TOOL_NAME,
        tool_version=__version__,
        created=created,
        ignore_patterns=_ignore_patterns(previous),
    )
    history_dir.mkdir(exist_ok=True)
    _write_new(history_dir / name, data)
    chain.append(ascmhl.ChainLink(sequence, name, c4_of_bytes(data)))
    replace_file(history_dir / ascmhl.CHAIN_FILE, ascmhl.render_chain(chain))
    return SealResult(history_dir / name, len(records), failed, found.links)


def _write_new(path: Path, data: bytes, refusal: str = "") -> None:
    """Write the sealed MHL as a new file: an MHL already there is never overwritten."""
    try:
        write_new_file(path, data)
    except FileExistsError as err:
        raise BadInputError(f"{display_path(path)} already exists{refusal}") from err


def _refuse_missing(
    folder: Path, known: Mapping[str, MhlEntry], on_disk: Mapping[str, str]
) -> None:
    """A history whose recorded files are gone is not extended: that would hide the loss."""
    missing = sorted(
        e.path for key, e in known.items() if key not in on_disk and not is_hidden_path(e.path)
    )
    if missing:
        raise BadInputError(
            f"{display_path(folder)}: {len(missing)} file(s) recorded in the ASC MHL history are "
            f"missing ({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''}); no "
            "generation was written"
        )


def _kinds_wanted(kind: HashKind, *records: MhlEntry | None) -> set[HashKind]:
    """The new kind, and every kind the history already holds for the file."""
    return {kind}.union(*({h.kind for h in r.hashes} for r in records if r is not None))


def _generation_records(
    hashed: list[_Hashed], known: Mapping[str, MhlEntry], last_good: Mapping[str, MhlEntry]
) -> tuple[list[ascmhl.GenerationRecord], list[str]]:
    """Each file's record in the new generation (original, verified or failed), and the failed."""
    records: list[ascmhl.GenerationRecord] = []
    failed: list[str] = []
    for item in hashed:
        prior = known.get(name_key(item.path))
        reference = last_good.get(name_key(item.path))
        expected = {h.kind: h.value for h in reference.hashes} if reference else {}
        good = prior is None or (
            reference is not None and all(item.digests[k] == v for k, v in expected.items())
        )
        if not good:
            failed.append(item.path)
        action = (
            HashAction.ORIGINAL
            if prior is None
            else HashAction.VERIFIED
            if good
            else HashAction.FAILED
        )
        hashes = tuple(ExpectedHash(k, value, action) for k, value in item.digests.items())
        records.append(ascmhl.GenerationRecord(item.path, item.size, item.modified, hashes))
    return records, failed


def _ignore_patterns(previous: ascmhl.History | None) -> list[str]:
    patterns = list(ascmhl.DEFAULT_IGNORES)
    for pattern in (*IGNORE_PATTERNS, *(previous.ignore_patterns if previous else [])):
        if pattern not in patterns:
            patterns.append(pattern)
    return patterns


def _next_sequence(previous: ascmhl.History | None) -> int:
    """One past the highest generation the chain or the history folder knows."""
    if previous is None:
        return 1
    numbers = [link.sequence for link in previous.chain]
    numbers += [int(p.name.split("_", 1)[0]) for p in previous.generations]
    return max(numbers, default=0) + 1
