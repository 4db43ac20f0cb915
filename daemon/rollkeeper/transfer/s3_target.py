"""An S3-compatible bucket as primary storage, through boto3.

Writes are conditional (`If-None-Match: *`) so nothing is ever overwritten; every part and every
object carries the checksum we computed locally, so the store rejects damaged transfers
(BadDigest) and reports the checksum it stored, which must equal ours.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import xxhash
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    PartialCredentialsError,
    SSLError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from rollkeeper.config.sections import TargetSettings
from rollkeeper.mhl.hashing import CHUNK_SIZE
from rollkeeper.transfer import s3_listing
from rollkeeper.transfer.checksums import S3_NAMES, Algorithm, ObjectChecksum
from rollkeeper.transfer.s3_client import make_client
from rollkeeper.transfer.targets import (
    KeyConflict,
    PartReceipt,
    Payload,
    ReadBack,
    StoredObject,
    TargetUnusable,
    TransientFailure,
)

#: The smallest part S3 accepts (but for the last), and auto's choice up to 50 GB files:
#: little memory per part in flight and little to send again after an interruption.
MIN_PART = 5 * 1024 * 1024
MAX_PARTS = 10_000
XXH64_METADATA = "xxh64"

_FIX = {
    "InvalidAccessKeyId": "the access key id is not known to the store; check the credentials",
    "SignatureDoesNotMatch": "the secret key is wrong; check the credentials",
    "AccessDenied": "the credentials were refused, or may not write to this bucket; check the "
    "credentials ([target] profile or access key variables) and the bucket policy",
    "AllAccessDisabled": "all access to this bucket is disabled",
    "NoSuchBucket": "the bucket does not exist; create it or fix [target] bucket",
    "InvalidBucketName": "the bucket name is not valid",
    "ExpiredToken": "the session token has expired; renew the credentials",
    "InvalidToken": "the session token is not valid; renew the credentials",
    "AccountProblem": "the storage account has a problem; contact the provider",
}
_CONFLICT = {"PreconditionFailed", "ConditionalRequestConflict"}


class RequestBody:
    """Bytes as a request body, sent without a copy.

    botocore copies a bytes-like body into its signer's stream (and a `bytes` one into the
    request's first packet); a seekable reader is passed through as it is. `read` hands out
    views of the caller's buffer, which the HTTP layer sends straight to the socket;
    `readinto` serves the signer when payload signing is on.
    """

    def __init__(self, data: Payload) -> None:
        self._view = memoryview(data).cast("B")
        self._at = 0

    def __len__(self) -> int:
        return len(self._view)

    def read(self, size: int = -1) -> memoryview:
        end = len(self._view) if size < 0 else min(len(self._view), self._at + size)
        chunk = self._view[self._at : end]
        self._at = end
        return chunk

    def readinto(self, target: memoryview) -> int:
        chunk = self.read(len(target))
        target[: len(chunk)] = chunk
        return len(chunk)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._at, 2: len(self._view)}[whence]
        self._at = max(0, min(len(self._view), base + offset))
        return self._at

    def tell(self) -> int:
        return self._at


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


class S3Target:
    """Objects in one bucket; all requests through one thread-safe boto3 client."""

    proven_by_read_back = False
    refuses_overwrite = True

    def __init__(self, settings: TargetSettings) -> None:
        if settings.bucket is None:
            raise TargetUnusable("[target] kind 's3' needs a bucket")
        self.settings = settings
        self.bucket = settings.bucket
        self.checksum_algorithm: Algorithm = (
            "md5-etag"
            if settings.compatibility and settings.checksum != "off"
            else settings.checksum
        )
        self.proven_by_read_back = self.checksum_algorithm == "off"
        self.refuses_overwrite = settings.conditional_writes
        where = settings.endpoint_url or f"AWS {settings.region or 'default region'}"
        self.description = f"s3://{self.bucket}/{settings.prefix} at {where}"
        self.client = make_client(settings, pool=max(10, settings.max_concurrency * 2))
        s3_listing.read_listings_fast(self.client)

    # --- errors ---------------------------------------------------------------------------------

    def _translate(self, error: Exception, doing: str) -> Exception:
        if isinstance(error, ClientError):
            code = _code(error)
            if not code.isalpha():  # HEAD answers carry no body, so no error code: use the status
                code = {403: "AccessDenied", 401: "AccessDenied"}.get(_status(error), code)
            if code in _FIX:
                return TargetUnusable(f"{self.description}: {doing} refused ({code}): {_FIX[code]}")
            if code in _CONFLICT:
                return KeyConflict(f"{doing}: the key already holds an object ({code})")
            return TransientFailure(
                f"{self.description}: {doing} failed ({code or _status(error)})"
            )
        if isinstance(error, SSLError):
            return TargetUnusable(
                f"{self.description}: the endpoint's TLS certificate is not trusted ({error}); "
                "set [target] ca_bundle to the CA that signed it (verify_tls = false only on a "
                "closed network)"
            )
        if isinstance(error, NoCredentialsError | PartialCredentialsError):
            return TargetUnusable(
                f"{self.description}: no S3 credentials found; set [target] profile, "
                "access_key_id_env/secret_access_key_env, or the standard AWS variables"
            )
        if isinstance(error, BotoConnectionError | BotoCoreError | OSError):
            return TransientFailure(f"{self.description}: {doing} failed ({type(error).__name__})")
        return error

    def _call(self, doing: str, operation: str, **arguments: Any) -> Any:
        try:
            return getattr(self.client, operation)(**arguments)
        except (ClientError, BotoCoreError, OSError) as err:
            raise self._translate(err, doing) from err

    # --- objects --------------------------------------------------------------------------------

    def _write_options(self, metadata: dict[str, str]) -> dict[str, Any]:
        options: dict[str, Any] = {"Bucket": self.bucket, "Metadata": metadata}
        if self.settings.storage_class:
            options["StorageClass"] = self.settings.storage_class
        if self.settings.sse:
            options["ServerSideEncryption"] = self.settings.sse
            if self.settings.sse_kms_key_id:
                options["SSEKMSKeyId"] = self.settings.sse_kms_key_id
        return options

    def _checksum_field(self) -> str | None:
        name = S3_NAMES[self.checksum_algorithm]
        return f"Checksum{name}" if name else None

    def _stored(
        self, key: str, answer: dict[str, Any], size: int, metadata: dict[str, str] | None = None
    ) -> StoredObject:
        field = self._checksum_field()
        checksum = answer.get(field) if field else None
        if self.checksum_algorithm == "md5-etag":
            checksum = str(answer.get("ETag", "")).strip('"') or None
        return StoredObject(
            key=key,
            size=int(answer.get("ContentLength", size)),
            checksum=checksum,
            etag=answer.get("ETag"),
            version_id=answer.get("VersionId"),
            xxh64=(answer.get("Metadata") or metadata or {}).get(XXH64_METADATA),
        )

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as err:
            if _status(err) == 404:
                raise TargetUnusable(
                    f"{self.description}: bucket {self.bucket!r}: {_FIX['NoSuchBucket']}"
                ) from err
            raise self._translate(err, "checking the bucket") from err
        except (BotoCoreError, OSError) as err:
            raise self._translate(err, "checking the bucket") from err

    def head(self, key: str) -> StoredObject | None:
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        except ClientError as err:
            if _status(err) == 404 or _code(err) in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise self._translate(err, f"looking up {key}") from err
        except (BotoCoreError, OSError) as err:
            raise self._translate(err, f"looking up {key}") from err
        return self._stored(key, answer, int(answer.get("ContentLength", 0)))

    def list_objects(self, prefix: str) -> Iterator[StoredObject]:
        """ListObjectsV2, page after page of up to 1,000 keys: the cheap re-check of a roll."""
        doing = f"listing {prefix}"
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        try:
            for page in pages:
                yield from s3_listing.listed_objects(page)
        except (ClientError, BotoCoreError, OSError) as err:
            if isinstance(err, ClientError) and _status(err) == 404:
                raise TargetUnusable(
                    f"{self.description}: bucket {self.bucket!r}: {_FIX['NoSuchBucket']}"
                ) from err
            raise self._translate(err, doing) from err

    def put(
        self, key: str, data: Payload, checksum: str | None, metadata: dict[str, str]
    ) -> StoredObject:
        options = self._write_options(metadata) | {"Key": key, "Body": RequestBody(data)}
        field = self._checksum_field()
        if field and checksum:
            options[field] = checksum
        if self.settings.conditional_writes:
            options["IfNoneMatch"] = "*"
        answer = self._call(f"uploading {key}", "put_object", **options)
        stored = self._stored(key, answer, len(data), metadata)
        if stored.checksum is not None or self.proven_by_read_back:
            # The store states the checksum of what it stored (it rejects a body that does not
            # match the one we sent): a HEAD would only repeat it, at a third of the file's time.
            return stored
        found = self.head(key)
        if found is None:
            raise TransientFailure(f"{key} is not there right after it was written")
        return found

    def open_writer(
        self, key: str, size: int, metadata: dict[str, str], upload_id: str | None
    ) -> MultipartWriter:
        if upload_id is None:
            options = self._write_options(metadata) | {"Key": key}
            name = S3_NAMES[self.checksum_algorithm]
            if name:
                options["ChecksumAlgorithm"] = name
                if name in ("CRC64NVME", "CRC32C"):
                    options["ChecksumType"] = "FULL_OBJECT"
            answer = self._call(
                f"starting the upload of {key}", "create_multipart_upload", **options
            )
            upload_id = str(answer["UploadId"])
        return MultipartWriter(self, key, size, upload_id)

    def part_size(self, size: int) -> int:
        configured = self.settings.part_size
        if configured != "auto":
            return max(configured, math.ceil(size / MAX_PARTS))
        needed = math.ceil(size / MAX_PARTS)
        return max(MIN_PART, math.ceil(needed / 2**20) * 2**20)

    def uploaded_parts(self, key: str, upload_id: str) -> dict[int, int] | None:
        """Parts the store holds for an upload (number → size); None if the upload is gone."""
        parts: dict[int, int] = {}
        marker = 0
        while True:
            try:
                answer = self.client.list_parts(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker
                )
            except ClientError as err:
                if _code(err) == "NoSuchUpload" or _status(err) == 404:
                    return None
                raise self._translate(err, f"listing the parts of {key}") from err
            except (BotoCoreError, OSError) as err:
                raise self._translate(err, f"listing the parts of {key}") from err
            for part in answer.get("Parts", []):
                parts[int(part["PartNumber"])] = int(part["Size"])
            if not answer.get("IsTruncated"):
                return parts
            marker = int(answer["NextPartNumberMarker"])

    def open_read(self, key: str) -> contextlib.closing[Any]:
        answer = self._call(f"reading {key}", "get_object", Bucket=self.bucket, Key=key)
        return contextlib.closing(answer["Body"])

    def read_back(self, key: str) -> ReadBack:
        answer = self._call(f"reading back {key}", "get_object", Bucket=self.bucket, Key=key)
        digest = xxhash.xxh64()
        checksum = ObjectChecksum(self.checksum_algorithm)
        size = 0
        body = answer["Body"]
        try:
            for chunk in body.iter_chunks(CHUNK_SIZE):
                digest.update(chunk)
                checksum.update(chunk)
                size += len(chunk)
        except (BotoCoreError, OSError) as err:  # the store stopped answering mid-read
            raise self._translate(err, f"reading back {key}") from err
        finally:
            body.close()
        return ReadBack(size, digest.hexdigest(), checksum.whole())

    def abort_abandoned(self, prefix: str, keep: set[str]) -> list[str]:
        aborted: list[str] = []
        answer = self._call(
            "listing unfinished uploads",
            "list_multipart_uploads",
            Bucket=self.bucket,
            Prefix=prefix,
        )
        for upload in answer.get("Uploads") or []:
            if upload["UploadId"] not in keep:
                self._call(
                    f"aborting an abandoned upload of {upload['Key']}",
                    "abort_multipart_upload",
                    Bucket=self.bucket,
                    Key=upload["Key"],
                    UploadId=upload["UploadId"],
                )
                aborted.append(str(upload["Key"]))
        return aborted


class MultipartWriter:
    """One multipart upload; completed only with the full-object checksum we computed."""

    resumable = True  # the store keeps its parts until it is completed or aborted

    def __init__(self, target: S3Target, key: str, size: int, upload_id: str) -> None:
        self.target = target
        self.key = key
        self.size = size
        self.upload_id = upload_id

    def write_part(self, number: int, data: Payload, checksum: str | None) -> PartReceipt:
        target = self.target
        options: dict[str, Any] = {
            "Bucket": target.bucket, "Key": self.key, "UploadId": self.upload_id,
            "PartNumber": number, "Body": RequestBody(data),
        }  # fmt: skip
        field = target._checksum_field()
        if field and checksum:
            options[field] = checksum
        answer = target._call(f"uploading part {number} of {self.key}", "upload_part", **options)
        return PartReceipt(number, len(data), str(answer["ETag"]), checksum)

    def commit(self, parts: list[PartReceipt], checksum: str | None) -> StoredObject:
        target = self.target
        field = target._checksum_field()
        listed = []
        for part in sorted(parts, key=lambda p: p.number):
            entry: dict[str, Any] = {"PartNumber": part.number, "ETag": part.etag}
            if field and part.checksum:
                entry[field] = part.checksum
            listed.append(entry)
        options: dict[str, Any] = {
            "Bucket": target.bucket, "Key": self.key, "UploadId": self.upload_id,
            "MultipartUpload": {"Parts": listed},
        }  # fmt: skip
        if field and checksum and target.checksum_algorithm in ("crc64nvme", "crc32c"):
            options[field] = checksum
            options["ChecksumType"] = "FULL_OBJECT"
        if target.settings.conditional_writes:
            options["IfNoneMatch"] = "*"
        target._call(f"completing the upload of {self.key}", "complete_multipart_upload", **options)
        stored = target.head(self.key)
        if stored is None:
            raise TransientFailure(f"{self.key} is not there right after it was completed")
        return stored

    def abort(self) -> None:
        self.target._call(
            f"aborting the upload of {self.key}",
            "abort_multipart_upload",
            Bucket=self.target.bucket,
            Key=self.key,
            UploadId=self.upload_id,
        )
