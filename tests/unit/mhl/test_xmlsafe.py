"""Specification: the only way rollkeeper parses XML refuses DTDs, entities and the network.

Every MHL arrives on a drive from anywhere. `rollkeeper.mhl.xmlsafe` must refuse any document type
declaration (which defeats entity bombs and XXE), never fetch anything, never block on something
that is not a file, stream large documents in bounded memory, and say which file and which line
is broken.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from rollkeeper.core.errors import MhlError
from rollkeeper.mhl import xmlsafe

from tests.unit.mhl.loopback import assert_never_contacted, url_of

SECRET = "TOP-SECRET-do-not-leak-4f1c"

#: A valid little document every parser entry point accepts.
GOOD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<hashlist version="1.1">\n'
    "  <hash><file>A001C001.mov</file><size>3</size><md5>00</md5></hash>\n"
    "  <hash><file>A001C002.mov</file><size>4</size><md5>11</md5></hash>\n"
    "</hashlist>\n"
)

#: A prolog comment longer than the quick byte-level check looks at (64 KiB).
LONG_COMMENT = "<!--" + "x" * (70 * 1024) + "-->\n"

Reader = Callable[[Path], object]


def _root_tag(source: Path) -> object:
    return xmlsafe.root_tag(source)


def _iterate(source: Path) -> object:
    return [element.tag for element in xmlsafe.iterate_elements(source, ("hash",))]


def _parse(source: Path) -> object:
    return xmlsafe.parse_document(source)


READERS = pytest.mark.parametrize(
    "read", [_root_tag, _iterate, _parse], ids=["root_tag", "iterate_elements", "parse_document"]
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A private file outside any roll that a hostile MHL would like to read."""
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    return secret


# --- well-formed input ---------------------------------------------------------------------------


def test_root_tag_names_the_document_element(tmp_path: Path) -> None:
    assert xmlsafe.root_tag(write(tmp_path / "a.mhl", GOOD)) == "hashlist"


def test_root_tag_is_in_clark_notation_for_a_namespaced_document(tmp_path: Path) -> None:
    mhl = write(tmp_path / "a.mhl", '<hashlist xmlns="urn:ASC:MHL:v2.0" version="2.0"/>')
    assert xmlsafe.root_tag(mhl) == "{urn:ASC:MHL:v2.0}hashlist"


def test_iterate_elements_yields_each_requested_element_in_document_order(tmp_path: Path) -> None:
    mhl = write(tmp_path / "a.mhl", GOOD)
    files = [element.findtext("file") for element in xmlsafe.iterate_elements(mhl, ("hash",))]
    assert files == ["A001C001.mov", "A001C002.mov"]


def test_parse_document_returns_the_whole_tree(tmp_path: Path) -> None:
    tree = xmlsafe.parse_document(write(tmp_path / "a.mhl", GOOD))
    assert [e.text for e in tree.getroot().iter("file")] == ["A001C001.mov", "A001C002.mov"]


def test_comments_and_processing_instructions_are_dropped(tmp_path: Path) -> None:
    mhl = write(tmp_path / "a.mhl", "<hashlist><!-- note --><?pi x?><hash/></hashlist>")
    root = xmlsafe.parse_document(mhl).getroot()
    assert [child.tag for child in root] == ["hash"]


def test_a_file_whose_name_is_not_utf8_is_parsed(tmp_path: Path) -> None:
    name = os.fsdecode(b"A001_caf\xe9.mhl")  # Latin-1 bytes on disk, a surrogate escape in str
    try:
        mhl = write(tmp_path / name, GOOD)
    except OSError as err:
        pytest.skip(f"this filesystem refuses names that are not UTF-8 ({err.strerror})")
    assert xmlsafe.root_tag(mhl) == "hashlist"
    assert _iterate(mhl) == ["hash", "hash"]


def test_a_utf16_document_without_a_dtd_is_read(tmp_path: Path) -> None:
    mhl = write(tmp_path / "a.mhl", GOOD.replace("UTF-8", "UTF-16"), encoding="utf-16")
    assert _iterate(mhl) == ["hash", "hash"]


# --- broken input: the message names the file and the line ---------------------------------------


@pytest.mark.parametrize("read", [_iterate, _parse], ids=["iterate_elements", "parse_document"])
def test_malformed_xml_is_refused_naming_the_file_and_the_line(
    tmp_path: Path, read: Reader
) -> None:
    mhl = write(
        tmp_path / "A001.mhl",
        '<?xml version="1.0"?>\n<hashlist>\n  <hash><file>a.mov</file>\n</hashlist>\n',
    )
    with pytest.raises(MhlError) as caught:
        read(mhl)
    message = str(caught.value)
    assert message.startswith(f"{mhl}: is not well-formed XML")
    assert "line 4" in message
    assert message.count("line 4") == 1  # said once, not repeated
    assert caught.value.source == str(mhl)


