"""Specification: an S3 target proves it is the target (its marker under the prefix), and storage
that cannot be checked — bucket gone, requests denied, endpoint unreachable — is unusable, never
a clearance and never "missing" (nothing is uploaded again because storage cannot be asked).

Real SeaweedFS (the session's server); an unreachable endpoint is a closed loopback port.
"""

from __future__ import annotations

import pytest
from rollkeeper.config.sections import TargetSettings
from rollkeeper.ledger.rows import FileUpload
from rollkeeper.reports.live_objects import object_check
from rollkeeper.transfer.factory import build_target
from rollkeeper.transfer.identity import MARKER_NAME, IdentifiedTarget
from rollkeeper.transfer.targets import TargetUnusable

from tests.s3server import S3Server

pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


def _target(endpoint: str, bucket: str) -> IdentifiedTarget:
    settings = TargetSettings.model_validate(
        {
            "kind": "s3",
            "bucket": bucket,
            "endpoint_url": endpoint,
            "region": "us-east-1",
            "prefix": "show",
            "access_key_id_env": "RK_TEST_KEY_ID",
            "secret_access_key_env": "RK_TEST_SECRET",
            "max_attempts": 1,
        }
    )
    return build_target(settings)


def _stored(target: IdentifiedTarget) -> FileUpload:
    stored = target.put("show/day/clip.mov", b"frame" * 100, None, {})
    return FileUpload(
        path="clip.mov", key=stored.key, size=stored.size, state="stored",
        checksum_algorithm=target.checksum_algorithm, local_checksum=stored.checksum,
        stored_checksum=stored.checksum, xxh64=None, etag=stored.etag, version_id=None,
        proof="checksum", detail=None, source_size=None, source_mtime_ns=None, source_inode=None,
    )  # fmt: skip


def _empty(s3_server: S3Server, bucket: str) -> None:
    client = s3_server.client()
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=item["Key"])


def test_the_marker_is_written_under_the_prefix_at_first_use(
    s3_server: S3Server, bucket: str
) -> None:
    adopted = _target(s3_server.endpoint, bucket).prove("CART_A")
    assert adopted is not None and adopted.marker_key == f"show/{MARKER_NAME}"
    body = s3_server.client().get_object(Bucket=bucket, Key=f"show/{MARKER_NAME}")["Body"].read()
    assert adopted.identity in body.decode()


def test_a_bucket_emptied_of_its_marker_is_another_store_and_nothing_is_checked_there(
    s3_server: S3Server, bucket: str
) -> None:
    first = _target(s3_server.endpoint, bucket)
    adopted = first.prove("CART_A")
    assert adopted is not None
    upload = _stored(first)
    _empty(s3_server, bucket)
    target = _target(s3_server.endpoint, bucket)
    target.expect(adopted.identity)
    with pytest.raises(TargetUnusable, match="TARGET is not mounted \\(or is another disk\\)"):
        target.prove("CART_A")
    assert object_check(target)(upload) is None  # not proven, and not called missing


def test_a_deleted_bucket_is_unusable_and_its_objects_cannot_be_checked(
    s3_server: S3Server, bucket: str
) -> None:
    target = _target(s3_server.endpoint, bucket)
    target.prove("CART_A")
    upload = _stored(target)
    _empty(s3_server, bucket)
    s3_server.client().delete_bucket(Bucket=bucket)
    with pytest.raises(TargetUnusable, match=r"NoSuchBucket|does not exist"):
        target.prove("CART_A")
    assert object_check(target)(upload) is None


def test_an_unreachable_endpoint_cannot_be_checked_either(s3_server: S3Server, bucket: str) -> None:
    target = _target(s3_server.endpoint, bucket)
    target.prove("CART_A")
    upload = _stored(target)
    unreachable = _target("http://127.0.0.1:9", bucket)
    assert object_check(unreachable)(upload) is None


def test_requests_denied_make_the_store_unusable_and_its_objects_unchecked(
    s3_server: S3Server, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _target(s3_server.endpoint, bucket)
    target.prove("CART_A")
    upload = _stored(target)
    monkeypatch.setenv("RK_TEST_SECRET", "not-the-secret")
    denied = _target(s3_server.endpoint, bucket)
    with pytest.raises(TargetUnusable, match="refused") as raised:
        denied.prove("CART_A")
    assert "not-the-secret" not in str(raised.value)
    assert object_check(denied)(upload) is None
