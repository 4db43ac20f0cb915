"""Specification: `rollkeeper doctor` on a folder target, a bad configuration and the
notification channels — real folders, a real HTTP receiver and SMTP server on loopback — with
exit 0 when all pass (warnings allowed), 2 for an invalid configuration, 3 when a check fails,
and no secret in any output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.doctor_cli import checks, doctor
from tests.httpreceiver import Answer, HttpReceiver
from tests.smtpserver import SmtpServer

SLACK_TOKEN = "T0000/B0000/doctor-secret-token"


def folder_config(tmp_path: Path, extra: str = "") -> Path:
    for name in ("state", "target", "RAID_A"):
        (tmp_path / name).mkdir(exist_ok=True)
    file = tmp_path / "rollkeeper.toml"
    file.write_text(
        f"""
[cart]
name = "CART-A"
[state]
dir = "{tmp_path / "state"}"
[[volumes]]
path = "{tmp_path / "RAID_A"}"
role = "raid"
[[volumes]]
path = "{tmp_path / "SHUTTLE_*"}"
role = "rotation"
[target]
kind = "fs"
path = "{tmp_path / "target"}"
{extra}
""",
        encoding="utf-8",
    )
    return file


def test_a_ready_folder_cart_passes_with_exit_0_and_says_how_each_drive_is_watched(
    tmp_path: Path,
) -> None:
    done = doctor(folder_config(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    target: target folder" in done.stdout
    assert "RAID_A (raid) at" in done.stdout and "readable, watched by native events" in done.stdout
    assert "no drive matches" in done.stdout  # the rotation glob with nothing plugged in
    assert done.stdout.splitlines()[-1] == "All checks passed, with warnings."  # no archive tier


def test_the_folder_probe_writes_under_doctor_and_leaves_nothing_behind(tmp_path: Path) -> None:
    done = doctor(folder_config(tmp_path), "--json", "--probe")
    assert done.returncode == 0, done.stdout
    assert checks(done)["target-probe"]["status"] == "ok"
    assert list((tmp_path / "target").iterdir()) == []


def test_a_missing_target_folder_fails_with_exit_3_and_the_fix(tmp_path: Path) -> None:
    file = folder_config(tmp_path)
    (tmp_path / "target").rmdir()
    done = doctor(file, "--json")
    assert done.returncode == 3
    target = checks(done)["target"]
    assert target["status"] == "fail"
    assert str(tmp_path / "target") in target["sentence"]
    assert "mount the storage" in target["fix"]


def test_an_invalid_configuration_exits_2_naming_the_key_and_checks_nothing_else(
    tmp_path: Path,
) -> None:
    file = folder_config(tmp_path, extra="bandwith_limit = '10MB/s'")
    done = doctor(file)
    assert done.returncode == 2
    assert "FAIL  config:" in done.stdout
    assert "target.bandwith_limit" in done.stdout and "unknown key" in done.stdout
    assert "The configuration is NOT valid" in done.stdout
    assert "Traceback" not in done.stderr


def test_an_invalid_configuration_as_json_is_the_one_failed_config_check(tmp_path: Path) -> None:
    done = doctor(folder_config(tmp_path, extra="nonsense = 1"), "--json")
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert document["verdict"] == "invalid_config"
    assert [c["name"] for c in document["checks"]] == ["config"]


def test_a_state_folder_that_is_a_file_fails_with_exit_3(tmp_path: Path) -> None:
    file = folder_config(tmp_path)
    (tmp_path / "state").rmdir()
    (tmp_path / "state").write_text("oops")
    done = doctor(file, "--json")
    assert done.returncode == 3
    assert "is a file, not a folder" in checks(done)["state-dir"]["sentence"]


@pytest.fixture
def channels() -> Iterator[tuple[SmtpServer, HttpReceiver]]:
    with SmtpServer() as smtp, HttpReceiver() as slack:
        yield smtp, slack


def _channel_config(tmp_path: Path, smtp: SmtpServer) -> Path:
    return folder_config(
        tmp_path,
        extra=f"""
[[notify.email]]
host = "127.0.0.1"
port = {smtp.port}
tls = "none"
sender = "rollkeeper@cart-a.example"
to = ["dit@show.example"]

