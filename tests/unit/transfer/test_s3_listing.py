"""Specification: a listing page's objects are read with lxml before botocore parses the page
(`transfer.s3_listing.take_contents`), and any page it does not plainly recognise is left whole
to botocore.

The pages are S3's ListObjectsV2 answers as bytes; the real server's listings are
`integration/test_s3_listing.py`'s.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from rollkeeper.transfer.s3_listing import CONTENTS, read_listings_fast, take_contents

HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'
S3 = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def _page(*entries: bytes, encoded: bool = True, namespace: bytes = S3) -> bytes:
    encoding = b"<EncodingType>url</EncodingType>" if encoded else b""
    return (
        HEAD + b"<ListBucketResult " + namespace + b"><Name>footage</Name><Prefix>show%2F</Prefix>"
        + encoding + b"<IsTruncated>true</IsTruncated>"
        + b"<NextContinuationToken>next-page</NextContinuationToken>"
        + b"".join(entries) + b"</ListBucketResult>"
    )  # fmt: skip


def _entry(key: bytes, size: bytes = b"12", etag: bytes = b'"e1"') -> bytes:
    return (
        b"<Contents><Key>" + key + b"</Key><LastModified>2026-12-06T10:00:00.000Z</LastModified>"
        b"<ETag>" + etag + b"</ETag><Size>" + size + b"</Size>"
        b"<StorageClass>STANDARD</StorageClass></Contents>"
    )


def _take(body: bytes, status: int = 200) -> tuple[dict[str, Any], dict[str, Any]]:
    answer: dict[str, Any] = {"status_code": status, "body": body, "headers": {}}
    taken: dict[str, Any] = {}
    take_contents(response_dict=answer, customized_response_dict=taken)
    return answer, taken


def test_each_objects_key_size_and_etag_are_taken_in_order() -> None:
    _, taken = _take(
        _page(_entry(b"show/A001/clip.mov"), _entry(b"show/A001/b.wav", b"0", b'"e2"'))
    )

    assert taken[CONTENTS] == [("show/A001/clip.mov", 12, '"e1"'), ("show/A001/b.wav", 0, '"e2"')]


def test_url_encoded_keys_are_decoded_as_botocore_decodes_them() -> None:
    _, taken = _take(_page(_entry(b"show/Day+1/a%2Bb%25c%C3%A9%26.mov")))

    assert taken[CONTENTS][0][0] == "show/Day 1/a+b%cé&.mov"


def test_keys_of_a_page_not_url_encoded_are_taken_as_written() -> None:
    _, taken = _take(_page(_entry(b"show/Day+1/a%2Bb &amp; c.mov"), encoded=False))

    assert taken[CONTENTS][0][0] == "show/Day+1/a%2Bb & c.mov"


def test_a_page_without_the_s3_namespace_is_read_too() -> None:
    _, taken = _take(_page(_entry(b"show/clip.mov"), namespace=b""))

    assert taken[CONTENTS] == [("show/clip.mov", 12, '"e1"')]


def test_the_rest_of_the_page_is_left_for_the_paginator() -> None:
    answer, _ = _take(_page(_entry(b"show/clip.mov")))

    assert b"<Contents>" not in answer["body"]
    assert b"<NextContinuationToken>next-page</NextContinuationToken>" in answer["body"]
    assert b"<IsTruncated>true</IsTruncated>" in answer["body"]


def test_an_empty_page_lists_nothing() -> None:
    _, taken = _take(_page())

    assert taken[CONTENTS] == []


@pytest.mark.parametrize(
    "body",
    [
        _page(_entry(b"show/clip.mov", size=b"twelve")),
        _page(_entry(b"show/clip.mov", size=b"-1")),
        _page(b"<Contents><Size>1</Size></Contents>"),
        _page(_entry(b"show/clip.mov"))[:-20],
        HEAD + b'<!DOCTYPE x [<!ENTITY k "show/clip.mov">]>'
        + b"<ListBucketResult><Contents><Key>&k;</Key><Size>1</Size></Contents></ListBucketResult>",
        HEAD + b'<!DOCTYPE ListBucketResult SYSTEM "http://127.0.0.1:9/list.dtd">'
        + b"<ListBucketResult><Contents><Key>k</Key><Size>1</Size></Contents></ListBucketResult>",
        HEAD + b"<Error><Code>SlowDown</Code><Message>Please reduce your rate</Message></Error>",
        b"",
    ],
    ids=["size not a number", "negative size", "no key", "cut short", "internal DTD",
         "external DTD", "an error in a 200", "empty"],
)  # fmt: skip
def test_a_page_it_does_not_plainly_recognise_is_left_whole_to_botocore(body: bytes) -> None:
    answer, taken = _take(body)

    assert taken == {}
    assert answer["body"] == body


def test_an_error_answer_is_left_whole_to_botocore() -> None:
    body = _page(_entry(b"show/clip.mov"))

    answer, taken = _take(body, status=503)

    assert taken == {} and answer["body"] == body


def _checked(body: bytes) -> int:
    """The status botocore is left with after the page was read with the 200-error check."""
    answer: dict[str, Any] = {"status_code": 200, "body": body, "headers": {}}
    take_contents(response_dict=answer, customized_response_dict={}, errors_in_disguise=True)
    return int(answer["status_code"])


def test_a_page_cut_short_in_transit_is_made_a_500_that_botocore_retries() -> None:
    assert _checked(_page(_entry(b"show/clip.mov"))[:-20]) == 500


def test_an_error_in_a_200_is_made_a_500_that_botocore_retries() -> None:
    assert _checked(HEAD + b"<Error><Code>InternalError</Code></Error>") == 500


def test_a_whole_page_and_an_empty_answer_stay_200() -> None:
    assert _checked(_page(_entry(b"show/clip.mov"))) == 200
    assert _checked(b"") == 200


def _status_after_checks(client: Any, operation: str) -> int:
    """The status a client's own before-parse handlers leave on a 200 that is an error."""
    answer: dict[str, Any] = {"status_code": 200, "body": HEAD + b"<Error/>", "headers": {}}
    client.meta.events.emit(
        f"before-parse.s3.{operation}",
        operation_model=client.meta.service_model.operation_model(operation),
        response_dict=answer,
        customized_response_dict={},
    )
    return int(answer["status_code"])


def test_only_the_client_told_to_read_listings_fast_is_changed() -> None:
    session = boto3.session.Session(aws_access_key_id="id", aws_secret_access_key="secret")
    fast, plain = (session.client("s3", region_name="us-east-1") for _ in range(2))

    read_listings_fast(fast)

    assert _status_after_checks(fast, "ListObjectsV2") == 500  # checked on our parse
    assert _status_after_checks(fast, "CompleteMultipartUpload") == 500  # by botocore
    assert _status_after_checks(plain, "ListObjectsV2") == 500  # by botocore
