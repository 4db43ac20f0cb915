"""Specification: `runtime.wiring` builds, from one configuration, the target, the archive
provider and the clearance policy that the daemon and the `clearance` command both judge with."""

from __future__ import annotations

from pathlib import Path

import pytest
from rollkeeper.archive.build import NoArchive
from rollkeeper.archive.folder import FolderArchive
from rollkeeper.config.schema import Config, parse_config
from rollkeeper.core import happened
from rollkeeper.core.clearance import DEFAULT_POLICY, Policy
from rollkeeper.ledger.store import Ledger
from rollkeeper.runtime.wiring import build_parts
from rollkeeper.transfer.fs_target import FolderTarget
from rollkeeper.transfer.identity import MARKER_NAME, marker_document
from rollkeeper.transfer.s3_target import S3Target
from rollkeeper.transfer.targets import TargetUnusable

FILE = Path("/etc/rollkeeper/rollkeeper.toml")


def config(text: str) -> Config:
    return parse_config(text, FILE)


def test_without_a_target_rolls_are_only_verified_and_nothing_is_archived() -> None:
    parts = build_parts(config(""))
    assert parts.target is None
    assert isinstance(parts.provider, NoArchive)
    assert parts.provider.name == "none"


def test_a_target_with_only_a_path_is_a_folder_target_there(tmp_path: Path) -> None:
    parts = build_parts(config(f'[target]\npath = "{tmp_path}"\nchecksum = "sha256"\n'))
    assert parts.target is not None
    assert isinstance(parts.target.inner, FolderTarget)
    assert parts.target.inner.root == tmp_path
    assert parts.target.checksum_algorithm == "sha256"


def test_an_s3_target_is_built_for_its_bucket_and_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RK_WIRING_KEY", "key")
    monkeypatch.setenv("RK_WIRING_SECRET", "secret")
    parts = build_parts(
        config(
            '[target]\nkind = "s3"\nbucket = "dailies"\nprefix = "show"\n'
            'endpoint_url = "http://127.0.0.1:9"\nregion = "us-east-1"\n'
            'access_key_id_env = "RK_WIRING_KEY"\nsecret_access_key_env = "RK_WIRING_SECRET"\n'
        )
    )
    assert parts.target is not None
    assert isinstance(parts.target.inner, S3Target)
    assert parts.target.inner.bucket == "dailies"
    assert parts.target.description == "s3://dailies/show at http://127.0.0.1:9"


def test_a_target_without_an_archive_section_has_no_archive_tier(tmp_path: Path) -> None:
    parts = build_parts(config(f'[target]\npath = "{tmp_path}"\n'))
    assert isinstance(parts.provider, NoArchive)


def test_an_archive_provider_reads_the_primary_copy_through_the_built_target(
    tmp_path: Path,
) -> None:
    parts = build_parts(
        config(
            f'[target]\npath = "{tmp_path / "nas"}"\n'
            f'[archive]\nprovider = "fs-copy"\npath = "{tmp_path / "archive"}"\n'
        )
    )
    assert isinstance(parts.provider, FolderArchive)
    assert parts.provider.primary is parts.target


def test_an_archive_provider_that_needs_a_target_is_refused_without_one(tmp_path: Path) -> None:
    with pytest.raises(TargetUnusable, match="needs a \\[target\\]"):
        build_parts(config(f'[archive]\nprovider = "fs-copy"\npath = "{tmp_path}"\n'))


def test_the_policy_is_the_safe_default_without_a_clearance_section() -> None:
    assert build_parts(config("")).policy == DEFAULT_POLICY


def test_the_policy_carries_the_productions_clearance_rules() -> None:
    parts = build_parts(config("[clearance]\nextras_block_drive = false\nmin_onset_copies = 2\n"))
    assert parts.policy == Policy(extras_block_drive=False, min_onset_copies=2)


def test_the_target_built_for_a_command_knows_the_identity_the_ledger_recorded(
    tmp_path: Path,
) -> None:
    """`clearance` judges with these parts: another disk at the target's path, holding another
    cart's marker, is refused there as the daemon refuses it."""
    store, state = tmp_path / "store", tmp_path / "state"
    store.mkdir()
    text = f'[state]\ndir = "{state}"\n[target]\npath = "{store}"\n'
    ledger = Ledger.in_state_dir(state)
    event = happened.target_adopted(f"folder {store}", identity="ours", marker=MARKER_NAME,
                                    written=True)  # fmt: skip
    ledger.adopt_target(f"folder {store}", "ours", MARKER_NAME, event=event)
    ledger.close()
    (store / MARKER_NAME).write_bytes(marker_document("theirs", cart="OTHER", description="x"))

    parts = build_parts(config(text))

    assert parts.target is not None
    with pytest.raises(TargetUnusable, match="another disk"):
        parts.target.head("show/day/clip.mov")