[[notify.slack]]
name = "set-channel"
webhook_url_env = "RK_DOC_SLACK"
""",
    )


def test_channels_are_built_but_sent_nothing_without_send_test(
    channels: tuple[SmtpServer, HttpReceiver], tmp_path: Path
) -> None:
    smtp, slack = channels
    env = {"RK_DOC_SLACK": slack.url(f"/services/{SLACK_TOKEN}")}
    done = doctor(_channel_config(tmp_path, smtp), "--json", env=env)
    assert done.returncode == 0, done.stdout
    found = checks(done)
    assert found["notify:email-1"]["status"] == "ok"
    assert found["notify:set-channel"]["status"] == "ok"
    assert smtp.messages() == [] and slack.requests == []


def test_send_test_delivers_a_test_message_on_every_channel(
    channels: tuple[SmtpServer, HttpReceiver], tmp_path: Path
) -> None:
    smtp, slack = channels
    env = {"RK_DOC_SLACK": slack.url(f"/services/{SLACK_TOKEN}")}
    done = doctor(_channel_config(tmp_path, smtp), "--send-test", env=env)
    assert done.returncode == 0, done.stdout
    (message,) = smtp.messages()
    assert message["Subject"] == "[CART-A] test message — channel email-1 works"
    assert len(slack.requests) == 1
    assert "set-channel: slack channel set-channel: a test message was sent" in done.stdout
    assert SLACK_TOKEN not in done.stdout + done.stderr


def test_a_channel_that_refuses_the_test_fails_with_exit_3_and_no_secret_shown(
    tmp_path: Path,
) -> None:
    smtp = SmtpServer()  # never started: the port refuses connections
    with HttpReceiver([Answer(404, {}, b"no_service")]) as slack:
        env = {"RK_DOC_SLACK": slack.url(f"/services/{SLACK_TOKEN}")}
        done = doctor(_channel_config(tmp_path, smtp), "--json", "--send-test", env=env)
    assert done.returncode == 3
    found = checks(done)
    assert found["notify:email-1"]["status"] == "fail"
    assert found["notify:set-channel"]["status"] == "fail"
    assert "Incoming Webhooks" in found["notify:set-channel"]["fix"]
    assert SLACK_TOKEN not in done.stdout + done.stderr


def test_a_secret_variable_not_set_is_a_configuration_failure_naming_it(
    channels: tuple[SmtpServer, HttpReceiver], tmp_path: Path
) -> None:
    smtp, _slack = channels
    env = {k: v for k, v in os.environ.items() if k != "RK_DOC_SLACK"}
    done = subprocess.run(
        [sys.executable, "-m", "rollkeeper", "doctor", "--json", "--config",
         str(_channel_config(tmp_path, smtp))],
        capture_output=True, text=True, check=False, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 2
    slack = checks(done)["notify:set-channel"]
    assert slack["status"] == "fail" and slack["config"] is True
    assert "RK_DOC_SLACK, which is not set" in slack["sentence"]


def test_the_dead_mans_switch_is_resolved_and_pinged_only_with_send_test(tmp_path: Path) -> None:
    with HttpReceiver() as checks_server:
        url = checks_server.url("/ping/0b7c-secret-uuid")
        file = folder_config(tmp_path, extra='[monitor]\nping_url_env = "RK_DOC_PING"\n')
        quiet = doctor(file, "--json", env={"RK_DOC_PING": url})
        assert checks(quiet)["monitor"]["status"] == "ok"
        assert checks_server.requests == []
        pinged = doctor(file, "--json", "--send-test", env={"RK_DOC_PING": url})
        assert checks(pinged)["monitor"]["sentence"].endswith("was pinged")
        assert [r.path for r in checks_server.requests] == ["/ping/0b7c-secret-uuid"]
    assert "secret-uuid" not in quiet.stdout + pinged.stdout + pinged.stderr


def test_a_ping_the_server_refuses_fails_with_its_status_and_the_json_stays_whole(
    tmp_path: Path,
) -> None:
    with HttpReceiver([Answer(404, {}, b"")]) as checks_server:
        url = checks_server.url("/ping/0b7c-secret-uuid")
        file = folder_config(tmp_path, extra='[monitor]\nping_url_env = "RK_DOC_PING"\n')
        done = doctor(file, "--json", "--send-test", env={"RK_DOC_PING": url})
    assert done.returncode == 3
    monitor = checks(done)["monitor"]
    assert monitor["sentence"] == (
        "the dead-man's switch at 127.0.0.1 was NOT pinged: the server answered HTTP 404"
    )
    assert "secret-uuid" not in done.stdout + done.stderr
