"""Full-object and composite checksums, computed chunk by chunk as the pipeline reads."""

from __future__ import annotations

import base64
import hashlib

import pytest
from awscrt import checksums as crt
from rollkeeper.transfer.checksums import ObjectChecksum

DATA = bytes(range(256)) * 4096  # 1 MiB


def feed(algorithm: str, parts: list[bytes]) -> ObjectChecksum:
    checksum = ObjectChecksum(algorithm)  # type: ignore[arg-type]
    for part in parts:
        for start in range(0, len(part), 100_000):  # chunks smaller than parts, as read
            checksum.update(part[start : start + 100_000])
        checksum.end_part()
    return checksum


def test_crc64nvme_whole_is_the_crc_of_all_bytes_however_they_were_chunked() -> None:
    checksum = feed("crc64nvme", [DATA[:300_000], DATA[300_000:]])
    expected = base64.b64encode(crt.crc64nvme(DATA).to_bytes(8, "big")).decode()
    assert checksum.whole() == expected


def test_sha256_composite_is_the_hash_of_the_part_hashes_with_the_part_count() -> None:
    parts = [DATA[:500_000], DATA[500_000:]]
    checksum = feed("sha256", parts)
    inner = b"".join(hashlib.sha256(p).digest() for p in parts)
    assert checksum.composite() == base64.b64encode(hashlib.sha256(inner).digest()).decode() + "-2"


def test_md5_etag_matches_the_multipart_etag_convention() -> None:
    parts = [DATA[:600_000], DATA[600_000:]]
    checksum = feed("md5-etag", parts)
    inner = b"".join(hashlib.md5(p).digest() for p in parts)  # noqa: S324 - the ETag convention
    assert checksum.matches(f'"{hashlib.md5(inner).hexdigest()}-2"', multipart=True)  # noqa: S324


@pytest.mark.parametrize("algorithm", ["crc64nvme", "crc32c", "sha256"])
def test_a_different_stored_checksum_never_matches(algorithm: str) -> None:
    checksum = feed(algorithm, [DATA])
    other = feed(algorithm, [DATA[:-1] + b"\x00"])
    assert not checksum.matches(other.whole(), multipart=True)
    assert not checksum.matches(None, multipart=False)


def test_off_proves_nothing_by_checksum() -> None:
    checksum = feed("off", [DATA])
    assert not checksum.matches(checksum.whole(), multipart=False)
