"""Full-object checksums computed locally in the same pass that reads and uploads each byte.

The store computes the same value from what it received; equality proves the stored object is
exactly the bytes that matched the MHL. Multipart objects are proven either as FULL_OBJECT
(one checksum over the whole object, CRC64NVME and CRC32C) or COMPOSITE (a checksum of the
parts' checksums, `…-N`), whichever the store reports: both are computed.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Literal

Algorithm = Literal["crc64nvme", "crc32c", "sha256", "md5-etag", "off"]

#: The S3 API's name for each algorithm (None: nothing to send).
S3_NAMES: dict[str, str | None] = {
    "crc64nvme": "CRC64NVME",
    "crc32c": "CRC32C",
    "sha256": "SHA256",
    "md5-etag": None,
    "off": None,
}


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class _Running:
    """One incremental digest of the algorithm, whatever its library's shape."""

    def __init__(self, algorithm: Algorithm) -> None:
        # awscrt costs 70 ms to import: only a digest that is computed pays it (`status` and
        # `clearance` import this module but never hash)
        from awscrt import checksums as crt

        self._crt = crt
        self.algorithm = algorithm
        self._crc = 0
        self._hash = (
            hashlib.sha256()
            if algorithm == "sha256"
            else hashlib.md5(usedforsecurity=False)
            if algorithm == "md5-etag"
            else None
        )

    def update(self, data: bytes | bytearray | memoryview) -> None:
        if self.algorithm == "crc64nvme":
            self._crc = self._crt.crc64nvme(data, self._crc)
        elif self.algorithm == "crc32c":
            self._crc = self._crt.crc32c(data, self._crc)
        elif self._hash is not None:
            self._hash.update(data)

    def raw(self) -> bytes:
        if self.algorithm == "crc64nvme":
            return self._crc.to_bytes(8, "big")
        if self.algorithm == "crc32c":
            return self._crc.to_bytes(4, "big")
        return self._hash.digest() if self._hash is not None else b""


@dataclass(slots=True)
class ObjectChecksum:
    """The whole object's checksum and each part's, fed chunk by chunk in reading order."""

    algorithm: Algorithm
    _whole: _Running = field(init=False)
    _part: _Running = field(init=False)
    part_values: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._whole = _Running(self.algorithm)
        self._part = _Running(self.algorithm)

    def update(self, data: bytes | bytearray | memoryview) -> None:
        self._whole.update(data)
        self._part.update(data)

    def end_part(self) -> str | None:
        """Close the current part; its checksum as the API writes it (None: nothing to send)."""
        raw = self._part.raw()
        self.part_values.append(raw)
        self._part = _Running(self.algorithm)
        if self.algorithm == "md5-etag":
            return raw.hex()
        return _b64(raw) if S3_NAMES[self.algorithm] else None

    def whole(self) -> str:
        """The full-object checksum as the store reports it (md5-etag: the plain ETag)."""
        raw = self._whole.raw()
        return raw.hex() if self.algorithm == "md5-etag" else _b64(raw)

    def composite(self) -> str:
        """The checksum of the parts' checksums, `value-N`, as stores report multipart objects."""
        count = len(self.part_values)
        combined = _Running(self.algorithm)
        combined.update(b"".join(self.part_values))
        raw = combined.raw()
        value = raw.hex() if self.algorithm == "md5-etag" else _b64(raw)
        return f"{value}-{count}"

    def matches(self, stored: str | None, *, multipart: bool) -> bool:
        """Whether the store's reported checksum is this object's (either representation)."""
        if stored is None or self.algorithm == "off":
            return False
        stored = stored.strip('"')
        candidates = {self.whole()}
        if multipart:
            candidates.add(self.composite())
        return stored in candidates
