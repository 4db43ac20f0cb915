"""What an S3 store does with checksums, and `--probe`'s write, read back and delete of a small
object under `doctor/` (below the target's prefix)."""

from __future__ import annotations

import secrets
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from rollkeeper.doctor.model import Finding, fail, ok, warn
from rollkeeper.transfer.checksums import S3_NAMES
from rollkeeper.transfer.s3_target import S3Target

PROBE = b"rollkeeper doctor: a test object, deleted at once\n"
COMPATIBILITY = (
    "set [target] compatibility = true (objects are then proven by their ETag and read back), "
    "or choose a [target] checksum the store keeps"
)


def _checksums(answer: dict[str, Any]) -> list[str]:
    """The checksum kinds an answer carries (`CRC32`, `CRC64NVME`, …)."""
    return sorted(
        key.removeprefix("Checksum")
        for key, value in answer.items()
        if key.startswith("Checksum") and key != "ChecksumType" and value
    )


def _settled(inner: S3Target) -> Finding | None:
    """The answer when the configuration already says how objects are proven."""
    if inner.checksum_algorithm == "md5-etag":
        return ok(
            "target-checksums",
            "compatibility mode: objects are proven by their ETag (MD5) and the MHL hash, "
            "without the store's checksums",
        )
    if inner.checksum_algorithm == "off":
        return ok("target-checksums", "checksum = off: every stored object is read back and hashed")
    return None


def checksum_finding(inner: S3Target, marker: str, *, probing: bool) -> Finding | None:
    """Does the store keep and report checksums? Asked of the marker (HeadObject with
    ChecksumMode) when there is one; `--probe` asks with a fresh object (None: no marker to
    ask, and the probe will)."""
    settled = _settled(inner)
    if settled is not None:
        return settled
    try:
        answer = inner.client.head_object(Bucket=inner.bucket, Key=marker, ChecksumMode="ENABLED")
    except (ClientError, BotoCoreError):
        if probing:
            return None
        return warn(
            "target-checksums",
            "whether the store keeps checksums is not known yet (no identity marker to ask)",
            "run `rollkeeper doctor --probe` to write a test object and see",
        )
    kinds = _checksums(answer)
    if not kinds:
        return warn(
            "target-checksums",
            "the store reported no checksum for the identity marker: it may not keep them, and "
            "uploads could then never be proven",
            f"run `rollkeeper doctor --probe` to be sure; if it fails, {COMPATIBILITY}",
        )
    return ok(
        "target-checksums",
        f"the store keeps checksums (it reported {', '.join(kinds)} for the identity marker)",
        facts={"kinds": kinds},
    )


def _probe_key(inner: S3Target) -> str:
    prefix = inner.settings.prefix.strip("/")
    name = f"doctor/probe-{secrets.token_hex(6)}"
    return f"{prefix}/{name}" if prefix else name


def _probe_fix(doing: str, code: str) -> str:
    if code == "AccessDenied":
        return (
            "the credentials must be allowed to put, get and delete objects under the prefix "
            "(check the bucket policy or the key's permissions)"
        )
    if doing == "writing" and code in ("InvalidRequest", "NotImplemented", "BadDigest"):
        return COMPATIBILITY
    return "check the store's health and the credentials' permissions"


def s3_probe(inner: S3Target) -> Finding:
    """A small object put with the configured checksum, read back, compared and deleted."""
    key = _probe_key(inner)
    algorithm = S3_NAMES[inner.checksum_algorithm]
    extra = {"ChecksumAlgorithm": algorithm} if algorithm else {}
    client, bucket = inner.client, inner.bucket
    doing = "writing"
    try:
        answer = client.put_object(Bucket=bucket, Key=key, Body=PROBE, **extra)
        doing = "reading back"
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        doing = "deleting"
        client.delete_object(Bucket=bucket, Key=key)
    except (ClientError, BotoCoreError) as err:
        code = err.response.get("Error", {}).get("Code", "") if isinstance(err, ClientError) else ""
        return fail(
            "target-probe",
            f"{doing} the test object {key} failed ({code or type(err).__name__})",
            _probe_fix(doing, code),
        )
    if body != PROBE:
        return fail(
            "target-probe",
            f"the test object {key} read back different from what was written",
            "the store is not keeping what is written: contact its operator",
        )
    if algorithm and not answer.get(f"Checksum{algorithm}"):
        return fail(
            "target-probe",
            f"the store took the test object but reported no {algorithm} checksum for it, so "
            "no upload could be proven",
            COMPATIBILITY,
        )
    return ok(
        "target-probe",
        f"a test object was written ({algorithm or 'no'} checksum), read back and deleted at {key}",
    )
