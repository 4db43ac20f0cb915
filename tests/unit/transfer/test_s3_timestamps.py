"""Specification: the S3 client reads the timestamps of S3 answers as botocore would, the ISO
8601 ones of every listed object by the standard library (botocore's dateutil reading made two
thirds of the CPU a 200,000-object listing cost)."""

from __future__ import annotations

from datetime import UTC, datetime

from botocore.utils import parse_timestamp
from rollkeeper.transfer.s3_client import timestamp


def test_a_listed_objects_last_modified_is_read_as_botocore_reads_it() -> None:
    text = "2026-12-06T17:01:02.345Z"
    assert timestamp(text) == parse_timestamp(text) == datetime(2026, 12, 6, 17, 1, 2, 345000, UTC)


def test_an_iso_time_with_an_offset_keeps_its_offset() -> None:
    text = "2026-12-06T18:01:02+01:00"
    assert timestamp(text) == parse_timestamp(text)
    assert timestamp(text).utcoffset() == parse_timestamp(text).utcoffset()


def test_an_http_date_of_a_header_is_read_by_botocore() -> None:
    text = "Sun, 06 Dec 2026 17:01:02 GMT"
    assert timestamp(text) == parse_timestamp(text) == datetime(2026, 12, 6, 17, 1, 2, tzinfo=UTC)


def test_an_iso_time_without_a_zone_is_left_to_botocore() -> None:
    text = "2026-12-06T17:01:02"
    assert timestamp(text) == parse_timestamp(text)
    assert timestamp(text).tzinfo == parse_timestamp(text).tzinfo


def test_epoch_seconds_are_read_by_botocore() -> None:
    assert timestamp("1796490062") == parse_timestamp("1796490062")
