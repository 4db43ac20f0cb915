"""Specification: reading legacy MHL v1.x leniently and writing it strictly (FORMATS.md §1)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xxhash
from rollkeeper.core.errors import MhlError
from rollkeeper.mhl.legacy import read_legacy, render_legacy
from rollkeeper.mhl.model import ExpectedHash, HashAction, HashKind, MhlEntry, SourceFormat
from rollkeeper.mhl.verify import FileStatus, RollVerdict, verify_path

from tests.builders import clip, legacy_entry, legacy_mhl, write_files

CONTENT = clip(7, 2500)
XXH64_BE = xxhash.xxh64(CONTENT).intdigest().to_bytes(8, "big").hex()
XXH64_LE = xxhash.xxh64(CONTENT).intdigest().to_bytes(8, "little").hex()
XXH32 = xxhash.xxh32(CONTENT).intdigest()
MD5 = hashlib.md5(CONTENT, usedforsecurity=False).hexdigest()
SHA1 = hashlib.sha1(CONTENT, usedforsecurity=False).hexdigest()


def write_mhl(folder: Path, entries: list[str], *, version: str = "1.1") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    mhl = folder / "A001_2026-11-21_100000.mhl"
    mhl.write_text(legacy_mhl(entries, version=version), encoding="utf-8")
    return mhl


def write_raw(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    mhl = folder / "A001_2026-11-21_100000.mhl"
    mhl.write_text(text, encoding="utf-8")
    return mhl


def only_entry(mhl: Path) -> MhlEntry:
    entries, _warnings = read_legacy(mhl)
    assert len(entries) == 1
    return entries[0]


def hashes_of(mhl: Path) -> tuple[ExpectedHash, ...]:
    return only_entry(mhl).hashes


# --- hash elements and their encodings ------------------------------------------------------------


def test_xxhash64be_is_read_as_canonical_xxh64(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, f"<xxhash64be>{XXH64_BE}</xxhash64be>")])
    assert hashes_of(mhl) == (ExpectedHash(HashKind.XXH64, XXH64_BE),)


def test_xxhash64_is_the_little_endian_dump_and_is_byte_reversed(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, f"<xxhash64>{XXH64_LE}</xxhash64>")])
    assert hashes_of(mhl) == (ExpectedHash(HashKind.XXH64, XXH64_BE),)


@pytest.mark.parametrize("text", [f"{XXH32:010d}", str(XXH32), f" {XXH32:010d}\n"])
def test_xxhash_is_xxh32_in_decimal_and_is_read_as_hex(tmp_path: Path, text: str) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, f"<xxhash>{text}</xxhash>")])
    assert hashes_of(mhl) == (ExpectedHash(HashKind.XXH32, f"{XXH32:08x}"),)


def test_xxhash_with_a_small_value_keeps_its_leading_zeros_in_hex(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, "<xxhash>0000000255</xxhash>")])
    assert hashes_of(mhl) == (ExpectedHash(HashKind.XXH32, "000000ff"),)


@pytest.mark.parametrize("text", [str(2**32), "12ab", "-1", "", "١٢٣", "²"])
def test_xxhash_that_is_not_a_32_bit_decimal_is_refused(tmp_path: Path, text: str) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, f"<xxhash>{text}</xxhash>")])
    with pytest.raises(MhlError, match="xxhash"):
        read_legacy(mhl)


def test_md5_and_sha1_are_read_as_hex(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, f"<md5>{MD5}</md5><sha1>{SHA1}</sha1>")])
    assert hashes_of(mhl) == (ExpectedHash(HashKind.MD5, MD5), ExpectedHash(HashKind.SHA1, SHA1))


def test_upper_case_hex_and_element_names_are_read_as_canonical_lower_case(
    tmp_path: Path,
) -> None:
    element = f"<XXHash64BE>{XXH64_BE.upper()}</XXHash64BE><MD5>{MD5.upper()}</MD5>"
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, element)])
    assert hashes_of(mhl) == (
        ExpectedHash(HashKind.XXH64, XXH64_BE),
        ExpectedHash(HashKind.MD5, MD5),
    )


def test_every_legacy_hash_is_recorded_as_original(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, f"<md5>{MD5}</md5>")])
    entry = only_entry(mhl)
    assert entry.hashes[0].action is HashAction.ORIGINAL
    assert entry.source_format is SourceFormat.LEGACY
    assert entry.mhl_file == mhl
    assert not entry.known_bad


@pytest.mark.parametrize(
    "element",
    [
        "<md5>abc</md5>",
        f"<md5>{MD5}00</md5>",
        f"<sha1>{MD5}</sha1>",
        f"<xxhash64be>{XXH64_BE[:-1]}g</xxhash64be>",
        f"<xxhash64>{XXH64_LE}ff</xxhash64>",
    ],
)
def test_a_malformed_hash_value_is_refused_naming_the_element(tmp_path: Path, element: str) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, element)])
    name = element[1 : element.index(">")]
    with pytest.raises(MhlError, match=rf"<{name}> value .* is not a valid {name}"):
        read_legacy(mhl)


def test_null_is_a_size_only_check(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 2500, "<null/>")])
    entry = only_entry(mhl)
    assert entry.hashes == ()
    assert entry.size == 2500


def test_null_without_a_size_is_refused(tmp_path: Path) -> None:
    mhl = write_raw(
        tmp_path, "<hashlist version='1.1'><hash><file>a.mov</file><null/></hash></hashlist>"
    )
    with pytest.raises(MhlError, match="needs a <size>"):
        read_legacy(mhl)


def test_an_entry_with_only_unknown_hashes_is_refused_naming_them(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, "<sha256>00</sha256>")])
    with pytest.raises(MhlError, match=r"names no hash this tool knows \(found: <sha256>"):
        read_legacy(mhl)


# --- lenient structure ----------------------------------------------------------------------------


def test_elements_in_any_order_are_read_by_name(tmp_path: Path) -> None:
    mhl = write_raw(
        tmp_path,
        "<hashlist version='1.1'><hash>"
        f"<hashdate>2026-11-21T10:00:00Z</hashdate><md5>{MD5}</md5><size>2500</size>"
        "<lastmodificationdate>2026-11-21T10:00:00Z</lastmodificationdate><file>Clip/a.mov</file>"
        "</hash></hashlist>",
    )
    entry = only_entry(mhl)
    assert (entry.path, entry.size, entry.hashes) == (
        "Clip/a.mov",
        2500,
        (ExpectedHash(HashKind.MD5, MD5),),
    )


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_known_versions_are_read_without_warning(tmp_path: Path, version: str) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, f"<md5>{MD5}</md5>")], version=version)
    _entries, warnings = read_legacy(mhl)
    assert warnings == []


def test_an_unknown_version_is_read_with_a_warning(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("a.mov", 1, f"<md5>{MD5}</md5>")], version="1.7")
    entries, warnings = read_legacy(mhl)
    assert len(entries) == 1
    assert len(warnings) == 1
    assert "unknown MHL version '1.7'" in warnings[0]


def test_size_zero_is_read_for_an_empty_file(tmp_path: Path) -> None:
    empty_xxh64 = xxhash.xxh64(b"").hexdigest()
    mhl = write_mhl(tmp_path, [legacy_entry("e.txt", 0, f"<xxhash64be>{empty_xxh64}</xxhash64be>")])
    assert only_entry(mhl).size == 0


@pytest.mark.parametrize("text", ["-5", "1.5", "", "²", "٣"])
def test_a_size_that_is_not_a_byte_count_is_refused(tmp_path: Path, text: str) -> None:
    mhl = write_raw(
        tmp_path,
        f"<hashlist version='1.1'><hash><file>a.mov</file><size>{text}</size>"
        f"<md5>{MD5}</md5></hash></hashlist>",
    )
    with pytest.raises(MhlError, match="is not a byte count"):
        read_legacy(mhl)


def test_windows_separators_are_read_as_slashes(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("Clip\\A001\\a.mov", 1, f"<md5>{MD5}</md5>")])
    assert only_entry(mhl).path == "Clip/A001/a.mov"


def test_dot_segments_and_doubled_slashes_are_normalised_away(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry("./Clip//a.mov", 1, f"<md5>{MD5}</md5>")])
    assert only_entry(mhl).path == "Clip/a.mov"


def test_entries_keep_the_order_of_the_file(tmp_path: Path) -> None:
    names = ["z.mov", "a.mov", "m/b.mov"]
    mhl = write_mhl(tmp_path, [legacy_entry(n, 1, f"<md5>{MD5}</md5>") for n in names])
    entries, _ = read_legacy(mhl)
    assert [e.path for e in entries] == names


# --- hostile or broken input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["../outside.mov", "Clip/../../outside.mov", "/etc/passwd", "C:\\x.mov", "\\\\srv\\x"]
)
def test_a_path_that_leaves_the_folder_is_refused(tmp_path: Path, path: str) -> None:
    mhl = write_mhl(tmp_path, [legacy_entry(path, 1, f"<md5>{MD5}</md5>")])
    with pytest.raises(MhlError, match="this MHL is not trusted"):
        read_legacy(mhl)


def test_an_entry_without_a_file_is_refused(tmp_path: Path) -> None:
    mhl = write_raw(tmp_path, f"<hashlist version='1.1'><hash><md5>{MD5}</md5></hash></hashlist>")
    with pytest.raises(MhlError, match="entry 1 has no <file> element"):
        read_legacy(mhl)


def test_an_mhl_without_entries_is_refused(tmp_path: Path) -> None:
    mhl = write_mhl(tmp_path, [])
    with pytest.raises(MhlError, match="lists no files"):
        read_legacy(mhl)


def test_an_asc_manifest_is_not_read_as_legacy(tmp_path: Path) -> None:
    mhl = write_raw(tmp_path, "<hashlist xmlns='urn:ASC:MHL:v2.0' version='2.0'/>")
    with pytest.raises(MhlError, match="not a legacy MHL"):
        read_legacy(mhl)


def test_a_doctype_is_refused_before_parsing(tmp_path: Path) -> None:
    mhl = write_raw(
        tmp_path,
        '<?xml version="1.0"?>\n<!DOCTYPE hashlist [<!ENTITY x "a.mov">]>\n'
        f"<hashlist version='1.1'><hash><file>&x;</file><md5>{MD5}</md5></hash></hashlist>",
    )
    with pytest.raises(MhlError, match="DOCTYPE"):
        read_legacy(mhl)


def test_xml_that_is_not_well_formed_is_refused(tmp_path: Path) -> None:
    mhl = write_raw(tmp_path, "<hashlist version='1.1'><hash><file>a.mov</file>")
    with pytest.raises(MhlError, match="not well-formed"):
        read_legacy(mhl)


# --- verification follows the spec, not lenient tools ---------------------------------------------


def _roll_with(tmp_path: Path, hash_element: str) -> Path:
    roll = write_files(tmp_path / "A001", {"a.mov": CONTENT})
    write_mhl(roll, [legacy_entry("a.mov", len(CONTENT), hash_element)])
    return roll


@pytest.mark.parametrize(
    "element",
    [
        f"<xxhash64be>{XXH64_BE}</xxhash64be>",
        f"<xxhash64>{XXH64_LE}</xxhash64>",
        f"<xxhash>{XXH32:010d}</xxhash>",
        f"<md5>{MD5}</md5>",
        f"<sha1>{SHA1}</sha1>",
    ],
    ids=["xxhash64be", "xxhash64", "xxhash", "md5", "sha1"],
)
def test_each_legacy_hash_verifies_its_file(tmp_path: Path, element: str) -> None:
    [result] = verify_path(_roll_with(tmp_path, element))
    assert result.verdict is RollVerdict.VERIFIED
    assert [f.status for f in result.files] == [FileStatus.OK]
    assert result.bytes_hashed == len(CONTENT)


def test_xxhash64_holding_the_big_endian_value_is_a_mismatch(tmp_path: Path) -> None:
    """`xxhash64` is the byte-reversed dump; a tool that accepts either order would miss this."""
    assert XXH64_BE != XXH64_LE
    [result] = verify_path(_roll_with(tmp_path, f"<xxhash64>{XXH64_BE}</xxhash64>"))
    assert [f.status for f in result.files] == [FileStatus.MISMATCH]
    assert result.verdict is RollVerdict.FAILED


def test_xxhash64be_holding_the_little_endian_value_is_a_mismatch(tmp_path: Path) -> None:
    [result] = verify_path(_roll_with(tmp_path, f"<xxhash64be>{XXH64_LE}</xxhash64be>"))
    assert [f.status for f in result.files] == [FileStatus.MISMATCH]


def test_xxhash_holding_an_xxh64_in_decimal_is_refused_as_out_of_range(tmp_path: Path) -> None:
    """`xxhash` is XXH32; an XXH64 value does not fit 32 bits, so the MHL is not trusted."""
    value = xxhash.xxh64(CONTENT).intdigest()
    assert value >= 2**32
    [result] = verify_path(_roll_with(tmp_path, f"<xxhash>{value}</xxhash>"))
    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert "<xxhash>" in result.error


def test_xxhash_holding_a_different_32_bit_value_is_a_mismatch(tmp_path: Path) -> None:
    other = (XXH32 + 1) % 2**32
    [result] = verify_path(_roll_with(tmp_path, f"<xxhash>{other:010d}</xxhash>"))
    assert [f.status for f in result.files] == [FileStatus.MISMATCH]


def test_every_hash_of_an_entry_must_match(tmp_path: Path) -> None:
    wrong_sha1 = "0" * 40
    [result] = verify_path(_roll_with(tmp_path, f"<md5>{MD5}</md5><sha1>{wrong_sha1}</sha1>"))
    [file] = result.files
    assert file.status is FileStatus.MISMATCH
    assert file.actual == {HashKind.MD5: MD5, HashKind.SHA1: SHA1}


def test_a_malformed_mhl_makes_the_roll_invalid_with_a_message_naming_it(tmp_path: Path) -> None:
    roll = _roll_with(tmp_path, "<md5>nothex</md5>")
    [result] = verify_path(roll)
    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert "A001_2026-11-21_100000.mhl" in result.error


# --- writing --------------------------------------------------------------------------------------

MOMENT = datetime(2026, 11, 21, 10, 0, 0, tzinfo=UTC)


def test_render_legacy_round_trips_through_the_reader(tmp_path: Path) -> None:
    data = render_legacy(
        [
            ("Clip/a.mov", 2500, MOMENT, {HashKind.XXH64: XXH64_BE, HashKind.MD5: MD5}),
            ("Café & co.wav", 0, MOMENT, {HashKind.SHA1: SHA1}),
        ],
        username="dit",
        hostname="cart",
        tool="rollkeeper test",
        started=MOMENT,
        finished=MOMENT,
    )
    mhl = tmp_path / "A001.mhl"
    mhl.write_bytes(data)

    entries, warnings = read_legacy(mhl)

    assert warnings == []
    assert [(e.path, e.size, e.hashes) for e in entries] == [
        (
            "Clip/a.mov",
            2500,
            (ExpectedHash(HashKind.XXH64, XXH64_BE), ExpectedHash(HashKind.MD5, MD5)),
        ),
        ("Café & co.wav", 0, (ExpectedHash(HashKind.SHA1, SHA1),)),
    ]


def test_render_legacy_writes_elements_in_the_xsd_order_and_xxh64_as_xxhash64be(
    tmp_path: Path,
) -> None:
    data = render_legacy(
        [("a.mov", 1, MOMENT, {HashKind.MD5: MD5, HashKind.SHA1: SHA1, HashKind.XXH64: XXH64_BE})],
        username="dit",
        hostname="cart",
        tool="t",
        started=MOMENT,
        finished=MOMENT,
    ).decode()
    file, size, modified, hashdate = (
        data.index(f"<{tag}>") for tag in ("file", "size", "lastmodificationdate", "hashdate")
    )
    assert file < size < modified < hashdate
    assert all(modified < data.index(f"<{t}>") < hashdate for t in ("xxhash64be", "md5", "sha1"))
    assert "<xxhash64>" not in data
    assert data.startswith("<?xml version='1.0' encoding='UTF-8'?>")
