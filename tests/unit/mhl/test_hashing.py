"""Specification: hash algorithms, their canonical text, and the single streaming pass.

FORMATS.md §1-§2: xxh64 is canonical big-endian hex (what `xxhsum -H64` prints), xxh32 is hex
once read, C4 is SHA-512 in base58 with a `c4` prefix; every hash of a file comes from one read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import xxhash
from rollkeeper.mhl.hashing import (
    StreamResult,
    c4_from_digest,
    c4_of_bytes,
    hash_file,
    new_hasher,
    normalise_value,
)
from rollkeeper.mhl.model import HashKind

from tests.builders import clip

#: Published test vectors of the empty input.
EMPTY = {
    HashKind.XXH64: "ef46db3751d8e999",
    HashKind.XXH32: "02cc5d05",
    HashKind.XXH3: "2d06800538d394c2",
    HashKind.XXH128: "99aa06d3014798d86001c324468d497f",
    HashKind.MD5: "d41d8cd98f00b204e9800998ecf8427e",
    HashKind.SHA1: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    HashKind.C4: (
        "c459dsjfscH38cYeXXYogktxf4Cd9ibshE3BHUo6a58hBXmRQdZrAkZzsWcbWtDg5oQstpDuni4Hirj75GEmTc1sFT"
    ),
}


def reference(kind: HashKind, data: bytes) -> str:
    """Each algorithm's digest straight from its library, in the canonical text form."""
    if kind is HashKind.XXH64:
        return xxhash.xxh64(data).intdigest().to_bytes(8, "big").hex()
    if kind is HashKind.XXH32:
        return f"{xxhash.xxh32(data).intdigest():08x}"
    if kind is HashKind.XXH3:
        return xxhash.xxh3_64(data).hexdigest()
    if kind is HashKind.XXH128:
        return xxhash.xxh3_128(data).hexdigest()
    if kind is HashKind.MD5:
        return hashlib.md5(data, usedforsecurity=False).hexdigest()
    if kind is HashKind.SHA1:
        return hashlib.sha1(data, usedforsecurity=False).hexdigest()
    return c4_from_digest(hashlib.sha512(data).digest())


def stream(path: Path, kinds: list[HashKind], chunk_size: int) -> tuple[StreamResult, list[int]]:
    chunks: list[int] = []
    result = hash_file(path, kinds, on_bytes=chunks.append, chunk_size=chunk_size)
    return result, chunks


# --- canonical text of each algorithm ------------------------------------------------------------


@pytest.mark.parametrize("kind", list(HashKind))
def test_each_kind_of_the_empty_input_matches_the_published_vector(kind: HashKind) -> None:
    hasher = new_hasher(kind)
    assert hasher.hexdigest() == EMPTY[kind]


def test_xxh64_text_is_the_canonical_big_endian_form_xxhsum_prints() -> None:
    hasher = new_hasher(HashKind.XXH64)
    hasher.update(b"abc")
    assert hasher.hexdigest() == "44bc2cf5ad770999"  # `printf abc | xxhsum -H64`


def test_c4_of_a_known_input_matches_the_c4_specification() -> None:
    assert c4_of_bytes(b"foo") == (
        "c45xZeXwMSpqXjpDumcHMA6mhoAmGHkUo7r9WmN2UgSEQzj9KjgseaQdkEJ11fGb5S1WEENcV3q8RFWwEeVpC7Fjk2"
    )


def test_a_c4_id_is_always_ninety_characters_padded_with_the_base58_zero() -> None:
    assert c4_from_digest(bytes(64)) == "c4" + "1" * 88
    assert c4_from_digest(bytes(63) + b"\x01") == "c4" + "1" * 87 + "2"
    assert len(c4_of_bytes(b"anything")) == 90


@pytest.mark.interop
@pytest.mark.parametrize("kind", list(HashKind))
def test_each_kind_agrees_with_the_ascmhl_reference_implementation(kind: HashKind) -> None:
    ascmhl_hasher = pytest.importorskip("ascmhl.hasher")
    data = clip(11, 70_000)
    theirs = ascmhl_hasher.new_hasher_for_hash_type(kind.value)
    theirs.update(data)
    ours = new_hasher(kind)
    ours.update(data)
    assert ours.hexdigest() == theirs.string_digest()


# --- normalising values found in MHLs -------------------------------------------------------------


