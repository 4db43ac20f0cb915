"""Specification: `status` says whether uploads are paused (since, until when) and at what pace
they go now, as the daemon last wrote it (`fs.upload_control`)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from rollkeeper.fs.upload_control import UploadControl, write_upload_control
from rollkeeper.reports.status_text import upload_control_line


def _line(control: UploadControl) -> str | None:
    return upload_control_line(asdict(control))


def test_nothing_is_said_when_uploads_are_neither_paused_nor_windowed() -> None:
    assert _line(UploadControl(bandwidth=20e6)) is None
    assert upload_control_line(None) is None


def test_a_pause_until_resumed_is_shown_with_since_when() -> None:
    control = UploadControl(paused=True, paused_since="2026-12-06T10:31:00+00:00")

    assert _line(control) == (
        "Uploads: PAUSED since 2026-12-06 10:31 UTC until `rollkeeper resume`; rolls are "
        "verified and wait"
    )


def test_a_pause_for_a_while_is_shown_with_until_when() -> None:
    control = UploadControl(
        paused=True,
        paused_since="2026-12-06T10:31:00+00:00",
        paused_until="2026-12-06T12:31:00+00:00",
    )

    assert _line(control) == (
        "Uploads: PAUSED since 2026-12-06 10:31 UTC until 2026-12-06 12:31 UTC; rolls are "
        "verified and wait"
    )


def test_the_bandwidth_window_now_is_shown_with_when_it_changes() -> None:
    control = UploadControl(bandwidth=None, bandwidth_window="19:00-07:00", bandwidth_until="07:00")

    assert _line(control) == "Uploads: bandwidth unlimited (window 19:00-07:00) until 07:00"


def test_outside_every_window_the_default_limit_is_shown() -> None:
    control = UploadControl(bandwidth=20_000_000, bandwidth_until="19:00")

    assert _line(control) == "Uploads: bandwidth 20 MB/s (outside every window) until 19:00"


def test_the_json_document_carries_what_the_daemon_wrote(tmp_path: Path) -> None:
    from rollkeeper.fs.upload_control import read_upload_control

    control = UploadControl(paused=True, paused_since="2026-12-06T10:31:00+00:00")
    write_upload_control(tmp_path, control)

    assert read_upload_control(tmp_path) == control


def test_a_file_that_is_not_ours_claims_nothing(tmp_path: Path) -> None:
    from rollkeeper.fs.upload_control import CONTROL_FILE, read_upload_control

    (tmp_path / CONTROL_FILE).write_text('{"paused": "maybe", "paused_until": 3}')

    assert read_upload_control(tmp_path) is None
