"""Specification: every configuration error names the file, the LINE and the key
(`config.lines` maps each key of the TOML text to its line; `config.schema` uses it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rollkeeper.config.errors import ConfigError
from rollkeeper.config.lines import key_lines, line_of
from rollkeeper.config.schema import parse_config

FILE = Path("rollkeeper.toml")


def message(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, FILE)
    return str(caught.value)


def test_a_bad_value_is_named_by_file_line_and_key() -> None:
    text = '[cart]\nname = "A"\n\n[target]\nkind = "s3"\nbucket = "footage"\npart_size = "1MB"\n'

    assert message(text) == (
        "rollkeeper.toml:7: target.part_size = '1MB': must be 'auto' or between 5MiB and 5GiB "
        "(the S3 part size limits)"
    )


def test_each_of_several_errors_has_its_own_line() -> None:
    text = '[verify]\njobs = 0\n\n[watch]\npoll_interval = "soon"\n'

    lines = message(text).splitlines()

    assert [line.split(": ", 1)[0] for line in lines] == ["rollkeeper.toml:2", "rollkeeper.toml:5"]


def test_the_second_array_table_is_told_apart_from_the_first() -> None:
    text = (
        '[[volumes]]\npath = "/Volumes/RAID_A"\nrole = "raid"\n\n'
        '[[volumes]]\npath = "/Volumes/SHUTTLE_*"\nrole = "shuttle"\n'
    )

    assert message(text).startswith("rollkeeper.toml:7: volumes[1].role = 'shuttle': ")


def test_a_missing_key_points_at_its_tables_header() -> None:
    text = '[cart]\nname = "A"\n[[volumes]]\npath = "/Volumes/RAID_A"\n'

    assert message(text) == "rollkeeper.toml:3: volumes[0].role: is required"


def test_an_unknown_key_is_named_at_its_line() -> None:
    assert message('[cart]\nname = "A"\nnmae = "B"\n').startswith(
        "rollkeeper.toml:3: cart.nmae = 'B': unknown key"
    )


def test_a_toml_syntax_error_is_named_by_its_line() -> None:
    assert message('[cart]\nname = "A"\n[verify\n').startswith("rollkeeper.toml:3: not valid TOML")


def test_values_over_several_lines_do_not_hide_the_keys_after_them() -> None:
    text = (
        "[clearance]\n"
        "require = [\n"
        '  "verified",   # a comment with = in it\n'
        '  "uploaded = yes",\n'
        "]\n"
        'note = """\n'
        "not_a_key = 1\n"
        '"""\n'
        "after = 2\n"
    )

    lines = key_lines(text)

    assert (lines[("clearance", "require")], lines[("clearance", "after")]) == (2, 9)
    assert ("clearance", "not_a_key") not in lines


def test_dotted_and_quoted_keys_are_placed_in_their_table() -> None:
    lines = key_lines('[notify]\nemail.host = "x"\n"daily_at" = "19:00"\n')

    assert lines[("notify", "email", "host")] == 2
    assert lines[("notify", "daily_at")] == 3


def test_a_nested_array_table_is_indexed_per_array() -> None:
    text = '[[notify.email]]\nhost = "a"\n[[notify.slack]]\nx = 1\n[[notify.email]]\nport = 0\n'

    lines = key_lines(text)

    assert lines[("notify", "email", 1, "port")] == 6
    assert line_of(lines, ("notify", "email", 1, "sender")) == 5


def test_a_problem_of_the_whole_file_has_no_line() -> None:
    assert line_of(key_lines("[cart]\n"), ("volumes", 0, "path")) is None
