"""The only way rollkeeper parses XML: no DTDs, no entities, no network, no surprises.

An MHL arrives on a drive from anywhere. A document type declaration is never needed by either MHL
format, so any DTD is refused outright; that also defeats entity-expansion bombs and external
entities (XXE) before libxml2 could act on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from daemon.errors import MhlError

#: The largest MHL we will read. 100k entries of a legacy MHL are about 30 MB.
MAX_MHL_BYTES = 512 * 1024 * 1024


def _parser_options() -> dict[str, bool]:
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
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise MhlError(
            str(source),
            "contains a DOCTYPE declaration; MHL files never need one, and it could smuggle in "
            "entity expansion or references to other files, so this MHL is not read",
        )


def _check_size(source: Path) -> None:
    size = source.stat().st_size
    if size > MAX_MHL_BYTES:
        raise MhlError(str(source), f"is {size} bytes, larger than any real MHL; not read")


def _peek_for_dtd(source: Path) -> None:
    """Refuse a DTD before libxml2 sees it; the prolog of a real MHL is a few hundred bytes."""
    with source.open("rb") as handle:
        head = handle.read(64 * 1024)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
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
        tree = etree.parse(str(source), etree.XMLParser(**_parser_options()))
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
        context = etree.iterparse(
            str(source), events=("end",), tag=tags, **_parser_options()
        )
        for _event, element in context:
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
            str(source), events=("start",), **_parser_options()
        ):
            return str(element.tag)
    except etree.XMLSyntaxError as err:
        raise MhlError(str(source), f"is not well-formed XML ({_describe(err)})") from err
    except OSError as err:
        raise MhlError(str(source), f"cannot be read: {err.strerror or err}") from err
    raise MhlError(str(source), "is empty")


def _describe(err: etree.XMLSyntaxError) -> str:
    line = f"line {err.lineno}" if err.lineno else "start of file"
    return f"{err.msg}, {line}"
