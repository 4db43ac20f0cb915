"""Specification: `[target] bandwidth_windows`, validated with a sentence naming the key and
the fix for each bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from rollkeeper.config.errors import ConfigError
from rollkeeper.config.schema import parse_config

FILE = Path("/etc/rollkeeper.toml")
TARGET = '[target]\nkind = "fs"\npath = "/srv/nas"\nbandwidth_limit = "20MB/s"\n'


def windows(*tables: str) -> str:
    return TARGET + "".join(f"[[target.bandwidth_windows]]\n{t}\n" for t in tables)


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, FILE)
    return str(caught.value)


def test_a_window_crossing_midnight_with_no_limit_is_read() -> None:
    config = parse_config(windows('start = "19:00"\nend = "07:00"\nlimit = "none"'), FILE)

    assert config.target is not None
    (window,) = config.target.bandwidth_windows
    assert (window.start, window.end, window.limit) == ("19:00", "07:00", None)
    assert config.target.bandwidth_limit == 20_000_000


def test_a_window_limit_is_a_rate() -> None:
    config = parse_config(windows('start = "12:00"\nend = "13:00"\nlimit = "5MB/s"'), FILE)

    assert config.target is not None
    assert config.target.bandwidth_windows[0].limit == 5_000_000


def test_a_time_that_is_not_hh_mm_is_refused_with_the_form_to_use() -> None:
    message = refused(windows('start = "7pm"\nend = "07:00"\nlimit = "none"'))

    assert (
        "target.bandwidth_windows[0].start = '7pm': '7pm' is not a time of day; write it "
        "HH:MM, 24-hour, e.g. '19:00'" in message
    )


def test_a_limit_that_is_not_a_rate_is_refused_naming_none_too() -> None:
    message = refused(windows('start = "19:00"\nend = "07:00"\nlimit = "fast"'))

    assert (
        "target.bandwidth_windows[0].limit = 'fast': 'fast' is not a rate; write it per "
        "second, e.g. '200MB/s', or 'none' for no limit" in message
    )


def test_an_empty_window_is_refused() -> None:
    message = refused(windows('start = "19:00"\nend = "19:00"\nlimit = "none"'))

    assert "a window from 19:00 to 19:00 is empty; for the whole day set bandwidth_limit" in message


def test_overlapping_windows_are_refused_naming_both() -> None:
    message = refused(
        windows(
            'start = "19:00"\nend = "07:00"\nlimit = "none"',
            'start = "06:00"\nend = "08:00"\nlimit = "5MB/s"',
        )
    )

    assert (
        "bandwidth windows 19:00-07:00 and 06:00-08:00 overlap; make each time of day belong "
        "to one window at most" in message
    )


def test_a_window_missing_its_end_is_refused() -> None:
    message = refused(windows('start = "19:00"\nlimit = "none"'))

    assert "target.bandwidth_windows[0].end" in message
