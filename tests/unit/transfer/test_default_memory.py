"""The upload's defaults and the memory they bound: what a configuration without `part_size` and
`max_concurrency` gets (chosen by measurement, bench/RESULTS-upload.md), for S3 and folders."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.config.sections import TargetSettings
from rollkeeper.transfer.fs_target import FolderTarget
from rollkeeper.transfer.s3_target import S3Target

MiB = 2**20
GiB = 2**30


def s3_defaults(**settings: object) -> TargetSettings:
    return TargetSettings.model_validate(
        {"kind": "s3", "bucket": "footage", "endpoint_url": "http://127.0.0.1:1", **settings}
    )


def test_the_defaults_are_8_mib_parts_10_in_flight() -> None:
    settings = s3_defaults()

    assert (settings.part_size, settings.max_concurrency) == (8 * MiB, 10)


def test_a_4_gib_file_goes_up_in_default_parts_so_its_buffers_hold_80_mib() -> None:
    settings = s3_defaults()
    part = S3Target(settings).part_size(4 * GiB)

    assert part == 8 * MiB
    assert part * settings.max_concurrency == 80 * MiB


def test_a_folder_target_writes_parts_of_the_default_size_so_the_bound_is_the_same(
    tmp_path: Path,
) -> None:
    target = FolderTarget(tmp_path, "crc64nvme")

    assert target.part_size(4 * GiB) == s3_defaults().part_size


def test_auto_still_means_the_5_mib_minimum() -> None:
    settings = s3_defaults(part_size="auto")

    assert S3Target(settings).part_size(4 * GiB) == 5 * MiB
