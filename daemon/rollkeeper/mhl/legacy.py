"""Legacy MHL v1.x (`<hashlist version="1.1">`): lenient reading, strict writing.

Real files do not follow the XSD's element order, declare `version="1.0"`, write `<size>0</size>`
and `\\` separators, or upper-case hex; all of that is read. Values are stored in the canonical
form of `HashKind`, so `xxhash64` (little-endian) and `xxhash` (XXH32 in decimal) become the same
hex as their modern names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from rollkeeper.core.errors import MhlError
from rollkeeper.mhl import xmlsafe
from rollkeeper.mhl.hashing import normalise_value
from rollkeeper.mhl.model import ExpectedHash, HashKind, MhlEntry, SourceFormat
from rollkeeper.mhl.paths import HostilePathError, safe_relative_path

if TYPE_CHECKING:
    from datetime import datetime

ROOT_TAG = "hashlist"

#: Hash kinds a legacy MHL may carry, by element name, as written by `seal`.
WRITABLE_ELEMENTS = {HashKind.XXH64: "xxhash64be", HashKind.MD5: "md5", HashKind.SHA1: "sha1"}

_KNOWN_VERSIONS = {"1.0", "1.1"}
_NON_HASH_CHILDREN = {"file", "size", "creationdate", "lastmodificationdate", "hashdate"}


def _decode_hash(element_name: str, text: str) -> ExpectedHash | None:
    """Canonical hash from one legacy hash element, or None if the value is malformed."""
    text = text.strip()
    if element_name == "xxhash64be":
        value = normalise_value(HashKind.XXH64, text)
        return ExpectedHash(HashKind.XXH64, value) if value else None
    if element_name == "xxhash64":
        little_endian = normalise_value(HashKind.XXH64, text)
        if little_endian is None:
            return None
        return ExpectedHash(HashKind.XXH64, bytes.fromhex(little_endian)[::-1].hex())
    if element_name == "xxhash":
        if not (text.isascii() and text.isdigit()) or int(text) >= 2**32:
            return None
        return ExpectedHash(HashKind.XXH32, f"{int(text):08x}")
    kind = HashKind.MD5 if element_name == "md5" else HashKind.SHA1
    value = normalise_value(kind, text)
    return ExpectedHash(kind, value) if value else None


_HASH_ELEMENTS = {"xxhash64be", "xxhash64", "xxhash", "md5", "sha1"}


def _local_name(element: etree._Element) -> str:
    return etree.QName(element).localname.lower()


@dataclass(slots=True)
class _EntryParts:
    """What one `<hash>` element holds, sorted by kind before it is judged."""

    fields: dict[str, str] = field(default_factory=dict)
    hashes: list[ExpectedHash] = field(default_factory=list)
    size_only: bool = False
    unknown: list[str] = field(default_factory=list)


def _parts_of(mhl_path: Path, element: etree._Element, where: str) -> _EntryParts:
    parts = _EntryParts()
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local_name(child)
        text = child.text or ""
        if name in _HASH_ELEMENTS:
            decoded = _decode_hash(name, text)
            if decoded is None:
                raise MhlError(
                    str(mhl_path), f"{where}: <{name}> value {text.strip()!r} is not a valid {name}"
                )
            parts.hashes.append(decoded)
        elif name == "null":
            parts.size_only = True
        elif name in _NON_HASH_CHILDREN:
            parts.fields[name] = text
        else:
            parts.unknown.append(name)
    return parts


def _size_of(mhl_path: Path, fields: dict[str, str], where: str) -> int | None:
    if "size" not in fields:
        return None
    raw_size = fields["size"].strip()
    if not (raw_size.isascii() and raw_size.isdigit()):
        raise MhlError(str(mhl_path), f"{where}: <size> {raw_size!r} is not a byte count")
    return int(raw_size)


def _entry_from_element(mhl_path: Path, element: etree._Element, index: int) -> MhlEntry:
    where = f"entry {index}"
    parts = _parts_of(mhl_path, element, where)
    if "file" not in parts.fields:
        raise MhlError(str(mhl_path), f"{where} has no <file> element")
    try:
        path = safe_relative_path(parts.fields["file"], windows_separators=True)
    except HostilePathError as err:
        raise MhlError(str(mhl_path), f"{where}: {err}; this MHL is not trusted") from err
    where = f"entry {index} ({path})"
    size = _size_of(mhl_path, parts.fields, where)
    if not parts.hashes and not parts.size_only:
        found = ", ".join(f"<{name}>" for name in parts.unknown) or "none"
        raise MhlError(
            str(mhl_path),
            f"{where} names no hash this tool knows (found: {found}; known: xxhash64be, "
            "xxhash64, xxhash, md5, sha1, null)",
        )
    if parts.size_only and size is None:
        raise MhlError(str(mhl_path), f"{where}: <null/> needs a <size> to check")
    return MhlEntry(
        path=path,
        size=size,
        hashes=tuple(parts.hashes),
        source_format=SourceFormat.LEGACY,
        mhl_file=mhl_path,
    )


def read_legacy(mhl_path: Path) -> tuple[list[MhlEntry], list[str]]:
    """The entries of a legacy MHL (paths relative to its folder) and any warnings about it."""
    if xmlsafe.root_tag(mhl_path) != ROOT_TAG:
        raise MhlError(str(mhl_path), "is not a legacy MHL (its root element is not <hashlist>)")
    entries: list[MhlEntry] = []
    warnings: list[str] = []
    for element in xmlsafe.iterate_elements(mhl_path, ("hash", "hashlist")):
        if element.tag == ROOT_TAG:
            version = element.get("version", "")
            if version not in _KNOWN_VERSIONS:
                warnings.append(f"{mhl_path}: unknown MHL version {version!r}; read as 1.1")
            continue
        entries.append(_entry_from_element(mhl_path, element, len(entries) + 1))
    if not entries:
        raise MhlError(str(mhl_path), "lists no files (no <hash> entries)")
    return entries, warnings


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_legacy(
    entries: list[tuple[str, int, datetime, dict[HashKind, str]]],
    *,
    username: str,
    hostname: str,
    tool: str,
    started: datetime,
    finished: datetime,
) -> bytes:
    """A legacy v1.1 MHL in the XSD's element order.

    `entries` are (relative path, size, modification time, digests) with UTC times.
    """
    root = etree.Element("hashlist", version="1.1")
    etree.SubElement(root, "creationdate").text = _iso(finished)
    info = etree.SubElement(root, "creatorinfo")
    etree.SubElement(info, "username").text = username
    etree.SubElement(info, "hostname").text = hostname
    etree.SubElement(info, "tool").text = tool
    etree.SubElement(info, "startdate").text = _iso(started)
    etree.SubElement(info, "finishdate").text = _iso(finished)
    for path, size, modified, digests in entries:
        item = etree.SubElement(root, "hash")
        etree.SubElement(item, "file").text = path
        etree.SubElement(item, "size").text = str(size)
        etree.SubElement(item, "lastmodificationdate").text = _iso(modified)
        for kind, element_name in WRITABLE_ELEMENTS.items():
            if kind in digests:
                etree.SubElement(item, element_name).text = digests[kind]
        etree.SubElement(item, "hashdate").text = _iso(finished)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
