"""Specification: the human-friendly quantities of the configuration (durations, sizes, rates)."""

from __future__ import annotations

import math

import pytest
from rollkeeper.core.units import parse_duration, parse_rate, parse_size

# --- durations ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("500ms", 0.5),
        ("30s", 30.0),
        ("15m", 900.0),
        ("2h", 7200.0),
        ("3d", 259200.0),
        ("1.5h", 5400.0),
    ],
)
def test_duration_text_with_a_unit_is_converted_to_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_duration_text_without_a_unit_is_seconds() -> None:
    assert parse_duration("45") == 45.0


@pytest.mark.parametrize("number", [0, 30, 2.5])
def test_duration_given_as_a_number_is_seconds(number: float) -> None:
    assert parse_duration(number) == float(number)


def test_duration_allows_spaces_around_and_between_number_and_unit() -> None:
    assert parse_duration("  15 m ") == 900.0


def test_negative_duration_number_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_duration(-1)


@pytest.mark.parametrize("text", ["-5s", "soon", "15 minutes", "15M", "1e3", ""])
def test_duration_error_quotes_the_value_and_shows_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "'30s'" in message
    assert "'15m'" in message


@pytest.mark.parametrize("value", [True, False])
def test_boolean_is_not_a_duration(value: bool) -> None:
    with pytest.raises(ValueError, match=rf"^{str(value).lower()} is not a duration"):
        parse_duration(value)


@pytest.mark.parametrize("value", [math.inf, math.nan])
def test_infinite_or_nan_duration_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="must be finite"):
        parse_duration(value)


# --- sizes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("512B", 512),
        ("64KB", 64_000),
        ("64MB", 64_000_000),
        ("5GB", 5_000_000_000),
        ("2TB", 2_000_000_000_000),
    ],
)
def test_si_size_units_are_powers_of_ten(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "size"),
    [("4KiB", 4 * 2**10), ("8MiB", 8 * 2**20), ("1GiB", 2**30), ("1TiB", 2**40)],
)
def test_binary_size_units_are_powers_of_two(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_size_units_ignore_case() -> None:
    assert parse_size("8mib") == parse_size("8MiB")


def test_fractional_size_is_rounded_down_to_whole_bytes() -> None:
    assert parse_size("1.5KiB") == 1536


def test_size_without_a_unit_is_bytes() -> None:
    assert parse_size("1024") == 1024


def test_size_given_as_an_integer_is_bytes() -> None:
    assert parse_size(4096) == 4096


def test_negative_size_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_size(-1)


@pytest.mark.parametrize("text", ["big", "8M", "8 megabytes", "-8MB", ""])
def test_size_error_quotes_the_value_and_shows_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_size(text)
    assert repr(text) in str(caught.value)
    assert "'8MiB'" in str(caught.value)


def test_boolean_is_not_a_size() -> None:
    with pytest.raises(ValueError, match=r"^true is not a size"):
        parse_size(True)


# --- rates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate"),
    [("200MB/s", 200_000_000), ("1GiB/s", 2**30), ("200 MB/s", 200_000_000), ("10mb/S", 10**7)],
)
def test_rate_text_is_bytes_per_second(text: str, rate: int) -> None:
    assert parse_rate(text) == rate


def test_rate_given_as_an_integer_is_bytes_per_second() -> None:
    assert parse_rate(1_000_000) == 1_000_000


def test_rate_without_per_second_is_refused_with_an_example() -> None:
    with pytest.raises(ValueError) as caught:
        parse_rate("200MB")
    assert str(caught.value) == "'200MB' is not a rate; write it per second, e.g. '200MB/s'"


@pytest.mark.parametrize("text", ["fastMB/s", "/s", "-5MB/s"])
def test_rate_error_quotes_the_whole_value_as_written(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_rate(text)
    assert str(caught.value) == f"{text!r} is not a rate; write it per second, e.g. '200MB/s'"


def test_boolean_is_not_a_rate() -> None:
    with pytest.raises(ValueError, match=r"^true is not a rate"):
        parse_rate(True)
