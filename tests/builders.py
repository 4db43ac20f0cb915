"""Test fixtures that build real roll folders and hand-written MHLs on disk."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import xxhash
from rollkeeper.mhl.hashing import c4_of_bytes


def write_files(root: Path, files: dict[str, bytes]) -> Path:
    """Create `files` (relative path -> content) below `root`; returns `root`."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def clip(seed: int, size: int) -> bytes:
    """Deterministic pseudo-random media bytes (incompressible enough to look like a clip)."""
    block = xxhash.xxh128(seed.to_bytes(8, "big")).digest() * 256  # 4 KiB
    return (block * (size // len(block) + 1))[:size]


def xxh64_hex(content: bytes) -> str:
    return xxhash.xxh64(content).hexdigest()


def legacy_mhl(entries: list[str], version: str = "1.1") -> str:
    """A hand-written legacy MHL document around pre-rendered `<hash>` entries."""
    body = "\n".join(entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<hashlist version="{version}">\n'
        "  <creatorinfo><username>dit</username><hostname>cart</hostname>"
        "<tool>hand</tool><startdate>2026-11-21T10:00:00Z</startdate>"
        "<finishdate>2026-11-21T10:00:00Z</finishdate></creatorinfo>\n"
        f"{body}\n</hashlist>\n"
    )


def legacy_entry(path: str, size: int, hash_element: str) -> str:
    """One `<hash>` entry; `hash_element` is the rendered hash element(s)."""
    return (
        f"  <hash><file>{path}</file><size>{size}</size>"
        "<lastmodificationdate>2026-11-21T10:00:00Z</lastmodificationdate>"
        f"{hash_element}<hashdate>2026-11-21T10:00:00Z</hashdate></hash>"
    )


def sealed_legacy_roll(root: Path, files: dict[str, bytes], name: str | None = None) -> Path:
    """A roll folder with `files` and a legacy xxhash64be MHL written by hand; returns the MHL."""
    write_files(root, files)
    entries = [
        legacy_entry(p, len(c), f"<xxhash64be>{xxh64_hex(c)}</xxhash64be>")
        for p, c in files.items()
    ]
    mhl = root / (name or f"{root.name}_2026-11-21_100000.mhl")
    mhl.write_text(legacy_mhl(entries), encoding="utf-8")
    return mhl


def asc_roll(
    root: Path,
    files: dict[str, bytes],
    *,
    failed: frozenset[str] = frozenset(),
    ignore: tuple[str, ...] = (),
) -> Path:
    """A roll with an ASC MHL history of one generation (chained), written by hand."""
    write_files(root, files)
    entries = "".join(
        f'<hash><path size="{len(content)}">{path}</path>'
        f'<xxh64 action="{"failed" if path in failed else "original"}" '
        f'hashdate="2026-11-21T10:00:00+00:00">{xxh64_hex(content)}</xxh64></hash>'
        for path, content in files.items()
    )
    patterns = "".join(f"<pattern>{p}</pattern>" for p in ignore)
    generation = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<hashlist xmlns="urn:ASC:MHL:v2.0" version="2.0">'
        "<creatorinfo><creationdate>2026-11-21T10:00:00+00:00</creationdate>"
        "<hostname>cart</hostname><tool version='1'>hand</tool></creatorinfo>"
        f"<processinfo><process>in-place</process><ignore>{patterns}</ignore></processinfo>"
        f"<hashes>{entries}</hashes></hashlist>\n"
    ).encode()
    history = root / "ascmhl"
    history.mkdir()
    name = f"0001_{root.name}_2026-11-21_100000Z.mhl"
    (history / name).write_bytes(generation)
    (history / "ascmhl_chain.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ascmhldirectory xmlns="urn:ASC:MHL:DIRECTORY:v2.0"><hashlist sequencenr="1">'
        f"<path>{name}</path><c4>{c4_of_bytes(generation)}</c4></hashlist></ascmhldirectory>\n",
        encoding="utf-8",
    )
    return history / name


def without_root_privileges(argv: list[str]) -> list[str]:
    """`argv` run so that file permissions apply even when the tests run as root.

    Root ignores permission bits (CAP_DAC_OVERRIDE), so chmod 000 alone proves nothing there:
    run the check in a child that keeps uid 0 but has lost the two capabilities that bypass
    permission checks.
    """
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): permission bits never bite")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--", *argv]
