"""Specification, against the real daemon and SeaweedFS behind a misbehaving HTTP proxy
(`tests.faultproxy`): a store answering 503 SlowDown to parts and 500 InternalError to the
multipart completion, or answering slowly, is ridden out — the roll is uploaded, its stored bytes
are the verified bytes, nothing unfinished is left in the bucket — and a store that refuses every
part leaves the roll verified and waiting, clears nothing, and goes up once it answers again (at
the next pass: one that failed while the target's own checks passed waits 30 s, doubling)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import clip
from tests.faultproxy import FaultProxy, is_complete, is_part
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    parts_in_ledger,
    status,
    upload_state_in_ledger,
    wait_until,
)
from tests.integration.test_upload_s3 import cart, open_uploads
from tests.s3server import S3Server

MiB = 1024 * 1024
CLIP = "Clips/A001C001.mov"
KEY = f"show/{A001}/{CLIP}"

pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


def _upload(tmp_path: Path, proxy: FaultProxy, bucket: str, content: bytes) -> str:
    """Run the daemon on roll A001 (one clip) through `proxy` until it is uploaded; its output."""
    volume, config = cart(tmp_path, proxy.endpoint, bucket)
    make_roll(volume, A001, {CLIP: content})
    return _run_until_uploaded(tmp_path, config)


def _run_until_uploaded(tmp_path: Path, config: Path) -> str:
    """Run the daemon until A001 is uploaded; what it printed."""
    daemon = Daemon(config).start()
    try:
        wait_until(
            lambda: upload_state_in_ledger(tmp_path / "state", A001) == "uploaded",
            what="A001 uploaded", timeout=120,
        )  # fmt: skip
    finally:
        output = daemon.stop()
    return output


def test_slowdown_on_parts_and_an_internal_error_on_completion_are_ridden_out(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    content = clip(31, 20 * MiB)  # four parts of 5 MiB
    with FaultProxy(s3_server.s3_port) as proxy:
        proxy.fail_next(3, is_part, 503)
        proxy.fail_next(1, is_complete, 500)
        output = _upload(tmp_path, proxy, bucket, content)
        assert (proxy.served(503), proxy.served(500)) == (3, 1)  # every fault was met
    assert "Traceback" not in output
    stored = s3_server.client().get_object(Bucket=bucket, Key=KEY)["Body"].read()
    assert stored == content
    assert open_uploads(s3_server, bucket) == []


def test_a_slow_store_still_uploads_and_proves_the_roll(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    content = clip(32, 12 * MiB)
    with FaultProxy(s3_server.s3_port, latency=0.25) as proxy:
        _upload(tmp_path, proxy, bucket, content)
    stored = s3_server.client().get_object(Bucket=bucket, Key=KEY)["Body"].read()
    assert stored == content


def test_a_store_refusing_every_part_leaves_the_roll_verified_and_clears_nothing(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    content = clip(33, 12 * MiB)
    with FaultProxy(s3_server.s3_port) as proxy:
        proxy.fail_next(10**6, is_part, 503)
        volume, config = cart(tmp_path, proxy.endpoint, bucket, max_attempts=2)
        make_roll(volume, A001, {CLIP: content})
        state = tmp_path / "state"
        daemon = Daemon(config).start()
        try:
            wait_until(
                lambda: upload_state_in_ledger(state, A001) in ("waiting_for_storage", "failed"),
                what="the upload given up on for now", timeout=120,
            )  # fmt: skip
            document = status(config)
            proxy.faults.clear()  # the store answers again
            wait_until(
                lambda: upload_state_in_ledger(state, A001) == "uploaded",
                what="uploaded once the store answers", timeout=120,
            )  # fmt: skip
        finally:
            output = daemon.stop()
    assert "Traceback" not in output
    (roll,) = document["rolls"]
    assert roll["state"] == "verified" and roll["copies"][0]["state"] == "verified"
    assert not roll["clearance"]["cards_clear"]
    assert all(not (v["clearance"] or {}).get("clear_to_erase") for v in document["volumes"])
    assert s3_server.client().get_object(Bucket=bucket, Key=KEY)["Body"].read() == content


# --- kill -9 at the exact moments of a multipart upload's end -------------------------------


def _killed_at(
    tmp_path: Path, s3_server: S3Server, bucket: str, *, after_upstream: bool
) -> tuple[bytes, int]:
    """Upload A001 (a 20 MiB clip, four parts) through a proxy holding its completion — before
    the server sees it, or after the server completed the object — kill -9 the daemon there,
    then start it again without the proxy's hold until the roll is uploaded. The content, and
    how many parts the restart sent."""
    content = clip(34, 20 * MiB)
    with FaultProxy(s3_server.s3_port) as proxy:
        held = proxy.hold(is_complete, after_upstream=after_upstream)
        volume, config = cart(tmp_path, proxy.endpoint, bucket)
        make_roll(volume, A001, {CLIP: content})
        daemon = Daemon(config).start()
        try:
            held.wait_reached()
            # The worker reports each part to the loop, which records it a moment later: the
            # kill is meant for a roll whose four parts are all on record.
            wait_until(lambda: parts_in_ledger(tmp_path / "state", A001) == 4, what="4 parts")
        finally:
            daemon.kill()
        held.release()
        assert upload_state_in_ledger(tmp_path / "state", A001) == "uploading"
        before = len(proxy.seen)
        output = _run_until_uploaded(tmp_path, config)
        parts_again = sum(1 for method, path, _ in proxy.seen[before:] if is_part(method, path))
    assert "Traceback" not in output
    return content, parts_again


def test_kill_9_between_the_last_part_and_the_completion_finishes_on_restart(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    content, parts_again = _killed_at(tmp_path, s3_server, bucket, after_upstream=False)
    assert parts_again == 0  # the four parts were proven before the kill: only completed now
    assert s3_server.client().get_object(Bucket=bucket, Key=KEY)["Body"].read() == content
    assert open_uploads(s3_server, bucket) == []


def test_kill_9_after_the_completion_before_the_ledger_knew_proves_the_object_on_restart(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    content, parts_again = _killed_at(tmp_path, s3_server, bucket, after_upstream=True)
    assert parts_again == 0  # found complete under its key and proven: nothing sent again
    assert s3_server.client().get_object(Bucket=bucket, Key=KEY)["Body"].read() == content
    assert open_uploads(s3_server, bucket) == []
