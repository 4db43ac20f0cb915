"""Specification: finding the configuration file, and the quick read `rollkeeper status` makes.

The quick read must give exactly what the validated configuration gives, or nothing: then the full
validation runs and a file that cannot be used fails with the same message as for any command.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import get_args

import pytest
from rollkeeper.config.errors import ConfigError
from rollkeeper.config.schema import Config, load_config
from rollkeeper.config.sections import ArchiveSettings, StateSettings
from rollkeeper.config.status import (
    ARCHIVE_KEYS,
    ARCHIVE_PROVIDERS,
    STATE_KEYS,
    TOP_LEVEL_KEYS,
    StatusConfig,
    read_status_config,
    status_config,
)
from rollkeeper.config.validated import accepted_before

EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "rollkeeper.example.toml"

RAID = '[[volumes]]\npath = "/Volumes/RAID_A"\nrole = "raid"\n'


def validated(file: Path) -> StatusConfig:
    config, _read = load_config(file)
    return StatusConfig(
        config.state.resolved_dir(), config.archive.provider, config.clearance.max_evidence_age
    )


def written(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "rollkeeper.toml"
    file.write_text(text, encoding="utf-8")
    return file


# --- the quick read agrees with the validation --------------------------------------------------

VALID = {
    "empty": "",
    "state dir": '[state]\ndir = "/srv/rollkeeper"\n',
    "state dir under home": '[state]\ndir = "~/rollkeeper-state"\n',
    "volumes and cart": f'[cart]\nname = "CART-B"\n{RAID}[state]\ndir = "/srv/rk"\n',
    "storage class archive": '[archive]\nprovider = "s3-storage-class"\npoll_interval = "5m"\n',
    "replication archive": '[archive]\nprovider = "s3-replication"\nregion = "eu-west-1"\n',
    "s3-copy archive": '[archive]\nprovider = "s3-copy"\nbucket = "archive"\n',
    "fs-copy archive": '[archive]\nprovider = "fs-copy"\npath = "/mnt/archive"\n',
    "http archive": '[archive]\nprovider = "http"\nurl = "https://mam/{roll}"\n',
    "no archive": '[archive]\nprovider = "none"\n',
    "evidence age": '[clearance]\nmax_evidence_age = "5m"\n',
    "evidence age in seconds": "[clearance]\nmax_evidence_age = 90\n",
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_the_quick_read_gives_what_the_validation_gives(tmp_path: Path, text: str) -> None:
    file = written(tmp_path, text)
    assert read_status_config(file) == validated(file)


def test_the_documented_example_is_read_quickly_and_alike(tmp_path: Path) -> None:
    file = written(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    assert read_status_config(file) == validated(file)


@pytest.mark.skipif(sys.platform != "linux", reason="platformdirs follows XDG only on Linux")
def test_without_a_config_option_the_default_file_and_state_folder_are_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "config" / "rollkeeper"
    folder.mkdir(parents=True)
    file = written(folder, "")
    assert status_config(None) == StatusConfig(tmp_path / "state" / "rollkeeper", "none")
    assert status_config(None) == validated(file)


# --- whatever it cannot be sure of goes to the validation ----------------------------------------

INVALID = {
    "not TOML": "[state\n",
    "unknown table": '[stat]\ndir = "/srv/rk"\n',
    "unknown state key": '[state]\ndri = "/srv/rk"\n',
    "unknown archive key": '[archive]\nprovder = "s3-copy"\n',
    "relative state dir": '[state]\ndir = "state"\n',
    "empty state dir": '[state]\ndir = ""\n',
    "state dir not text": "[state]\ndir = 3\n",
    "state not a table": "state = 3\n",
    "unknown provider": '[archive]\nprovider = "tape"\n',
    "provider not text": "[archive]\nprovider = [1]\n",
    "provider missing its key": '[archive]\nprovider = "s3-copy"\n',
    "evidence age not a duration": '[clearance]\nmax_evidence_age = "soon"\n',
    "evidence age negative": "[clearance]\nmax_evidence_age = -5\n",
}


def assert_refused_alike(file: Path) -> None:
    """`status` refuses the file with the very message the full validation gives."""
    with pytest.raises(ConfigError) as validation:
        load_config(file)
    with pytest.raises(ConfigError) as status:
        status_config(file)
    assert str(status.value) == str(validation.value)


@pytest.mark.parametrize("text", INVALID.values(), ids=INVALID.keys())
def test_a_file_the_quick_read_cannot_use_fails_as_the_validation_does(
    tmp_path: Path, text: str
) -> None:
    file = written(tmp_path, text)
    assert read_status_config(file) is None
    assert_refused_alike(file)


def test_a_missing_file_fails_as_the_validation_does(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as status:
        status_config(tmp_path / "nope.toml")
    assert str(status.value) == f"{tmp_path / 'nope.toml'}: no such configuration file"


def test_a_file_that_is_not_utf8_fails_as_the_validation_does(tmp_path: Path) -> None:
    file = tmp_path / "rollkeeper.toml"
    file.write_bytes(b'[cart]\nname = "CAF\xe9"\n')
    assert_refused_alike(file)


def test_status_validates_the_whole_file_and_names_the_line(tmp_path: Path) -> None:
    """A bad value outside [state] and [archive] is refused by `status` as by `run`."""
    file = written(tmp_path, '[state]\ndir = "/srv/rk"\n[verify]\njobs = "2"\n')

    assert_refused_alike(file)
    with pytest.raises(ConfigError, match=r":4: verify\.jobs = '2': "):
        status_config(file)


def test_a_text_accepted_once_is_read_quickly_and_the_same_afterwards(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / "ledger.sqlite3").touch()  # a state folder the daemon uses
    file = written(tmp_path, f'[state]\ndir = "{state}"\n')

    assert status_config(file) == validated(file)
    assert accepted_before(file.read_text(encoding="utf-8"), state)
    assert status_config(file) == validated(file)


def test_the_verdict_is_remembered_only_in_a_state_folder_in_use_and_never_creates_it(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    status_config(written(tmp_path, f'[state]\ndir = "{empty}"\n'))
    assert list(empty.iterdir()) == []
    state = tmp_path / "not-yet"
    file = written(tmp_path, f'[state]\ndir = "{state}"\n')

    assert status_config(file) == validated(file)
    assert not state.exists()
    assert not accepted_before(file.read_text(encoding="utf-8"), state)


def test_a_text_edited_after_it_was_accepted_is_validated_again(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / "ledger.sqlite3").touch()
    file = written(tmp_path, f'[state]\ndir = "{state}"\n[verify]\njobs = 2\n')
    status_config(file)

    file.write_text(f'[state]\ndir = "{state}"\n[verify]\njobs = 0\n', encoding="utf-8")

    assert not accepted_before(file.read_text(encoding="utf-8"), state)
    assert_refused_alike(file)


# --- the names it knows are the schema's ----------------------------------------------------------


def test_the_known_tables_are_the_schemas() -> None:
    assert set(Config.model_fields) == TOP_LEVEL_KEYS


def test_the_known_state_keys_are_the_schemas() -> None:
    assert set(StateSettings.model_fields) == STATE_KEYS


def test_the_known_archive_keys_are_the_schemas() -> None:
    assert set(ArchiveSettings.model_fields) == ARCHIVE_KEYS


def test_the_known_archive_providers_are_the_schemas() -> None:
    annotation = ArchiveSettings.model_fields["provider"].annotation
    assert set(get_args(annotation)) == set(ARCHIVE_PROVIDERS)