@pytest.mark.parametrize("read", [_iterate, _parse], ids=["iterate_elements", "parse_document"])
def test_a_truncated_mhl_is_refused_as_not_well_formed(tmp_path: Path, read: Reader) -> None:
    mhl = write(tmp_path / "A001.mhl", "<hashlist>\n<hash><file>a.mov</file>")
    with pytest.raises(MhlError, match=r"is not well-formed XML \(Premature end of data"):
        read(mhl)


@READERS
def test_an_empty_file_is_refused(tmp_path: Path, read: Reader) -> None:
    mhl = write(tmp_path / "A001.mhl", "")
    with pytest.raises(MhlError, match="is not well-formed XML"):
        read(mhl)


@READERS
def test_binary_junk_is_refused_as_not_well_formed(tmp_path: Path, read: Reader) -> None:
    mhl = tmp_path / "A001.mhl"
    mhl.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(MhlError, match=r"not well-formed XML \(Start tag expected.*line 1"):
        read(mhl)


@pytest.mark.parametrize("read", [_iterate, _parse], ids=["iterate_elements", "parse_document"])
def test_a_nul_character_reference_is_refused_as_invalid_xml(tmp_path: Path, read: Reader) -> None:
    mhl = write(
        tmp_path / "A001.mhl", "<hashlist>\n<hash><file>a&#0;b.mov</file></hash>\n</hashlist>"
    )
    with pytest.raises(MhlError, match=r"invalid xmlChar value 0, line 2"):
        read(mhl)


@pytest.mark.parametrize("read", [_iterate, _parse], ids=["iterate_elements", "parse_document"])
def test_a_raw_nul_byte_is_refused_on_one_line(tmp_path: Path, read: Reader) -> None:
    mhl = tmp_path / "A001.mhl"
    mhl.write_bytes(b"<hashlist>\n<hash><file>a\x00b.mov</file></hash>\n</hashlist>")
    with pytest.raises(MhlError) as caught:
        read(mhl)
    assert "Char 0x0 out of allowed range, line 2" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("read", [_iterate, _parse], ids=["iterate_elements", "parse_document"])
def test_absurdly_deep_nesting_is_refused_not_recursed_into(tmp_path: Path, read: Reader) -> None:
    mhl = write(tmp_path / "A001.mhl", "<hashlist>" + "<a>" * 5000 + "</a>" * 5000 + "</hashlist>")
    with pytest.raises(MhlError, match="Excessive depth"):
        read(mhl)


# --- DTDs, entity bombs, external entities -------------------------------------------------------


def billion_laughs() -> str:
    levels = "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )  # 10**9 "lol"s once expanded
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE hashlist [<!ENTITY lol0 "lol">{levels}]>\n'
        "<hashlist><hash><file>&lol9;</file><size>1</size><md5>00</md5></hash></hashlist>\n"
    )


@READERS
def test_entity_expansion_bomb_is_refused_before_parsing(tmp_path: Path, read: Reader) -> None:
    mhl = write(tmp_path / "A001.mhl", billion_laughs())
    with pytest.raises(MhlError) as caught:
        read(mhl)
    # "DOCTYPE/ENTITY" is the wording of the byte-level check that runs before libxml2 is called
    assert str(caught.value) == (
        f"{mhl}: contains a DOCTYPE/ENTITY declaration; MHL files never need one, and it could "
        "smuggle in entity expansion or references to other files, so this MHL is not read"
    )


@READERS
def test_entity_expansion_bomb_in_utf16_is_refused_before_parsing(
    tmp_path: Path, read: Reader
) -> None:
    mhl = write(tmp_path / "A001.mhl", billion_laughs(), encoding="utf-16")
    with pytest.raises(MhlError, match="contains a DOCTYPE/ENTITY declaration"):
        read(mhl)


@READERS
def test_a_plain_dtd_is_refused(tmp_path: Path, read: Reader) -> None:
    mhl = write(tmp_path / "A001.mhl", "<!DOCTYPE hashlist>\n" + GOOD.split("\n", 1)[1])
    with pytest.raises(MhlError, match=r"DOCTYPE.*MHL files never need one"):
        read(mhl)


@READERS
def test_an_external_entity_naming_a_local_file_is_refused_and_never_read(
    tmp_path: Path, read: Reader, secret_file: Path
) -> None:
    mhl = write(
        tmp_path / "A001.mhl",
        f'<!DOCTYPE hashlist [<!ENTITY xxe SYSTEM "file://{secret_file}">]>\n'
        "<hashlist><hash><file>&xxe;</file><size>1</size><md5>00</md5></hash></hashlist>",
    )
    with pytest.raises(MhlError, match="DOCTYPE") as caught:
        read(mhl)
    assert SECRET not in str(caught.value)


