"""Specification: doctor's archive check — the configured provider can answer: a folder that is
there, a portal that answers (a real HTTP receiver on loopback) and takes the credentials, and
no archive tier as a warning (RAIDs would never be cleared)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rollkeeper.config.sections import ArchiveSettings
from rollkeeper.doctor.archive import archive_finding
from rollkeeper.doctor.model import Outcome

from tests.httpreceiver import Answer, HttpReceiver


def _archive(**settings: Any) -> ArchiveSettings:
    return ArchiveSettings.model_validate(settings)


def test_no_archive_tier_is_a_warning_that_raids_are_never_cleared() -> None:
    found = archive_finding(_archive(), None)
    assert found.outcome is Outcome.WARN
    assert "RAIDs never" in found.sentence


def test_an_archive_folder_that_is_not_there_fails_with_the_fix(tmp_path: Path) -> None:
    found = archive_finding(_archive(provider="fs-copy", path=str(tmp_path / "LTO")), None)
    assert found.outcome is Outcome.FAIL
    assert (
        found.sentence == f"the archive folder {tmp_path / 'LTO'} does not exist or is not mounted"
    )
    assert found.fix == "mount the archive storage, or fix [archive] path"


def test_an_archive_folder_that_is_there_passes(tmp_path: Path) -> None:
    assert archive_finding(_archive(provider="fs-copy", path=str(tmp_path)), None).outcome is (
        Outcome.OK
    )


def test_a_portal_answering_for_a_roll_it_does_not_know_is_reachable() -> None:
    with HttpReceiver([Answer(404, {}, b"{}")]) as portal:
        url = portal.url("/status/{shoot_day}/{media_type}/{roll}")
        found = archive_finding(_archive(provider="http", url=url), None)
        assert found.outcome is Outcome.OK
        assert portal.requests[0].path == "/status/19700101/Camera_Media/DOCTOR"


def test_a_portal_refusing_the_credentials_fails_naming_their_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RK_MAM_AUTH", "Bearer very-secret")
    with HttpReceiver([Answer(401, {}, b"")]) as portal:
        settings = _archive(
            provider="http", url=portal.url("/s/{roll}"), auth_header_env="RK_MAM_AUTH"
        )
        found = archive_finding(settings, None)
    assert found.outcome is Outcome.FAIL
    assert "refused the credentials (HTTP 401)" in found.sentence
    assert found.fix is not None and "RK_MAM_AUTH" in found.fix
    assert "very-secret" not in found.sentence + found.fix


def test_an_s3_provider_without_an_s3_target_is_a_configuration_failure() -> None:
    found = archive_finding(_archive(provider="s3-replication"), None)
    assert found.outcome is Outcome.FAIL and found.config
