"""ASC MHL v2: reading an `ascmhl/` history (chain checked) and appending a generation to it.

A history is a folder of numbered generation manifests plus `ascmhl_chain.xml`, which records
the C4 id of every generation so that a missing or altered generation is noticed. For each file
the newest generation that records it is the truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from rollkeeper.core.errors import MhlError
from rollkeeper.core.files import ASC_HISTORY_DIR
from rollkeeper.mhl import xmlsafe
from rollkeeper.mhl.hashing import c4_of_bytes, normalise_value
from rollkeeper.mhl.model import ExpectedHash, HashAction, HashKind, MhlEntry, SourceFormat
from rollkeeper.mhl.paths import HostilePathError, safe_relative_path

HISTORY_DIR = ASC_HISTORY_DIR
CHAIN_FILE = "ascmhl_chain.xml"
MHL_NS = "urn:ASC:MHL:v2.0"
CHAIN_NS = "urn:ASC:MHL:DIRECTORY:v2.0"
DEFAULT_IGNORES = (".DS_Store", "ascmhl", "ascmhl/")

_GENERATION_NAME = re.compile(r"^(\d{4,})_.+\.mhl$")
_HASH_KINDS = {kind.value: kind for kind in HashKind if kind is not HashKind.XXH32}
#: The order the ASC XSD requires hash elements in.
XSD_HASH_ORDER = (
    HashKind.C4,
    HashKind.MD5,
    HashKind.SHA1,
    HashKind.XXH128,
    HashKind.XXH3,
    HashKind.XXH64,
)


def _q(tag: str, namespace: str = MHL_NS) -> str:
    return f"{{{namespace}}}{tag}"


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One generation as the chain file records it."""

    sequence: int
    file_name: str
    c4: str | None


@dataclass(slots=True)
class History:
    """What one `ascmhl/` folder says about the files of the folder it sits in.

    `entries` are keyed by path relative to that folder, newest generation winning. `last_good`
    is, per file, the newest entry no generation recorded as failed: what a new generation must
    compare against. `generations` are the manifest files read, oldest first.
    """

    folder: Path
    entries: dict[str, MhlEntry] = field(default_factory=dict)
    last_good: dict[str, MhlEntry] = field(default_factory=dict)
    generations: list[Path] = field(default_factory=list)
    chain: list[ChainLink] = field(default_factory=list)
    ignore_patterns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def history_dir(self) -> Path:
        return self.folder / HISTORY_DIR


def read_chain(history_dir: Path) -> list[ChainLink]:
    """The links of `ascmhl_chain.xml`; an empty list when the file is absent."""
    chain_path = history_dir / CHAIN_FILE
    if not chain_path.exists():
        return []
    root = xmlsafe.parse_document(chain_path).getroot()
    if root.tag != _q("ascmhldirectory", CHAIN_NS):
        raise MhlError(str(chain_path), "is not an ASC MHL chain (<ascmhldirectory> expected)")
    links: list[ChainLink] = []
    for element in root.iter(_q("hashlist", CHAIN_NS)):
        number = element.get("sequencenr", "")
        path_text = (element.findtext(_q("path", CHAIN_NS)) or "").strip()
        c4_text = element.findtext(_q("c4", CHAIN_NS))
        if not (number.isascii() and number.isdigit()) or not path_text:
            raise MhlError(str(chain_path), "has a <hashlist> entry without sequencenr or path")
        if "/" in path_text or "\\" in path_text or path_text.startswith("."):
            raise MhlError(str(chain_path), f"names generation {path_text!r} outside ascmhl/")
        links.append(ChainLink(int(number), path_text, c4_text.strip() if c4_text else None))
    return links