@READERS
def test_a_dtd_hidden_behind_a_long_comment_is_still_refused(
    tmp_path: Path, read: Reader, secret_file: Path
) -> None:
    """Past the byte-level check, the DTD is refused as soon as libxml2 has read the prolog."""
    mhl = write(
        tmp_path / "A001.mhl",
        LONG_COMMENT + f'<!DOCTYPE hashlist [<!ENTITY xxe SYSTEM "file://{secret_file}">]>\n'
        "<hashlist><hash><file>&xxe;</file><size>1</size><md5>00</md5></hash></hashlist>",
    )
    with pytest.raises(MhlError, match="contains a DOCTYPE declaration") as caught:
        read(mhl)
    assert SECRET not in str(caught.value)


def test_a_late_dtd_is_refused_before_any_element_is_handed_out(tmp_path: Path) -> None:
    mhl = write(
        tmp_path / "A001.mhl",
        LONG_COMMENT + "<!DOCTYPE hashlist>\n" + GOOD.split("\n", 1)[1],
    )
    handed_out: list[str] = []
    with pytest.raises(MhlError, match="DOCTYPE"):
        for element in xmlsafe.iterate_elements(mhl, ("hash",)):
            handed_out.append(str(element.findtext("file")))
    assert handed_out == []


@READERS
def test_an_external_entity_naming_a_url_is_never_fetched(
    tmp_path: Path, read: Reader, listener: socket.socket
) -> None:
    mhl = write(
        tmp_path / "A001.mhl",
        LONG_COMMENT  # so that libxml2 itself meets the DOCTYPE
        + f'<!DOCTYPE hashlist [<!ENTITY xxe SYSTEM "{url_of(listener, "x")}">]>\n'
        "<hashlist><hash><file>&xxe;</file><size>1</size><md5>00</md5></hash></hashlist>",
    )
    with pytest.raises(MhlError, match="DOCTYPE"):
        read(mhl)
    assert_never_contacted(listener)


@READERS
def test_an_external_dtd_and_parameter_entities_are_never_fetched(
    tmp_path: Path, read: Reader, listener: socket.socket
) -> None:
    external = tmp_path / "external.mhl"
    write(external, LONG_COMMENT + f'<!DOCTYPE hashlist SYSTEM "{url_of(listener, "d")}">\n<a/>')
    parameter = tmp_path / "parameter.mhl"
    write(
        parameter,
        LONG_COMMENT
        + f'<!DOCTYPE hashlist [<!ENTITY % p SYSTEM "{url_of(listener, "p")}"> %p;]>\n<a/>',
    )
    for mhl in (external, parameter):
        with pytest.raises(MhlError, match="DOCTYPE"):
            read(mhl)
    assert_never_contacted(listener)


def test_xinclude_is_not_processed(tmp_path: Path, secret_file: Path) -> None:
    mhl = write(
        tmp_path / "A001.mhl",
        '<hashlist xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<xi:include href="{secret_file}" parse="text"/></hashlist>',
    )
    tree = xmlsafe.parse_document(mhl)
    assert SECRET not in etree.tostring(tree).decode()


# --- things that are not small regular files -----------------------------------------------------


@READERS
@pytest.mark.timeout(20)
def test_a_fifo_is_refused_without_blocking_on_it(tmp_path: Path, read: Reader) -> None:
    fifo = tmp_path / "A001.mhl"
    os.mkfifo(fifo)
    with pytest.raises(MhlError, match="is not a regular file"):
        read(fifo)


@READERS
def test_a_file_larger_than_any_real_mhl_is_refused_unread(tmp_path: Path, read: Reader) -> None:
    mhl = tmp_path / "A001.mhl"
    with mhl.open("wb") as handle:
        handle.truncate(xmlsafe.MAX_MHL_BYTES + 1)  # sparse: costs no disk space
    with pytest.raises(MhlError, match=rf"is {xmlsafe.MAX_MHL_BYTES + 1} bytes, larger than"):
        read(mhl)


@READERS
def test_a_missing_file_is_refused_naming_it(tmp_path: Path, read: Reader) -> None:
    mhl = tmp_path / "gone.mhl"
    with pytest.raises(MhlError, match=r"gone\.mhl: cannot be read: No such file"):
        read(mhl)


# --- bounded memory ------------------------------------------------------------------------------


def test_iterate_elements_keeps_only_a_bounded_window_of_the_tree(tmp_path: Path) -> None:
    count = 20_000
    mhl = tmp_path / "big.mhl"
    with mhl.open("w", encoding="utf-8") as handle:
        handle.write("<hashlist>\n")
        for number in range(count):
            handle.write(f"<hash><file>C{number:06d}.mov</file><size>{number}</size></hash>\n")
        handle.write("</hashlist>\n")
    seen = 0
    widest = 0
    for element in xmlsafe.iterate_elements(mhl, ("hash",)):
        parent = element.getparent()
        assert parent is not None
        widest = max(widest, len(parent))
        seen += 1
    assert seen == count
    # libxml2 parses ahead one read buffer at a time; everything before the current entry is gone
    assert widest < 1000
