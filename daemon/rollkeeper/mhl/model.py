"""One model of "what an MHL promises" for both legacy MHL v1.x and ASC MHL v2.

Downstream code (verification, upload, clearance) sees only these types and never needs to know
which format a roll arrived with.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class HashKind(StrEnum):
    """A hash algorithm, named as ASC MHL names it. Values are canonical lower-case hex (c4: id)."""

    XXH64 = "xxh64"  # XXH64 seed 0, canonical big-endian hex (legacy xxhash64be)
    XXH32 = "xxh32"  # XXH32 seed 0, hex (legacy `xxhash`, which writes it in decimal)
    XXH3 = "xxh3"  # XXH3-64
    XXH128 = "xxh128"  # XXH3-128
    MD5 = "md5"
    SHA1 = "sha1"
    C4 = "c4"  # SHA-512 in base58, "c4"-prefixed


class SourceFormat(StrEnum):
    """Which MHL format an entry came from (kept for reports, never for decisions)."""

    LEGACY = "legacy"
    ASC = "asc"


class HashAction(StrEnum):
    """ASC MHL's record of what a generation did with a hash; legacy entries are `original`."""

    ORIGINAL = "original"
    VERIFIED = "verified"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ExpectedHash:
    """One hash value an MHL promises for a file."""

    kind: HashKind
    value: str
    action: HashAction = HashAction.ORIGINAL


def name_key(relative_path: str) -> str:
    """The key two spellings of one name share: Unicode NFC, case preserved."""
    return unicodedata.normalize("NFC", relative_path)


@dataclass(frozen=True, slots=True)
class MhlEntry:
    """What an MHL says one file must be.

    `path` is relative to the roll root, `/`-separated, as written in the MHL (re-rooted for
    nested histories). `size` is None only where the format allows omitting it. An entry with no
    hashes is a size-only check (legacy `<null/>`). `known_bad` is ASC `action="failed"` in the
    newest generation: the media was already found bad and must never verify.
    """

    path: str
    size: int | None
    hashes: tuple[ExpectedHash, ...]
    source_format: SourceFormat
    mhl_file: Path
    known_bad: bool = False

    @property
    def key(self) -> str:
        return name_key(self.path)


@dataclass(slots=True)
class RollManifest:
    """Everything the MHLs of one roll folder promise, merged into one list.

    `root` is the folder entry paths are relative to. `mhl_files` are the manifests read (they and
    `ascmhl/` folders are metadata, never media). `ignore_patterns` are gitignore-style patterns
    the roll's ASC histories carry. `warnings` are problems worth telling but not failing for.
    """

    root: Path
    entries: dict[str, MhlEntry] = field(default_factory=dict)
    mhl_files: list[Path] = field(default_factory=list)
    formats: set[SourceFormat] = field(default_factory=set)
    ignore_patterns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def manifest_fingerprint(manifest: RollManifest) -> str:
    """A digest of what the MHLs promise (paths, sizes, hashes), independent of format and order.

    Two copies of a roll are the same roll exactly when their fingerprints are equal.
    """
    import hashlib  # here: its OpenSSL start-up is not on the way of every verification

    digest = hashlib.sha256()
    for key in sorted(manifest.entries):
        entry = manifest.entries[key]
        hashes = ",".join(sorted(f"{h.kind}:{h.value}" for h in entry.hashes))
        digest.update(f"{key}\0{entry.size}\0{hashes}\0{entry.known_bad}\n".encode())
    return digest.hexdigest()