def _check_chain(history_dir: Path, links: list[ChainLink]) -> tuple[list[Path], list[str]]:
    """Generation files in order, checked against the chain; warnings for what is merely odd.

    A generation the chain records that is missing or whose C4 differs makes the history
    untrustworthy (an MhlError). A chain entry without C4 and a generation the chain does not
    record are warnings.
    """
    warnings: list[str] = []
    on_disk = {
        path.name: int(match.group(1))
        for path in history_dir.iterdir()
        if (match := _GENERATION_NAME.match(path.name)) and path.is_file()
    }
    if not links:
        if on_disk:
            warnings.append(
                f"{history_dir}: no {CHAIN_FILE}; its generations cannot be checked for "
                "tampering or loss"
            )
        return [history_dir / name for name in sorted(on_disk, key=on_disk.__getitem__)], warnings
    for link in links:
        generation = history_dir / link.file_name
        if link.file_name not in on_disk:
            raise MhlError(
                str(history_dir),
                f"generation {link.sequence} ({link.file_name}) is recorded in the chain but "
                "missing; the history is incomplete and cannot be trusted",
            )
        if link.c4 is None:
            warnings.append(
                f"{history_dir}: chain entry for generation {link.sequence} has no c4, so "
                "that generation cannot be checked for alteration"
            )
        elif c4_of_bytes(generation.read_bytes()) != link.c4:
            raise MhlError(
                str(generation),
                f"generation {link.sequence} was altered after it was written (its C4 does "
                "not match the chain); the history cannot be trusted",
            )
    chained = {link.file_name for link in links}
    for name in sorted(set(on_disk) - chained):
        warnings.append(f"{history_dir}: generation {name} is not recorded in {CHAIN_FILE}")
    ordered = sorted(on_disk, key=lambda name: (on_disk[name], name))
    return [history_dir / name for name in ordered], warnings


def _read_generation(
    generation: Path,
    entries: dict[str, MhlEntry],
    last_good: dict[str, MhlEntry],
    ignore_patterns: list[str],
) -> None:
    """Fold one generation into `entries` and `last_good` (newer overrides older) and collect
    its ignores."""
    if xmlsafe.root_tag(generation) != _q("hashlist"):
        raise MhlError(
            str(generation), f"is not an ASC MHL manifest (<hashlist xmlns='{MHL_NS}'> expected)"
        )
    for element in xmlsafe.iterate_elements(generation, (_q("hash"), _q("pattern"))):
        if element.tag == _q("pattern"):
            pattern = (element.text or "").strip()
            if pattern and pattern not in ignore_patterns:
                ignore_patterns.append(pattern)
            continue
        entry = _entry_from_element(generation, element)
        entries[entry.key] = entry
        if not entry.known_bad:
            last_good[entry.key] = entry


def _expected_hash(generation: Path, path: str, name: str, child: etree._Element) -> ExpectedHash:
    """One hash element of an entry: its kind, its normalised value and what it records."""
    kind = _HASH_KINDS[name]
    value = normalise_value(kind, child.text or "")
    if value is None:
        raise MhlError(str(generation), f"{path}: <{name}> value is not a valid {name} hash")
    try:
        action = HashAction(child.get("action", "original"))
    except ValueError as err:
        raise MhlError(
            str(generation),
            f"{path}: action {child.get('action')!r} is not one of original, verified, failed",
        ) from err
    return ExpectedHash(kind, value, action)


def _entry_from_element(generation: Path, element: etree._Element) -> MhlEntry:
    path_element = element.find(_q("path"))
    if path_element is None or not (path_element.text or "").strip():
        raise MhlError(str(generation), "has a <hash> entry without a <path>")
    try:
        path = safe_relative_path(path_element.text or "", windows_separators=False)
    except HostilePathError as err:
        raise MhlError(str(generation), f"{err}; this MHL is not trusted") from err
    size_text = path_element.get("size")
    if size_text is not None and not (size_text.isascii() and size_text.strip().isdigit()):
        raise MhlError(str(generation), f"{path}: size {size_text!r} is not a byte count")
    hashes: list[ExpectedHash] = []
    unknown: list[str] = []
    for child in element:
        if not isinstance(child.tag, str) or child is path_element:
            continue
        name = etree.QName(child).localname
        if name in ("previousPath", "metadata"):
            continue
        if name not in _HASH_KINDS:
            unknown.append(name)
            continue
        hashes.append(_expected_hash(generation, path, name, child))
    if not hashes:
        found = ", ".join(f"<{name}>" for name in unknown) or "none"
        raise MhlError(
            str(generation),
            f"{path} names no hash this tool knows (found: {found}; known: "
            "c4, md5, sha1, xxh128, xxh3, xxh64)",
        )
    return MhlEntry(
        path=path,
        size=int(size_text) if size_text is not None else None,
        hashes=tuple(hashes),
        source_format=SourceFormat.ASC,
        mhl_file=generation,
        known_bad=any(h.action is HashAction.FAILED for h in hashes),
    )


