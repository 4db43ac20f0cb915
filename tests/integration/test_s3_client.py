"""Specification: the S3 client's answers from a real store (SeaweedFS on loopback) carry their
timestamps as botocore's own client gives them, listing and HEAD alike."""

from __future__ import annotations

from typing import Any

import pytest
from rollkeeper.config.sections import TargetSettings
from rollkeeper.transfer.s3_client import make_client

from tests.s3server import S3Server

pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


def _client(endpoint: str) -> Any:
    settings = TargetSettings.model_validate(
        {
            "kind": "s3", "bucket": "unused", "endpoint_url": endpoint, "region": "us-east-1",
            "access_key_id_env": "RK_TEST_KEY_ID", "secret_access_key_env": "RK_TEST_SECRET",
        }
    )  # fmt: skip
    return make_client(settings)


def test_listed_and_looked_up_times_are_botocores_times(s3_server: S3Server, bucket: str) -> None:
    s3_server.client().put_object(Bucket=bucket, Key="day/clip.mov", Body=b"frame")
    ours, plain = _client(s3_server.endpoint), s3_server.client()
    listed = ours.list_objects_v2(Bucket=bucket)["Contents"][0]["LastModified"]
    expected = plain.list_objects_v2(Bucket=bucket)["Contents"][0]["LastModified"]
    headed = ours.head_object(Bucket=bucket, Key="day/clip.mov")["LastModified"]
    assert listed == expected and listed.tzinfo is not None
    assert headed == plain.head_object(Bucket=bucket, Key="day/clip.mov")["LastModified"]
