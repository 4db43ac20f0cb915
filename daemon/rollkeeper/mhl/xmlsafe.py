"""The only way rollkeeper parses XML: no DTDs, no entities, no network, no surprises.

An MHL arrives on a drive from anywhere. A document type declaration is never needed by either MHL
format, so any DTD is refused outright; that also defeats entity-expansion bombs and external
entities (XXE) before libxml2 could act on them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

from lxml import etree

from rollkeeper.core.errors import MhlError

#: The largest MHL we will read. 100k entries of a legacy MHL are about 30 MB.
MAX_MHL_BYTES = 512 * 1024 * 1024


class _ParserOptions(TypedDict):
    resolve_entities: bool
    no_network: bool
    load_dtd: bool
    dtd_validation: bool
    huge_tree: bool
    remove_comments: bool
    remove_pis: bool


def _parser_options() -> _ParserOptions:
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def _refuse_dtd(source: Path, docinfo: etree.DocInfo) -> None:
    if (
        getattr(docinfo, "doctype", "")
        or docinfo.internalDTD is not None
        or docinfo.externalDTD is not None
    ):
        raise MhlError(
            str(source),
            "contains a DOCTYPE declaration; MHL files never need one, and it could smuggle in "
            "entity expansion or references to other files, so this MHL is not read",
        )


def _check_size(source: Path) -> None:
    info = source.stat()
    if not stat.S_ISREG(info.st_mode):
        # A FIFO would block the read forever, a device would never end.
        raise MhlError(str(source), "is not a regular file (a FIFO, device or socket); not read")
    size = info.st_size
    if size > MAX_MHL_BYTES:
        raise MhlError(str(source), f"is {size} bytes, larger than any real MHL; not read")


#: `<!DOCTYPE` and `<!ENTITY` as UTF-8, UTF-16 and UTF-32 (either byte order) spell them.
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _peek_for_dtd(source: Path) -> None:
    """Refuse a DTD before libxml2 sees it; the prolog of a real MHL is a few hundred bytes.

    A DTD further in (behind a huge comment) is still refused once libxml2 has read the prolog,
    before any element is handed out.
    """
    with source.open("rb") as handle:
        head = handle.read(64 * 1024)
    if any(marker in head for marker in _DTD_MARKERS):
        raise MhlError(
            str(source),
            "contains a DOCTYPE/ENTITY declaration; MHL files never need one, and it could smuggle "
            "in entity expansion or references to other files, so this MHL is not read",
        )


def parse_document(source: Path) -> etree._ElementTree:
    """Parse a whole (small) XML file safely, or raise an MhlError naming the problem."""
    try:
        _check_size(source)
        _peek_for_dtd(source)
        tree = etree.parse(_filename(source), etree.XMLParser(**_parser_options()))
    except etree.XMLSyntaxError as err:
        raise MhlError(str(source), f"is not well-formed XML ({_describe(err)})") from err
    except OSError as err:
        raise MhlError(str(source), f"cannot be read: {err.strerror or err}") from err
    _refuse_dtd(source, tree.docinfo)
    return tree


def iterate_elements(source: Path, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Stream the elements named `tags` (Clark notation) of a large XML file safely.

    Each yielded element is cleared after the caller is done with it, so memory stays bounded by
    one entry, not by the document.
    """
    try:
        _check_size(source)
        _peek_for_dtd(source)
        context = etree.iterparse(_filename(source), events=("end",), tag=tags, **_parser_options())
        checked = False
        for _event, element in context:
            if not checked:
                _refuse_dtd(source, element.getroottree().docinfo)
                checked = True
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
        _refuse_dtd(source, context.root.getroottree().docinfo)
    except etree.XMLSyntaxError as err:
        raise MhlError(str(source), f"is not well-formed XML ({_describe(err)})") from err
    except OSError as err:
        raise MhlError(str(source), f"cannot be read: {err.strerror or err}") from err


def root_tag(source: Path) -> str:
    """The Clark-notation tag of the document element, read without parsing the whole file."""
    try:
        _check_size(source)
        _peek_for_dtd(source)
        for _event, element in etree.iterparse(
            _filename(source), events=("start",), **_parser_options()
        ):
            _refuse_dtd(source, element.getroottree().docinfo)
            return str(element.tag)
    except etree.XMLSyntaxError as err:
        raise MhlError(str(source), f"is not well-formed XML ({_describe(err)})") from err
    except OSError as err:
        raise MhlError(str(source), f"cannot be read: {err.strerror or err}") from err
    raise MhlError(str(source), "is empty")


def _filename(source: Path) -> bytes:
    """The name as bytes: lxml cannot encode a str name that is not valid UTF-8."""
    return os.fsencode(source)


def _describe(err: etree.XMLSyntaxError) -> str:
    message = " ".join(err.msg.split()).replace(" ,", ",")  # libxml2 may break a line mid-message
    line = f"line {err.lineno}" if err.lineno else "start of file"
    if err.lineno and line in message:
        return message  # libxml2 already said "…, line N, column M"
    return f"{message}, {line}"