def read_history(folder: Path) -> History:
    """Read the `ascmhl/` history of `folder`: chain checked, newest generation per file."""
    history = History(folder)
    history_dir = history.history_dir
    try:
        history.chain = read_chain(history_dir)
        history.generations, history.warnings = _check_chain(history_dir, history.chain)
    except OSError as err:
        raise MhlError(str(history_dir), f"cannot be read: {err.strerror or err}") from err
    if not history.generations:
        raise MhlError(str(history_dir), "holds no generation manifests (NNNN_*.mhl)")
    for generation in history.generations:
        _read_generation(generation, history.entries, history.last_good, history.ignore_patterns)
    return history


# --- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GenerationRecord:
    """One file as a new generation records it."""

    path: str
    size: int
    modified: datetime
    hashes: tuple[ExpectedHash, ...]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def generation_file_name(sequence: int, folder_name: str, moment: datetime) -> str:
    """`NNNN_<folder>_<YYYY-MM-DD>_<HHMMSS>Z.mhl`, as the reference tool names generations."""
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%d_%H%M%SZ")
    return f"{sequence:04d}_{folder_name}_{stamp}.mhl"


def render_generation(
    records: list[GenerationRecord],
    *,
    hostname: str,
    tool: str,
    tool_version: str,
    created: datetime,
    ignore_patterns: list[str],
) -> bytes:
    """A generation manifest in the XSD's element order."""
    root = etree.Element(_q("hashlist"), nsmap={None: MHL_NS}, version="2.0")  # type: ignore[dict-item]
    info = etree.SubElement(root, _q("creatorinfo"))
    etree.SubElement(info, _q("creationdate")).text = _iso(created)
    etree.SubElement(info, _q("hostname")).text = hostname
    etree.SubElement(info, _q("tool"), version=tool_version).text = tool
    process = etree.SubElement(root, _q("processinfo"))
    etree.SubElement(process, _q("process")).text = "in-place"
    ignore = etree.SubElement(process, _q("ignore"))
    for pattern in ignore_patterns:
        etree.SubElement(ignore, _q("pattern")).text = pattern
    hashes = etree.SubElement(root, _q("hashes"))
    for record in records:
        item = etree.SubElement(hashes, _q("hash"))
        etree.SubElement(
            item,
            _q("path"),
            size=str(record.size),
            lastmodificationdate=_iso(record.modified),
        ).text = record.path
        by_kind = {h.kind: h for h in record.hashes}
        for kind in XSD_HASH_ORDER:
            if kind in by_kind:
                etree.SubElement(
                    item, _q(kind.value), action=by_kind[kind].action.value, hashdate=_iso(created)
                ).text = by_kind[kind].value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def render_chain(links: list[ChainLink]) -> bytes:
    """`ascmhl_chain.xml` for the given links."""
    root = etree.Element(_q("ascmhldirectory", CHAIN_NS), nsmap={None: CHAIN_NS})  # type: ignore[dict-item]
    for link in links:
        item = etree.SubElement(root, _q("hashlist", CHAIN_NS), sequencenr=str(link.sequence))
        etree.SubElement(item, _q("path", CHAIN_NS)).text = link.file_name
        if link.c4 is not None:
            etree.SubElement(item, _q("c4", CHAIN_NS)).text = link.c4
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
