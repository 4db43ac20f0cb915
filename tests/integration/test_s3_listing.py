"""Specification: a roll's stored objects as the S3 target lists them (read with lxml,
`transfer.s3_listing`) are the objects botocore's own listing gives — key, size and ETag — for
names a production really uses and names that only a hostile one would.

Real SeaweedFS (the session's server); the listing of 2,500 keys over three pages is
`test_object_rechecks.py`'s.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from rollkeeper.config.sections import TargetSettings
from rollkeeper.transfer.s3_listing import CONTENTS
from rollkeeper.transfer.s3_target import S3Target
from rollkeeper.transfer.targets import StoredObject

from tests.s3server import S3Server

pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py

NAMES = [
    "A001C003_230612_R1AB.mov",
    "Day 1 + Day 2.wav",
    "100% take.mov",
    "a&b<c>'d\".mov",
    "tab\there.mov",
    "crème brûlée.mov",
    unicodedata.normalize("NFD", "crème brûlée.mov"),
    "日本語のクリップ.mov",
    "emoji 🎬.mov",
    "semi;colon=equals?query#hash.mov",
    "trailing space .mov",
    "plus+%2B+encoded.mov",
    "empty.mov",
]


def _target(s3_server: S3Server, bucket: str) -> S3Target:
    return S3Target(
        TargetSettings(
            kind="s3", bucket=bucket, endpoint_url=s3_server.endpoint, region="us-east-1",
            access_key_id_env="RK_TEST_KEY_ID", secret_access_key_env="RK_TEST_SECRET",
        )
    )  # fmt: skip


def test_the_listing_is_botocores_listing_for_every_kind_of_name(
    s3_server: S3Server, bucket: str
) -> None:
    plain = s3_server.client()
    for n, name in enumerate(NAMES):
        body = b"" if name == "empty.mov" else name.encode() * (n + 1)
        plain.put_object(Bucket=bucket, Key=f"show/Day 01/{name}", Body=body)
    expected = [
        StoredObject(key=o["Key"], size=o["Size"], checksum=None, etag=o["ETag"])
        for page in plain.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="show/")
        for o in page.get("Contents", [])
    ]

    listed = list(_target(s3_server, bucket).list_objects("show/"))

    assert listed == expected
    assert len(listed) == len(NAMES)


def test_a_prefix_with_nothing_under_it_lists_nothing(s3_server: S3Server, bucket: str) -> None:
    s3_server.client().put_object(Bucket=bucket, Key="show/Day 01/clip.mov", Body=b"frame")

    assert list(_target(s3_server, bucket).list_objects("show/Day 02/")) == []


def test_the_targets_listing_pages_carry_the_objects_read_with_lxml(
    s3_server: S3Server, bucket: str
) -> None:
    s3_server.client().put_object(Bucket=bucket, Key="show/Day 01/clip.mov", Body=b"frame")

    page = _target(s3_server, bucket).client.list_objects_v2(Bucket=bucket, Prefix="show/")

    assert page[CONTENTS] == [("show/Day 01/clip.mov", 5, page[CONTENTS][0][2])]
    assert "Contents" not in page


def _status_after_checks(client: Any, operation: str, body: bytes) -> int:
    """Emit the client's own before-parse event for `operation` with a 200 answer of `body`."""
    answer: dict[str, Any] = {"status_code": 200, "body": body, "headers": {}}
    model = client.meta.service_model.operation_model(operation)
    client.meta.events.emit(
        f"before-parse.s3.{operation}",
        operation_model=model,
        response_dict=answer,
        customized_response_dict={},
    )
    return int(answer["status_code"])


ERROR_IN_A_200 = b'<?xml version="1.0"?>\n<Error><Code>InternalError</Code></Error>'


def test_botocores_check_for_errors_in_a_200_still_guards_every_other_answer(
    s3_server: S3Server, bucket: str
) -> None:
    target = _target(s3_server, bucket)

    assert _status_after_checks(target.client, "ListObjectsV2", ERROR_IN_A_200) == 500
    assert _status_after_checks(target.client, "CompleteMultipartUpload", ERROR_IN_A_200) == 500
    assert _status_after_checks(s3_server.client(), "ListObjectsV2", ERROR_IN_A_200) == 500
