"""Specification: `rollkeeper doctor` checks a cart against its real target and says how to fix
what fails — exit 0 when everything passes (warnings allowed), 3 when the environment fails a
check, 2 when the configuration is not valid — and never shows a secret.

Real SeaweedFS (the session's server), real folders; an unreachable endpoint is a closed loopback
port, a hung one a loopback socket that takes connections and never answers. The command runs as
a subprocess (`python -m rollkeeper doctor`), as a person would run it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.doctor_cli import checks, doctor
from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server

KEYS = {"RK_DOC_KEY_ID": ACCESS_KEY, "RK_DOC_SECRET": SECRET_KEY}


def s3_config(tmp_path: Path, endpoint: str, bucket: str) -> Path:
    (tmp_path / "RAID_A").mkdir(exist_ok=True)
    file = tmp_path / "rollkeeper.toml"
    file.write_text(
        f"""
[state]
dir = "{tmp_path / "state"}"
[[volumes]]
path = "{tmp_path / "RAID_A"}"
role = "raid"
[target]
kind = "s3"
bucket = "{bucket}"
endpoint_url = "{endpoint}"
region = "us-east-1"
prefix = "show"
access_key_id_env = "RK_DOC_KEY_ID"
secret_access_key_env = "RK_DOC_SECRET"
""",
        encoding="utf-8",
    )
    return file


def test_a_reachable_store_with_good_credentials_passes_and_the_clocks_agree(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    done = doctor(s3_config(tmp_path, s3_server.endpoint, bucket), "--json", env=KEYS)
    assert done.returncode == 0, done.stdout + done.stderr
    found = checks(done)
    assert found["target"]["status"] == "ok"
    assert f"bucket {bucket!r}" in found["target"]["sentence"]
    assert found["target-identity"]["status"] == "ok"
    assert found["clock-skew"]["status"] == "ok"
    assert "target-probe" not in found  # writes only when asked


def test_the_probe_writes_reads_and_deletes_one_object_under_doctor_and_leaves_nothing(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    done = doctor(s3_config(tmp_path, s3_server.endpoint, bucket), "--json", "--probe", env=KEYS)
    assert done.returncode == 0, done.stdout + done.stderr
    probe = checks(done)["target-probe"]
    assert probe["status"] == "ok"
    assert "show/doctor/probe-" in probe["sentence"] and "CRC64NVME" in probe["sentence"]
    assert s3_server.client().list_objects_v2(Bucket=bucket).get("Contents", []) == []


def test_the_marker_tells_whether_the_store_keeps_checksums(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    s3_server.client().put_object(
        Bucket=bucket,
        Key="show/.rollkeeper-target.json",
        Body=b'{"schema": "rollkeeper.target/1", "id": "abc"}',
        ChecksumAlgorithm="CRC32",
    )
    done = doctor(s3_config(tmp_path, s3_server.endpoint, bucket), "--json", env=KEYS)
    found = checks(done)
    assert found["target-checksums"]["status"] == "ok"
    assert "CRC32" in found["target-checksums"]["sentence"]
    assert "marker id abc" in found["target-identity"]["sentence"]


def test_wrong_credentials_fail_with_exit_3_naming_the_key_variables_never_the_keys(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    wrong = {"RK_DOC_KEY_ID": ACCESS_KEY, "RK_DOC_SECRET": "not-the-secret-key-at-all"}
    done = doctor(s3_config(tmp_path, s3_server.endpoint, bucket), env=wrong)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "FAIL  target:" in done.stdout
    assert "RK_DOC_KEY_ID and RK_DOC_SECRET" in done.stdout
    assert "not-the-secret-key-at-all" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_bucket_fails_with_the_fix_to_create_it(
    s3_server: S3Server, tmp_path: Path
) -> None:
    done = doctor(
        s3_config(tmp_path, s3_server.endpoint, "no-such-bucket-here"), "--json", env=KEYS
    )
    assert done.returncode == 3
    target = checks(done)["target"]
    assert target["status"] == "fail"
    assert "create the bucket 'no-such-bucket-here'" in target["fix"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_endpoint_fails_with_exit_3_and_says_what_to_check(tmp_path: Path) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    done = doctor(s3_config(tmp_path, endpoint, "footage"), "--json", env=KEYS)
    assert done.returncode == 3
    target = checks(done)["target"]
    assert target["status"] == "fail"
    assert "cannot be reached" in target["sentence"]
    assert "network, VPN, firewall" in target["fix"]


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A store that is stopped (a SIGSTOPped server): connections are taken, never answered."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_store_that_never_answers_fails_after_doctors_short_timeout_not_a_hang(
    silent_endpoint: str, tmp_path: Path
) -> None:
    """Doctor's client waits 5 s for an answer and does not retry (the daemon's: 120 s, 3
    attempts); the subprocess timeout above only guards the suite."""
    done = doctor(s3_config(tmp_path, silent_endpoint, "footage"), "--json", env=KEYS)
    assert done.returncode == 3
    assert "cannot be reached" in checks(done)["target"]["sentence"]


def test_unset_key_variables_fail_with_the_variables_named(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    done = subprocess.run(
        [sys.executable, "-m", "rollkeeper", "doctor", "--config",
         str(s3_config(tmp_path, s3_server.endpoint, bucket))],
        capture_output=True, text=True, check=False, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 3
    assert "RK_DOC_KEY_ID and RK_DOC_SECRET must both be set" in done.stdout


def test_an_https_endpoint_with_an_untrusted_certificate_fails_with_the_ca_bundle_fix(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    config = s3_config(tmp_path, s3_server.https_endpoint, bucket)
    done = doctor(config, "--json", env=KEYS)
    assert done.returncode == 3
    target = checks(done)["target"]
    assert "TLS certificate is not trusted" in target["sentence"]
    assert target["fix"].startswith("set [target] ca_bundle")
    with config.open("a", encoding="utf-8") as file:
        file.write(f'ca_bundle = "{s3_server.certificate}"\n')
    assert doctor(config, env=KEYS).returncode == 0


@pytest.fixture
def used_folder_cart(tmp_path: Path) -> Path:
    """A folder target a real daemon pass used (its marker written, its id in the ledger)."""
    from tests.builders import clip
    from tests.integration.daemon_harness import A001, make_roll, run_cli, write_config

    raid = tmp_path / "RAID_A"
    raid.mkdir()
    (tmp_path / "store").mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(raid), "raid")],
        settle=0.0,
        extra=f'[target]\npath = "{tmp_path / "store"}"\n',
    )
    make_roll(raid, A001, {"Clips/A001C001.mov": clip(1, 3000)})
    done = run_cli("run", "--once", "--wait", "0", "--config", str(config))
    assert done.returncode == 0, done.stdout + done.stderr
    return config


def test_the_target_this_cart_used_is_recognised_by_its_marker(used_folder_cart: Path) -> None:
    done = doctor(used_folder_cart, "--json")
    assert done.returncode == 0, done.stdout
    assert "holds the marker id" in checks(done)["target-identity"]["sentence"]
    assert "this cart recorded" in checks(done)["target-identity"]["sentence"]


def test_another_disk_in_the_targets_place_fails_as_the_daemon_would_refuse_it(
    used_folder_cart: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "store" / ".rollkeeper-target.json"
    marker.write_text('{"schema": "rollkeeper.target/1", "id": "someone-elses"}')
    done = doctor(used_folder_cart, "--json")
    assert done.returncode == 3
    identity = checks(done)["target-identity"]
    assert identity["sentence"].startswith("TARGET is another disk")
    assert "someone-elses" in identity["sentence"]
    assert "Moving storage deliberately" in identity["fix"]


def test_an_empty_folder_in_the_targets_place_fails_as_not_mounted(
    used_folder_cart: Path, tmp_path: Path
) -> None:
    (tmp_path / "store" / ".rollkeeper-target.json").unlink()
    done = doctor(used_folder_cart, "--json")
    assert done.returncode == 3
    assert checks(done)["target-identity"]["sentence"].startswith(
        "TARGET is not mounted (or is another disk)"
    )


def test_without_a_marker_the_store_checksums_are_unknown_until_the_probe_asks(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    config = s3_config(tmp_path, s3_server.endpoint, bucket)
    looked = checks(doctor(config, "--json", env=KEYS))
    assert looked["target-checksums"]["status"] == "warn"
    assert looked["target-checksums"]["fix"].startswith("run `rollkeeper doctor --probe`")
    probed = checks(doctor(config, "--json", "--probe", env=KEYS))
    assert "target-checksums" not in probed
    assert probed["target-probe"]["status"] == "ok"
