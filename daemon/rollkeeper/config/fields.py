"""The kinds of value the configuration's sections share: durations, rates, absolute paths, part
sizes, and the strict model every section is."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from rollkeeper.core.units import parse_duration, parse_rate, parse_size


def _absolute(value: Any) -> Any:
    if isinstance(value, str):
        expanded = os.path.expanduser(value)
        if not os.path.isabs(expanded):
            raise ValueError(f"must be an absolute path (got the relative path {value!r})")
        return Path(expanded)
    return value


Seconds = Annotated[float, BeforeValidator(parse_duration), Field(ge=0)]
BytesPerSecond = Annotated[int, BeforeValidator(parse_rate), Field(gt=0)]
AbsolutePath = Annotated[Path, BeforeValidator(_absolute)]


def _part_size(value: Any) -> Any:
    if value == "auto":
        return value
    size = parse_size(value)
    if not 5 * 2**20 <= size <= 5 * 2**30:
        raise ValueError("must be 'auto' or between 5MiB and 5GiB (the S3 part size limits)")
    return size


PartSize = Annotated[int | Literal["auto"], BeforeValidator(_part_size)]

#: The upload's defaults, chosen by measurement (bench/RESULTS-upload.md, 2026-12-06): aws-cli's
#: own part size and parallelism, at about 0.63 x its CPU per GB; peak RSS on a 4 GiB file 174 MB
#: (8 MiB x 10 of part buffers over the 87 MB the daemon takes uploading nothing).
DEFAULT_PART_SIZE = 8 * 2**20
DEFAULT_MAX_CONCURRENCY = 10


class Section(BaseModel):
    """A TOML table: unknown keys refused, values strict (no coercion), frozen once read."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, strict=True)
