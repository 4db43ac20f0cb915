"""Specification: the configuration file, its one schema, its documented example and its errors.

Every error a user can make produces a message naming the file, the key, the bad value and what
is accepted; the tests below pin the message each hostile input shows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
import rollkeeper.config.schema as config_module
from pydantic import BaseModel
from rollkeeper.config.errors import ConfigError, ConfigUnreadable
from rollkeeper.config.schema import Config, load_config, parse_config
from rollkeeper.core.errors import ExitCode

EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "rollkeeper.example.toml"
FILE = Path("/etc/rollkeeper/rollkeeper.toml")
WHERE = re.compile(rf"^{re.escape(str(FILE))}(:\d+)?: ")


def problems(text: str) -> list[str]:
    """The lines of the message `text` produces, each after the `file:line: ` naming where."""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, FILE)
    lines = str(caught.value).splitlines()
    assert all(WHERE.match(line) for line in lines), lines
    return [WHERE.sub("", line) for line in lines]


def one_problem(text: str) -> str:
    (line,) = problems(text)
    return line


RAID = '[[volumes]]\npath = "/Volumes/RAID_A"\nrole = "raid"\n'


# --- the example file and the schema --------------------------------------------------------------


def test_example_file_is_a_valid_configuration() -> None:
    config = parse_config(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    assert config.cart.name == "CART-A"
    assert [v.role for v in config.volumes] == ["raid", "rotation"]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


def _schema_keys(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    keys: set[tuple[str, ...]] = set()
    for name, field in model.model_fields.items():
        keys.add((*prefix, name))
        for nested in _models_in(field.annotation):
            keys |= _schema_keys(nested, (*prefix, name))
    return keys


_TABLE = re.compile(r"^\s*\[\[?\s*([\w.]+)\s*\]\]?")
_KEY = re.compile(r"^\s*#?\s*([A-Za-z_]\w*)\s*=")


def _documented_keys(text: str) -> set[tuple[str, ...]]:
    """Keys set in the example, or shown commented out (`# pattern = ...`), by their table."""
    keys: set[tuple[str, ...]] = set()
    table: tuple[str, ...] = ()
    for line in text.splitlines():
        if header := _TABLE.match(line):
            table = tuple(header.group(1).split("."))
            keys.add(table)
        elif key := _KEY.match(line):
            keys.add((*table, key.group(1)))
    return keys


def test_schema_walk_reaches_into_tables_and_arrays_of_tables() -> None:
    keys = _schema_keys(Config)
    assert ("verify", "jobs") in keys
    assert ("volumes", "path") in keys


def test_every_schema_key_is_documented_in_the_example_file() -> None:
    documented = _documented_keys(EXAMPLE.read_text(encoding="utf-8"))
    missing = sorted(".".join(key) for key in _schema_keys(Config) - documented)
    assert missing == []


def test_every_key_in_the_example_file_exists_in_the_schema() -> None:
    documented = _documented_keys(EXAMPLE.read_text(encoding="utf-8"))
    stale = sorted(".".join(key) for key in documented - _schema_keys(Config))
    assert stale == []


def test_empty_file_gives_the_defaults() -> None:
    config = parse_config("", FILE)
    assert config == Config()
    assert config.layout.profile == "netflix"
    assert config.layout.settle_seconds == 30.0
    assert config.volumes == []
    assert config.verify.jobs == 2


# --- values that are accepted ---------------------------------------------------------------------


def test_durations_accept_text_with_units() -> None:
    config = parse_config('[watch]\nrescan_interval = "15m"\npoll_interval = 2.5\n', FILE)
    assert config.watch.rescan_interval == 900.0
    assert config.watch.poll_interval == 2.5


def test_verified_rolls_are_stat_ed_in_full_every_hour_unless_configured() -> None:
    assert parse_config("", FILE).watch.restat_interval == 3600.0
    assert parse_config('[watch]\nrestat_interval = "2h"\n', FILE).watch.restat_interval == 7200


def test_home_folder_in_a_path_is_expanded() -> None:
    config = parse_config('[state]\ndir = "~/rollkeeper-state"\n', FILE)
    assert config.state.dir == Path.home() / "rollkeeper-state"


def test_configured_state_dir_is_the_resolved_state_dir() -> None:
    config = parse_config('[state]\ndir = "/srv/rk"\n', FILE)
    assert config.state.resolved_dir() == Path("/srv/rk")


def test_custom_profile_with_a_pattern_is_accepted() -> None:
    text = '[layout]\nprofile = "custom"\npattern = "{shoot_day}/{media_type}/{roll}"\n'
    assert parse_config(text, FILE).layout.pattern == "{shoot_day}/{media_type}/{roll}"


# --- hostile inputs and the message a user sees ---------------------------------------------------


def test_unknown_top_level_key_names_file_key_and_value() -> None:
    assert one_problem("frobnicate = 1\n") == (
        "frobnicate = 1: unknown key (check its spelling; see config/rollkeeper.example.toml)"
    )


def test_unknown_key_in_a_table_names_its_dotted_key() -> None:
    assert one_problem("[verify]\nthreads = 4\n") == (
        "verify.threads = 4: unknown key (check its spelling; see config/rollkeeper.example.toml)"
    )


def test_unknown_key_in_an_array_of_tables_names_the_entry_index() -> None:
    assert one_problem(RAID + 'lable = "A"\n').startswith("volumes[0].lable = 'A': unknown key")


def test_text_where_a_number_belongs_names_key_value_and_expected_type() -> None:
    assert one_problem('[verify]\njobs = "two"\n') == (
        "verify.jobs = 'two': Input should be a valid integer"
    )


def test_number_written_as_text_is_refused_not_coerced() -> None:
    assert one_problem('[verify]\njobs = "2"\n') == (
        "verify.jobs = '2': Input should be a valid integer"
    )


def test_boolean_where_a_number_belongs_is_refused_and_shown_as_written() -> None:
    assert one_problem("[verify]\njobs = true\n") == (
        "verify.jobs = true: Input should be a valid integer"
    )


def test_boolean_where_a_duration_belongs_shows_the_accepted_forms() -> None:
    assert one_problem("[layout]\nsettle_seconds = true\n") == (
        "layout.settle_seconds = true: true is not a duration; "
        "use a number of seconds or e.g. '30s', '15m', '2h', '3d'"
    )


def test_unparseable_duration_shows_the_accepted_forms() -> None:
    assert one_problem('[watch]\npoll_interval = "soon"\n') == (
        "watch.poll_interval = 'soon': 'soon' is not a duration; "
        "use a number of seconds or e.g. '30s', '15m', '2h', '3d'"
    )


def test_infinite_duration_is_refused() -> None:
    assert one_problem("[layout]\nsettle_seconds = inf\n").startswith(
        "layout.settle_seconds = inf: a duration must be finite"
    )


def test_negative_duration_is_refused() -> None:
    assert one_problem("[layout]\nsettle_seconds = -3\n") == (
        "layout.settle_seconds = -3: a duration cannot be negative"
    )


def test_text_where_a_boolean_belongs_is_refused_not_coerced() -> None:
    assert one_problem(RAID + 'poll = "yes"\n') == (
        "volumes[0].poll = 'yes': Input should be a valid boolean"
    )


def test_payload_signing_written_as_text_is_refused_not_guessed() -> None:
    target = '[target]\nkind = "s3"\nbucket = "footage"\nsign_payload = "no"\n'
    assert one_problem(target) == "target.sign_payload = 'no': Input should be a valid boolean"


def test_out_of_range_number_says_the_limit() -> None:
    assert one_problem("[verify]\njobs = 0\n") == (
        "verify.jobs = 0: Input should be greater than or equal to 1"
    )


def test_value_outside_a_choice_lists_the_choices() -> None:
    assert one_problem('[[volumes]]\npath = "/Volumes/A"\nrole = "shuttle"\n') == (
        "volumes[0].role = 'shuttle': must be one of 'raid' or 'rotation'"
    )


def test_volume_without_path_says_the_path_is_required() -> None:
    assert one_problem('[[volumes]]\nrole = "raid"\n') == "volumes[0].path: is required"


def test_relative_volume_path_is_refused_and_quoted() -> None:
    assert one_problem('[[volumes]]\npath = "Volumes/RAID_A"\nrole = "raid"\n') == (
        "volumes[0].path = 'Volumes/RAID_A': "
        "must be an absolute path (got the relative path 'Volumes/RAID_A')"
    )


def test_relative_state_dir_is_refused() -> None:
    assert one_problem('[state]\ndir = "state"\n') == (
        "state.dir = 'state': must be an absolute path (got the relative path 'state')"
    )


def test_glob_volume_with_a_label_names_the_entry_and_why_label_cannot_be_set() -> None:
    text = RAID + '[[volumes]]\npath = "/Volumes/SHUTTLE_*"\nrole = "rotation"\nlabel = "S"\n'
    assert one_problem(text) == (
        "volumes[1]: volume '/Volumes/SHUTTLE_*' is a glob: each match is labelled by its "
        "folder name, so 'label' cannot be set"
    )


def test_two_volumes_with_the_same_folder_name_name_both_paths() -> None:
    text = RAID + '[[volumes]]\npath = "/mnt/backup/RAID_A"\nrole = "rotation"\n'
    assert one_problem(text) == (
        "volumes: two volumes are labelled 'RAID_A' (/Volumes/RAID_A and /mnt/backup/RAID_A); "
        "give one a different 'label'"
    )


def test_two_volumes_with_the_same_explicit_label_are_refused() -> None:
    text = RAID + '[[volumes]]\npath = "/Volumes/B"\nrole = "rotation"\nlabel = "RAID_A"\n'
    assert one_problem(text).startswith("volumes: two volumes are labelled 'RAID_A'")


def test_custom_profile_without_pattern_says_what_it_needs() -> None:
    assert one_problem('[layout]\nprofile = "custom"\n') == (
        "layout: profile 'custom' needs a 'pattern' (see docs/layout.md)"
    )


def test_custom_only_keys_with_another_profile_are_refused() -> None:
    assert one_problem('[layout]\npattern = "{roll}"\n') == (
        "layout: pattern: only meaningful with profile = 'custom'"
    )


def test_scalar_where_a_table_belongs_is_refused() -> None:
    assert one_problem('cart = "A"\n') == (
        "cart = 'A': Input should be a valid dictionary or instance of CartSettings"
    )


def test_every_problem_in_the_file_is_reported_at_once() -> None:
    lines = problems('frobnicate = 1\n[verify]\njobs = "two"\n' + '[[volumes]]\nrole = "raid"\n')
    assert sorted(line.split(":")[0] for line in lines) == [
        "frobnicate = 1",
        "verify.jobs = 'two'",
        "volumes[0].path",
    ]


def test_invalid_toml_names_the_file_and_the_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config('[cart]\nname = "A"\n[verify\njobs = 2\n', FILE)
    message = str(caught.value)
    assert message.startswith(f"{FILE}:3: not valid TOML (")
    assert "line 3" in message


def test_config_error_exits_as_bad_input() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("frobnicate = 1\n", FILE)
    assert caught.value.exit_code is ExitCode.BAD_INPUT


# --- reading the file --------------------------------------------------------------------------


def test_load_config_reads_the_given_file_and_returns_its_path(tmp_path: Path) -> None:
    file = tmp_path / "rollkeeper.toml"
    file.write_text('[cart]\nname = "CART-B"\n', encoding="utf-8")
    config, read = load_config(file)
    assert (config.cart.name, read) == ("CART-B", file)


def test_missing_default_config_file_suggests_the_config_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "rollkeeper.toml"
    monkeypatch.setattr(config_module, "default_config_path", lambda: missing)
    with pytest.raises(ConfigError) as caught:
        load_config(None)
    assert str(caught.value) == (
        f"{missing}: no such configuration file "
        "(pass --config FILE, or create it from config/rollkeeper.example.toml)"
    )


def test_missing_explicit_config_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(missing)
    assert str(caught.value) == f"{missing}: no such configuration file"


def test_config_path_that_is_a_folder_cannot_be_read_and_is_an_environment_problem(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigUnreadable) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path}: the configuration cannot be read (")
    assert caught.value.exit_code == 3


def test_config_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    file = tmp_path / "rollkeeper.toml"
    file.write_bytes(b'[cart]\nname = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(file)
    assert str(caught.value) == f"{file}: is not UTF-8 text (byte 18); save it as UTF-8"


def test_errors_in_a_loaded_file_name_that_file(tmp_path: Path) -> None:
    file = tmp_path / "rollkeeper.toml"
    file.write_text("[verify]\njobs = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(file)
    assert str(caught.value) == (
        f"{file}:2: verify.jobs = 0: Input should be greater than or equal to 1"
    )


# --- the upload target and the archive: incomplete tables say what is missing -------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[target]\nkind = "fs"', "kind 'fs' needs a 'path'"),
        ('[target]\nkind = "s3"', "kind 's3' needs a 'bucket'"),
        ('[target]\nkind = "s3"\nbucket = "footage"\nsse = "aws:kms"', "needs 'sse_kms_key_id'"),
        (
            '[target]\nkind = "s3"\nbucket = "footage"\naccess_key_id_env = "KEY"',
            "set both access_key_id_env and secret_access_key_env",
        ),
        ('[target]\nkind = "s3"\nbucket = "footage"\npart_size = "1MiB"', "between 5MiB and 5GiB"),
        ('[archive]\nprovider = "s3-copy"', "provider 's3-copy' needs 'bucket'"),
        ('[archive]\nprovider = "fs-copy"', "provider 'fs-copy' needs 'path'"),
        ('[archive]\nprovider = "http"', "provider 'http' needs 'url'"),
        ('[archive]\nprovider = "tape"', "must be one of"),
    ],
)
def test_an_incomplete_target_or_archive_table_names_what_is_missing(
    text: str, message: str
) -> None:
    assert message in one_problem(text)


def test_a_stall_time_that_is_not_a_duration_is_refused_with_the_accepted_forms() -> None:
    assert one_problem('[layout]\nstall_after = "when it stops"\n') == (
        "layout.stall_after = 'when it stops': 'when it stops' is not a duration; "
        "use a number of seconds or e.g. '30s', '15m', '2h', '3d'"
    )


def test_a_negative_stall_time_is_refused() -> None:
    assert one_problem("[layout]\nstall_after = -1\n") == (
        "layout.stall_after = -1: a duration cannot be negative"
    )


def test_a_stall_time_of_zero_is_refused() -> None:
    assert one_problem("[layout]\nstall_after = 0\n") == (
        "layout: stall_after (0s) must be more than 0 and at least settle_seconds (30s); "
        "the default is '10m'"
    )


def test_a_stall_time_shorter_than_the_settle_time_is_refused() -> None:
    assert one_problem('[layout]\nsettle_seconds = "2m"\nstall_after = "1m"\n') == (
        "layout: stall_after (60s) must be more than 0 and at least settle_seconds (120s); "
        "the default is '10m'"
    )


def test_the_default_stall_time_follows_a_longer_settle_time() -> None:
    assert parse_config('[layout]\nsettle_seconds = "2h"\n', FILE).layout.stall_after == 7200.0


def test_a_stall_time_is_read_in_the_duration_forms() -> None:
    assert parse_config('[layout]\nstall_after = "15m"\n', FILE).layout.stall_after == 900.0


def test_a_background_nice_past_the_nicest_is_refused_with_the_range() -> None:
    assert one_problem("[service]\nbackground_nice = 25\n") == (
        "service.background_nice = 25: Input should be less than or equal to 19"
    )


def test_a_negative_background_nice_is_refused_not_taken_as_a_raise_in_priority() -> None:
    assert one_problem("[service]\nbackground_nice = -5\n") == (
        "service.background_nice = -5: Input should be greater than or equal to 0"
    )
