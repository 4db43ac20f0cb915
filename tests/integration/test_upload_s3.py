"""Uploading rolls to a real S3-compatible server (SeaweedFS on loopback), end to end."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from rollkeeper.ledger.store import Ledger
from rollkeeper.transfer.identity import MARKER_NAME

from tests.builders import clip, xxh64_hex
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_states,
    run_cli,
    status,
    wait_until,
    write_config,
)
from tests.s3server import WRITER_KEY, WRITER_SECRET, S3Server
from tests.tcpproxy import CountingProxy

MiB = 1024 * 1024


pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


def target_table(endpoint: str, bucket: str, **extra: Any) -> str:
    lines = [
        "[target]",
        'kind = "s3"',
        f'bucket = "{bucket}"',
        f'endpoint_url = "{endpoint}"',
        'region = "us-east-1"',
        'prefix = "show"',
        'access_key_id_env = "RK_TEST_KEY_ID"',
        'secret_access_key_env = "RK_TEST_SECRET"',
        'part_size = "5MiB"',
        'retry_after = "1h"',
    ]
    for key, value in extra.items():
        shown = json.dumps(value) if isinstance(value, str) else str(value).lower()
        lines.append(f"{key} = {shown}")
    return "\n".join(lines) + "\n"


def cart(tmp_path: Path, endpoint: str, bucket: str, **extra: Any) -> tuple[Path, Path]:
    volume = tmp_path / "RAID_A"
    volume.mkdir(exist_ok=True)
    config = write_config(
        tmp_path / "rollkeeper.toml",
        tmp_path / "state",
        [(str(volume), "raid")],
        settle=0,
        extra=target_table(endpoint, bucket, **extra),
    )
    return volume, config


def objects(server: S3Server, bucket: str) -> dict[str, bytes]:
    client = server.client()
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listing
    }


def open_uploads(server: S3Server, bucket: str) -> list[Any]:
    return server.client().list_multipart_uploads(Bucket=bucket).get("Uploads") or []


def events(state: Path, kind: str) -> list[dict[str, Any]]:
    ledger = Ledger.in_state_dir(state, readonly=True)
    try:
        return [asdict(e) for e in ledger.events() if e.kind == kind]
    finally:
        ledger.close()


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


# --- the good path ----------------------------------------------------------------------------


def test_a_clean_day_is_uploaded_and_reads_back_byte_identical(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    volume, config = cart(tmp_path, s3_server.endpoint, bucket)
    files = {
        "Clips/A001C001.mov": clip(1, 12 * MiB),  # multipart: three 5 MiB parts
        "Clips/A001C002.mov": clip(2, 300_000),  # one PUT
        "Clips/empty.bin": b"",
    }
    make_roll(volume, A001, files)

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 0, done.stderr
    assert roll_states(config) == {A001: "uploaded"}
    stored = objects(s3_server, bucket)
    for name, content in files.items():
        assert stored[f"show/{A001}/{name}"] == content
    assert any(key.endswith(".mhl") for key in stored)
    (manifest,) = [k for k in stored if k.endswith(".rollkeeper.json")]
    assert b'"schema": "rollkeeper.roll-manifest/1"' in stored[manifest]
    head = s3_server.client().head_object(
        Bucket=bucket, Key=f"show/{A001}/Clips/A001C001.mov", ChecksumMode="ENABLED"
    )
    assert head["Metadata"]["xxh64"] == xxh64_hex(files["Clips/A001C001.mov"])
    assert head["ChecksumType"] == "FULL_OBJECT"
    assert open_uploads(s3_server, bucket) == []


def test_uploading_the_same_roll_again_finds_it_identical_and_writes_nothing(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    volume, config = cart(tmp_path, s3_server.endpoint, bucket)
    make_roll(volume, A001, {"Clips/A.mov": clip(3, 7 * MiB), "Clips/B.mov": clip(4, 1000)})
    assert run_cli("run", "--once", "--config", str(config)).returncode == 0
    before = {
        o["Key"]: o["LastModified"]
        for o in s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    }
    # A second cart (fresh ledger) offloads the same roll: nothing is overwritten.
    second = tmp_path / "second"
    second.mkdir()
    _, config2 = cart(second, s3_server.endpoint, bucket)
    (second / "RAID_A").rmdir()
    (second / "RAID_A").symlink_to(volume)

    assert run_cli("run", "--once", "--config", str(config2)).returncode == 0

    assert roll_states(config2) == {A001: "uploaded"}
    after = {
        o["Key"]: o["LastModified"]
        for o in s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
        if not o["Key"].endswith((".rollkeeper.json", MARKER_NAME))
    }
    assert {k: v for k, v in before.items() if not k.endswith(".json")} == after


def test_many_parts_are_proven_by_the_full_object_checksum(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    volume, config = cart(tmp_path, s3_server.endpoint, bucket, max_concurrency=3)
    content = clip(5, 41 * MiB + 17)  # nine parts, the last one short
    make_roll(volume, A001, {"Clips/LONG.mov": content})

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    assert objects(s3_server, bucket)[f"show/{A001}/Clips/LONG.mov"] == content
    ledger = Ledger.in_state_dir(tmp_path / "state", readonly=True)
    try:
        upload = ledger.file_uploads(A001)["Clips/LONG.mov"]
    finally:
        ledger.close()
    assert upload.state == "stored"
    assert upload.local_checksum == upload.stored_checksum
    assert "crc64nvme" in (upload.proof or "")


# --- bad bytes, taken keys, bad credentials -----------------------------------------------------


@pytest.mark.parametrize("size", [200_000, 12 * MiB], ids=["single-put", "multipart"])
def test_a_byte_flipped_after_sealing_commits_nothing(
    tmp_path: Path, s3_server: S3Server, bucket: str, size: int
) -> None:
    volume, config = cart(tmp_path, s3_server.endpoint, bucket)
    roll = make_roll(volume, A001, {"Clips/BAD.mov": clip(6, size)})
    flip_byte(roll / "Clips/BAD.mov", size - 10)

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 1
    assert roll_states(config) == {A001: "mismatch"}
    assert not any(k.endswith("BAD.mov") for k in objects(s3_server, bucket))
    assert open_uploads(s3_server, bucket) == []
    (failed,) = events(tmp_path / "state", "upload_failed")
    assert failed["severity"] == "alarm"
    assert "BAD.mov" in failed["message"]


def test_a_key_holding_other_content_is_a_conflict_and_is_left_alone(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    volume, config = cart(tmp_path, s3_server.endpoint, bucket)
    make_roll(volume, A001, {"Clips/A.mov": clip(7, 100_000)})
    key = f"show/{A001}/Clips/A.mov"
    s3_server.client().put_object(Bucket=bucket, Key=key, Body=b"someone else's clip")

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 1
    document = status(config)
    (roll,) = document["rolls"]
    assert roll["state"] == "conflict"
    assert any("already holds" in p for p in roll["problems"])
    assert objects(s3_server, bucket)[key] == b"someone else's clip"


def test_wrong_credentials_stop_the_upload_at_once_with_what_to_fix(
    tmp_path: Path, s3_server: S3Server, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RK_TEST_SECRET", "not-the-secret")
    volume, config = cart(tmp_path, s3_server.endpoint, bucket)
    make_roll(volume, A001, {"Clips/A.mov": clip(8, 100_000)})

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 1
    (roll,) = status(config)["rolls"]
    assert roll["state"] == "verified"  # verification never waits for storage
    assert roll["upload"]["state"] == "waiting_for_storage"
    assert "credentials" in roll["upload"]["last_error"]
    assert "not-the-secret" not in done.stderr + str(status(config))
    assert objects(s3_server, bucket) == {}


def test_a_missing_bucket_is_named_with_the_fix(
    tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An identity that cannot create buckets (SeaweedFS creates one on PUT for admins).
    monkeypatch.setenv("RK_TEST_KEY_ID", WRITER_KEY)
    monkeypatch.setenv("RK_TEST_SECRET", WRITER_SECRET)
    volume, config = cart(tmp_path, s3_server.endpoint, "no-such-bucket-here")
    make_roll(volume, A001, {"Clips/A.mov": clip(9, 1000)})

    done = run_cli("run", "--once", "--config", str(config))

    assert done.returncode == 1
    (roll,) = status(config)["rolls"]
    assert roll["state"] == "verified"  # verification never waits for storage
    assert roll["upload"]["state"] == "waiting_for_storage"
    assert "bucket does not exist" in roll["upload"]["last_error"]
    (alarm,) = events(tmp_path / "state", "target_unusable")
    assert "no-such-bucket-here" in alarm["message"]


# --- crashes and outages -----------------------------------------------------------------------


@pytest.mark.parametrize("options", [(), ("--once",)], ids=["run", "run --once"])
def test_kill_9_mid_file_resumes_without_resending_finished_parts(
    tmp_path: Path, s3_server: S3Server, bucket: str, options: tuple[str, ...]
) -> None:
    # The worker only reports its parts; the daemon's loop (or `--once` while it waits) makes
    # them durable as they come, so the parts it recorded before the kill are never sent again.
    proxy = CountingProxy(s3_server.s3_port).start()
    try:
        volume, config = cart(
            tmp_path, proxy.endpoint, bucket, bandwidth_limit="10MB/s", max_concurrency=1
        )
        content = clip(10, 40 * MiB)  # eight parts
        make_roll(volume, A001, {"Clips/BIG.mov": content})
        daemon = Daemon(config, *options).start()
        state = tmp_path / "state"
        wait_until(lambda: len(parts_checkpointed(state)) >= 3, what="three parts", timeout=60)
        assert daemon.process is not None
        os.kill(daemon.process.pid, signal.SIGKILL)
        daemon.process.communicate(timeout=30)
        finished_before = parts_checkpointed(state)
        proxy.parts_sent.clear()

        assert run_cli("run", "--once", "--config", str(config)).returncode == 0

        assert roll_states(config) == {A001: "uploaded"}
        assert not finished_before & set(proxy.parts_sent)
        assert set(proxy.parts_sent) | finished_before == set(range(1, 9))
        assert objects(s3_server, bucket)[f"show/{A001}/Clips/BIG.mov"] == content
    finally:
        proxy.stop()


def parts_checkpointed(state: Path) -> set[int]:
    """Part numbers the ledger recorded as sent (read raw: the daemon may be mid-start-up)."""
    path = state / "ledger.sqlite3"
    if not path.exists():
        return set()
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
            rows = db.execute("SELECT number FROM upload_parts").fetchall()
    except sqlite3.OperationalError:  # not migrated yet
        return set()
    return {int(r[0]) for r in rows}


def test_the_server_stopping_mid_upload_is_ridden_out(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, bucket: str
) -> None:
    # A server of its own: this test stops it.
    server = S3Server(tmp_path_factory.mktemp("outage") / "data").start()
    try:
        server.client().create_bucket(Bucket=bucket)
        volume, config = cart(tmp_path, server.endpoint, bucket, bandwidth_limit="8MB/s")
        content = clip(11, 30 * MiB)
        make_roll(volume, A001, {"Clips/BIG.mov": content})
        daemon = Daemon(config).start()
        try:
            state = tmp_path / "state"
            wait_until(lambda: len(parts_checkpointed(state)) >= 2, what="two parts", timeout=60)
            server.restart()
            wait_until(
                lambda: roll_states(config).get(A001) == "uploaded", what="uploaded", timeout=180
            )
        finally:
            output = daemon.stop()
        assert "Traceback" not in output
        assert objects(server, bucket)[f"show/{A001}/Clips/BIG.mov"] == content
    finally:
        server.stop()


# --- TLS -----------------------------------------------------------------------------------------


def test_https_with_the_servers_ca_bundle_uploads_and_proves(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    assert s3_server.certificate is not None
    volume, config = cart(
        tmp_path, s3_server.https_endpoint, bucket, ca_bundle=str(s3_server.certificate)
    )
    content = clip(12, 11 * MiB)
    make_roll(volume, A001, {"Clips/A.mov": content})

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    assert objects(s3_server, bucket)[f"show/{A001}/Clips/A.mov"] == content


def test_an_untrusted_certificate_stops_with_the_fix(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    volume, config = cart(tmp_path, s3_server.https_endpoint, bucket)
    make_roll(volume, A001, {"Clips/A.mov": clip(13, 1000)})

    assert run_cli("run", "--once", "--config", str(config)).returncode == 1

    (roll,) = status(config)["rolls"]
    assert roll["state"] == "verified"  # verification never waits for storage
    assert roll["upload"]["state"] == "waiting_for_storage"
    assert "ca_bundle" in roll["upload"]["last_error"]
    assert objects(s3_server, bucket) == {}


# --- checksum modes, storage class, abandoned uploads ---------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"checksum": "crc32c"},
        {"checksum": "sha256"},
        {"checksum": "off"},
        {"compatibility": True},
    ],
    ids=["crc32c", "sha256", "off-read-back", "compatibility-etag"],
)
def test_every_checksum_mode_uploads_and_proves(
    tmp_path: Path, s3_server: S3Server, bucket: str, settings: dict[str, Any]
) -> None:
    volume, config = cart(tmp_path, s3_server.endpoint, bucket, **settings)
    files = {"Clips/BIG.mov": clip(14, 12 * MiB), "Clips/small.mov": clip(15, 2000)}
    make_roll(volume, A001, files)

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    assert roll_states(config) == {A001: "uploaded"}
    stored = objects(s3_server, bucket)
    assert all(stored[f"show/{A001}/{name}"] == content for name, content in files.items())


def test_the_storage_class_is_set_on_every_object(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    volume, config = cart(tmp_path, s3_server.endpoint, bucket, storage_class="STANDARD_IA")
    make_roll(volume, A001, {"Clips/A.mov": clip(16, 7 * MiB)})

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    head = s3_server.client().head_object(Bucket=bucket, Key=f"show/{A001}/Clips/A.mov")
    assert head.get("StorageClass") == "STANDARD_IA"


def test_abandoned_multipart_uploads_under_the_prefix_are_aborted(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    client = s3_server.client()
    client.create_multipart_upload(Bucket=bucket, Key="show/leftover/from-a-crash.mov")
    client.create_multipart_upload(Bucket=bucket, Key="elsewhere/not-ours.mov")
    volume, config = cart(tmp_path, s3_server.endpoint, bucket)
    make_roll(volume, A001, {"Clips/A.mov": clip(17, 1000)})

    assert run_cli("run", "--once", "--config", str(config)).returncode == 0

    assert [u["Key"] for u in open_uploads(s3_server, bucket)] == ["elsewhere/not-ours.mov"]
    (aborted,) = events(tmp_path / "state", "upload_abandoned")
    assert "show/leftover/from-a-crash.mov" in aborted["message"]


# --- what goes on the wire ----------------------------------------------------------------------


def media_requests(proxy: CountingProxy, method: str) -> list[str]:
    return [r.path for r in proxy.requests if r.method == method and "/Clips/" in r.path]


def test_small_files_are_written_without_a_lookup_first(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    proxy = CountingProxy(s3_server.s3_port).start()
    try:
        volume, config = cart(tmp_path, proxy.endpoint, bucket)
        files = {f"Clips/A001C{n:03d}.wav": clip(n, 50_000 + n) for n in range(12)}
        make_roll(volume, A001, files)

        assert run_cli("run", "--once", "--config", str(config)).returncode == 0

        assert roll_states(config) == {A001: "uploaded"}
        assert len(media_requests(proxy, "PUT")) == len(files)
        assert media_requests(proxy, "HEAD") == []  # the PUT's answer carries the proof
        stored = objects(s3_server, bucket)
        assert all(stored[f"show/{A001}/{name}"] == data for name, data in files.items())
    finally:
        proxy.stop()


def test_a_small_file_refused_as_taken_is_judged_by_what_the_key_holds(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    volume, config = cart(tmp_path, s3_server.endpoint, bucket)
    same, other = clip(20, 70_000), clip(21, 70_000)
    make_roll(volume, A001, {"Clips/SAME.wav": same, "Clips/OTHER.wav": other})
    client = s3_server.client()
    client.put_object(Bucket=bucket, Key=f"show/{A001}/Clips/SAME.wav", Body=same)
    client.put_object(Bucket=bucket, Key=f"show/{A001}/Clips/OTHER.wav", Body=b"not this clip")

    assert run_cli("run", "--once", "--config", str(config)).returncode == 1

    (roll,) = status(config)["rolls"]
    assert roll["state"] == "conflict"
    assert [p for p in roll["problems"] if "OTHER.wav" in p]
    assert not [p for p in roll["problems"] if "SAME.wav" in p]
    assert objects(s3_server, bucket)[f"show/{A001}/Clips/OTHER.wav"] == b"not this clip"


def test_without_conditional_writes_a_small_file_is_looked_up_before_it_is_written(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    proxy = CountingProxy(s3_server.s3_port).start()
    try:
        volume, config = cart(tmp_path, proxy.endpoint, bucket, conditional_writes=False)
        make_roll(volume, A001, {"Clips/A.wav": clip(22, 60_000)})
        key = f"show/{A001}/Clips/A.wav"
        s3_server.client().put_object(Bucket=bucket, Key=key, Body=b"someone else's take")

        assert run_cli("run", "--once", "--config", str(config)).returncode == 1

        assert roll_states(config) == {A001: "conflict"}
        assert media_requests(proxy, "PUT") == []
        assert objects(s3_server, bucket)[key] == b"someone else's take"
    finally:
        proxy.stop()


@pytest.mark.parametrize(("sign_payload", "signed"), [(False, False), (True, True)])
def test_request_bodies_are_signed_only_when_asked(
    tmp_path: Path, s3_server: S3Server, bucket: str, sign_payload: bool, signed: bool
) -> None:
    proxy = CountingProxy(s3_server.s3_port).start()
    try:
        volume, config = cart(tmp_path, proxy.endpoint, bucket, sign_payload=sign_payload)
        make_roll(volume, A001, {"Clips/A.mov": clip(23, 12 * MiB), "Clips/B.wav": clip(24, 9)})

        assert run_cli("run", "--once", "--config", str(config)).returncode == 0

        bodies = [r for r in proxy.requests if r.method == "PUT" and "/Clips/" in r.path]
        assert len(bodies) == 4  # three parts and one small file
        payload = {r.headers.get("x-amz-content-sha256") for r in bodies}
        if signed:
            assert all(p and len(p) == 64 for p in payload)  # the hex SHA-256 of the body
        else:
            assert payload == {"UNSIGNED-PAYLOAD"}
        assert all(r.headers.get("x-amz-checksum-crc64nvme") for r in bodies)  # still bound
    finally:
        proxy.stop()
