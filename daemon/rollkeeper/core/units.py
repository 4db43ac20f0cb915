"""Human-friendly quantities in the configuration: durations ("15m") and rates ("200MB/s")."""

from __future__ import annotations

import math
import re

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}
_DURATION_HINT = "use a number of seconds or e.g. '30s', '15m', '2h', '3d'"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "b": 1,
    "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}  # fmt: skip
_SIZE_HINT = "use bytes or e.g. '8MiB', '64MB', '5GB'"
_RATE_HINT = "write it per second, e.g. '200MB/s'"


def parse_duration(value: str | float) -> float:
    """Seconds from a number of seconds or text such as "500ms", "30s", "15m", "2h", "3d"."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a duration; {_DURATION_HINT}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"a duration must be finite (got {value}); {_DURATION_HINT}")
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration; {_DURATION_HINT}")
    return float(match.group(1)) * _DURATION_UNITS[match.group(2)]


def parse_size(value: str | int) -> int:
    """Bytes from an integer or text such as "8MiB", "5GB" (SI and binary units)."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a size; {_SIZE_HINT}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("a size cannot be negative")
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a size; {_SIZE_HINT}")
    unit = (match.group(2) or "B").lower()
    return int(float(match.group(1)) * _SIZE_UNITS[unit])


def parse_rate(value: str | int) -> int:
    """Bytes per second from an integer or text such as "200MB/s" or "1GiB/s"."""
    if isinstance(value, str):
        text = value.strip()
        if not text.lower().endswith("/s"):
            raise ValueError(f"{value!r} is not a rate; {_RATE_HINT}")
        try:
            return parse_size(text[:-2])
        except ValueError:
            raise ValueError(f"{value!r} is not a rate; {_RATE_HINT}") from None
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a rate; {_RATE_HINT}")
    return parse_size(value)
