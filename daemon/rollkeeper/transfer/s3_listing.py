"""ListObjectsV2 pages read with lxml: what a re-check needs of each key, read fast.

botocore reads a listing page by walking the service model for each element, about 50 µs per
listed object: of the CPU a re-check of 200,000 stored objects cost, that was the largest part
(bench/RESULTS.md, the backlog). Before botocore parses a page, `take_contents` reads each
`<Contents>`' key, size and ETag with lxml, hands them to the caller beside the parsed page
(`CONTENTS`), and leaves botocore only the rest of the page (its continuation token, its
truncation flag), so the paginator and botocore's error handling work as ever. A page this
reader does not recognise (an error, a DTD, an element it cannot read) is left whole to botocore.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any
from urllib.parse import unquote_plus

import botocore.handlers
from lxml import etree

from rollkeeper.transfer.targets import StoredObject

#: Where a page's listed objects are, beside botocore's parsed page: (key, size, ETag).
CONTENTS = "RollkeeperContents"

#: The event botocore emits with a listing page's raw answer, before it parses it.
EVENT = "before-parse.s3.ListObjectsV2"
_EVERY_ANSWER = "before-parse.s3.*"

_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"

Listed = tuple[str, int, str]


def read_listings_fast(client: Any) -> None:
    """Have `client` read its listing pages' objects with `take_contents`: its listings' pages
    then carry them as `CONTENTS`, not as botocore's `Contents` (`listed_objects` reads both).

    botocore (1.36 on) also parses every S3 answer of status 200 whole, once more, to tell an
    error in disguise (an `<Error>` page, or a page cut short in transit) and have it retried:
    for a listing that was a third of its CPU. For listing pages `take_contents` makes that
    check itself, on the parse it makes anyway; every other answer is checked by botocore."""
    events = client.meta.events  # the client's own copy: no other client is changed
    botocores_check = getattr(botocore.handlers, "_handle_200_error", None)
    if botocores_check is None:  # an older botocore: it checks no listing page
        events.register(EVENT, take_contents)
        return
    events.unregister(_EVERY_ANSWER, botocores_check)
    events.register_first(_EVERY_ANSWER, partial(_unless_listing, botocores_check))
    events.register(EVENT, partial(take_contents, errors_in_disguise=True))


def _unless_listing(check: Any, operation_model: Any, **kwargs: Any) -> None:
    if operation_model.name != "ListObjectsV2":
        check(operation_model=operation_model, **kwargs)


def listed_objects(page: dict[str, Any]) -> Iterator[StoredObject]:
    """The objects of one page the paginator handed out, read here or (a page left whole to it)
    by botocore."""
    if CONTENTS in page:
        for key, size, etag in page[CONTENTS]:
            yield StoredObject(key=key, size=size, checksum=None, etag=etag)
        return
    for entry in page.get("Contents", []):
        yield StoredObject(
            key=entry["Key"], size=int(entry["Size"]), checksum=None, etag=entry.get("ETag")
        )


def take_contents(
    response_dict: dict[str, Any],
    customized_response_dict: dict[str, Any],
    *,
    errors_in_disguise: bool = False,
    **_: Any,
) -> None:
    """Move a successful page's objects from its body to `customized_response_dict[CONTENTS]`
    (which botocore adds to the parsed page); anything else is left to botocore.
    `errors_in_disguise`: a page of status 200 that is an `<Error>`, or is not well-formed XML
    (cut short), is made a 500, which botocore retries — botocore's own rule, kept."""
    body = response_dict.get("body")
    if response_dict.get("status_code") != 200 or not isinstance(body, bytes) or not body:
        return
    try:
        tree = etree.ElementTree(etree.fromstring(body, _parser()))
    except etree.XMLSyntaxError:
        if errors_in_disguise:
            response_dict["status_code"] = 500
        return
    page = tree.getroot()
    if page.tag == "Error" and errors_in_disguise:
        response_dict["status_code"] = 500
    if not _plain_listing(tree):
        return
    ns = _NS if page.tag.startswith(_NS) else ""
    entries = page.findall(f"{ns}Contents")
    listed = _listed(page, ns, len(entries))
    if listed is None:
        return
    for entry in entries:
        page.remove(entry)
    response_dict["body"] = etree.tostring(page)
    customized_response_dict[CONTENTS] = listed


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _plain_listing(tree: etree._ElementTree) -> bool:
    """Is it a plain ListBucketResult, without a DTD?"""
    declared = tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None
    return not declared and etree.QName(tree.getroot()).localname == "ListBucketResult"


#: Every entry's key, size and ETag, each in one pass over the page (plain strings: lxml's
#: "smart" ones would keep the whole page alive as long as a key is kept).
_FIELDS = {
    namespace: tuple(
        etree.XPath(f"s:Contents/s:{name}/text()", namespaces={"s": uri}, smart_strings=False)
        if uri
        else etree.XPath(f"Contents/{name}/text()", smart_strings=False)
        for name in ("Key", "Size", "ETag")
    )
    for namespace, uri in ((_NS, _NS.strip("{}")), ("", ""))
}


def _listed(page: etree._Element, ns: str, entries: int) -> list[Listed] | None:
    """Each of the page's `entries` key (URL-decoded when the page says its keys are), size
    and ETag; None when an entry lacks one or a size is not a count of bytes (botocore then
    reads the page, and says what is wrong)."""
    keys, sizes, etags = ([str(text) for text in _texts(field, page)] for field in _FIELDS[ns])
    if not len(keys) == len(sizes) == len(etags) == entries:
        return None
    try:
        counts = [int(size) for size in sizes]
    except ValueError:
        return None
    if any(count < 0 for count in counts):
        return None
    if page.findtext(f"{ns}EncodingType") == "url":
        keys = list(_decoded(keys))
    return list(zip(keys, counts, etags, strict=True))


def _texts(field: etree.XPath, page: etree._Element) -> list[Any]:
    found = field(page)
    return found if isinstance(found, list) else []


def _decoded(keys: list[str]) -> Iterator[str]:
    """URL-decoded keys, as botocore decodes them (`unquote_plus`), each folder once: the keys of
    a page share a few folders, and decoding is most of the time a page takes. A key is cut at
    its last encoded (or plain) "/", which is one byte in UTF-8, never part of another
    character's escapes."""
    folders: dict[str, str] = {}
    for key in keys:
        folder, cut, name = key.rpartition("%2F" if "%2F" in key else "/")
        if not cut:
            yield unquote_plus(key)
            continue
        if folder not in folders:
            folders[folder] = unquote_plus(folder)
        plain = "%" not in name and "+" not in name  # most names: nothing to decode
        yield f"{folders[folder]}/{name if plain else unquote_plus(name)}"