def test_a_hex_value_is_stripped_and_lower_cased() -> None:
    assert normalise_value(HashKind.XXH64, "  EF46DB3751D8E999\n") == "ef46db3751d8e999"


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (HashKind.XXH64, "ef46db3751d8e99"),  # one digit short
        (HashKind.XXH64, "ef46db3751d8e9999"),  # one digit long
        (HashKind.XXH64, "ef46db3751d8e99g"),  # not hex
        (HashKind.MD5, "0x" + "0" * 30),
        (HashKind.SHA1, ""),
        (HashKind.XXH32, "\uff11" * 8),  # full-width digits are not hex
    ],
)
def test_a_malformed_hex_value_is_rejected(kind: HashKind, text: str) -> None:
    assert normalise_value(kind, text) is None


def test_a_c4_value_is_stripped_but_keeps_its_case() -> None:
    value = EMPTY[HashKind.C4]
    assert normalise_value(HashKind.C4, f" {value}\n") == value


@pytest.mark.parametrize("wrong", ["0", "O", "I", "l"])
def test_a_c4_value_with_a_character_outside_base58_is_rejected(wrong: str) -> None:
    assert normalise_value(HashKind.C4, EMPTY[HashKind.C4][:-1] + wrong) is None


def test_a_c4_value_of_the_wrong_length_is_rejected() -> None:
    value = EMPTY[HashKind.C4]
    assert normalise_value(HashKind.C4, value[:-1]) is None
    assert normalise_value(HashKind.C4, value + "1") is None


# --- the single streaming pass --------------------------------------------------------------------


def test_every_requested_hash_comes_from_one_read_of_the_file(tmp_path: Path) -> None:
    data = clip(3, 10_000)
    path = tmp_path / "A001C001.mov"
    path.write_bytes(data)
    kinds = list(HashKind)
    result, chunks = stream(path, kinds, chunk_size=4096)
    assert result.size == len(data)
    assert sum(chunks) == len(data)  # not len(data) per algorithm: the bytes were read once
    assert result.digests == {kind: reference(kind, data) for kind in kinds}


def test_progress_is_told_each_chunk_and_exactly_the_file_size(tmp_path: Path) -> None:
    data = clip(4, 10_000)
    path = tmp_path / "A001C001.mov"
    path.write_bytes(data)
    _result, chunks = stream(path, [HashKind.MD5], chunk_size=4096)
    assert chunks == [4096, 4096, 1808]


def test_a_large_file_read_ahead_on_a_helper_thread_gives_the_same_digests(
    tmp_path: Path,
) -> None:
    """Big files are read one buffer ahead of the hashing: the bytes must still arrive in order."""
    mib = 1024 * 1024
    data = b"".join(clip(n, mib) for n in range(17)) + b"end"  # past the read-ahead threshold
    path = tmp_path / "A001C001.mxf"
    path.write_bytes(data)
    kinds = [HashKind.XXH64, HashKind.MD5, HashKind.XXH128]
    result, chunks = stream(path, kinds, chunk_size=mib)
    assert chunks == [mib] * 17 + [3]
    assert result.size == len(data)
    assert result.digests == {kind: reference(kind, data) for kind in kinds}


def test_only_the_requested_kinds_are_computed(tmp_path: Path) -> None:
    path = tmp_path / "a.mov"
    path.write_bytes(b"abc")
    result = hash_file(path, [HashKind.XXH64, HashKind.MD5])
    assert set(result.digests) == {HashKind.XXH64, HashKind.MD5}


def test_a_file_of_exactly_one_chunk_is_one_progress_call(tmp_path: Path) -> None:
    path = tmp_path / "a.mov"
    path.write_bytes(clip(5, 4096))
    _result, chunks = stream(path, [HashKind.XXH64], chunk_size=4096)
    assert chunks == [4096]


def test_an_empty_file_has_size_zero_the_empty_digests_and_no_progress(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    result, chunks = stream(path, list(HashKind), chunk_size=4096)
    assert result == StreamResult(0, EMPTY)
    assert chunks == []


def test_a_missing_file_raises_the_os_error_for_the_caller_to_report(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        hash_file(tmp_path / "gone.mov", [HashKind.XXH64])


def test_a_directory_raises_the_os_error_for_the_caller_to_report(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        hash_file(tmp_path, [HashKind.XXH64])
