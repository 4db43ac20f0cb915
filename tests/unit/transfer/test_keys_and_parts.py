"""Where rolls go in storage, and how big their parts are."""

from __future__ import annotations

import pytest
from rollkeeper.config.sections import TargetSettings
from rollkeeper.core.layout import RollIdentity
from rollkeeper.transfer.keys import object_key, roll_key_prefix
from rollkeeper.transfer.s3_target import MAX_PARTS, S3Target

ROLL = RollIdentity("20261121_Day01", "Camera_Media", "A001R1AB")


def test_the_object_layout_mirrors_the_set() -> None:
    prefix = roll_key_prefix("/show/", ROLL, "ARRI")
    assert prefix == "show/20261121_Day01/Camera_Media/ARRI/A001R1AB"
    assert object_key(prefix, "Clips/C001.mov") == f"{prefix}/Clips/C001.mov"


def test_without_prefix_or_format_the_roll_sits_under_its_shoot_day() -> None:
    assert roll_key_prefix("", ROLL, None) == "20261121_Day01/Camera_Media/A001R1AB"


def s3(**settings: object) -> S3Target:
    return S3Target(
        TargetSettings.model_validate(
            {"kind": "s3", "bucket": "footage", "endpoint_url": "http://127.0.0.1:1", **settings}
        )
    )


@pytest.mark.parametrize("size", [0, 1, 10**9, 5 * 10**12])
def test_auto_part_size_never_needs_more_than_ten_thousand_parts(size: int) -> None:
    part = s3(part_size="auto").part_size(size)
    assert part >= 5 * 2**20  # S3's smallest part
    assert -(-size // part) <= MAX_PARTS


def test_a_configured_part_size_grows_when_a_file_would_need_too_many_parts() -> None:
    target = s3(part_size="5MiB")
    assert target.part_size(10**6) == 5 * 2**20
    assert -(-(10**12) // target.part_size(10**12)) <= MAX_PARTS


def test_compatibility_mode_proves_objects_by_their_etag() -> None:
    assert s3(compatibility=True).checksum_algorithm == "md5-etag"
