"""Specification, against the real daemon and SeaweedFS: an S3 store that goes away mid-upload is
the store's failure. The copy is verified all the same (what the pass did not read is verified
without the store), the roll waits for storage, said once, and it goes up as soon as the store
answers again — not after `retry_after` — with nothing unfinished left in the bucket.

The outage is the loopback proxy between the daemon and SeaweedFS (`tests.tcpproxy`), cut: every
connection closed and new ones refused until it is restored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    status,
    upload_state_in_ledger,
    wait_until,
)
from tests.integration.test_upload_s3 import cart, parts_checkpointed
from tests.s3server import S3Server
from tests.tcpproxy import CountingProxy

MiB = 1024 * 1024


def uploaded(state: Path) -> str | None:
    """A001's upload state in the ledger."""
    return upload_state_in_ledger(state, A001)


pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


def test_a_store_gone_mid_upload_leaves_the_copy_verified_and_uploads_when_it_answers(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    proxy = CountingProxy(s3_server.s3_port).start()
    volume, config = cart(
        tmp_path, proxy.endpoint, bucket, bandwidth_limit="10MB/s", max_concurrency=1,
        max_attempts=1,
    )  # fmt: skip
    content = clip(21, 40 * MiB)  # five parts of the default 8 MiB
    make_roll(volume, A001, {"Clips/BIG.mov": content})
    state = tmp_path / "state"
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: len(parts_checkpointed(state)) >= 2, what="two parts", timeout=60)
        proxy.cut()
        wait_until(lambda: uploaded(state) == "waiting_for_storage", what="waiting", timeout=90)
        (roll,) = status(config)["rolls"]
        assert roll["state"] == "verified"
        assert roll["copies"][0]["state"] == "verified"
        proxy.restore()
        wait_until(lambda: uploaded(state) == "uploaded", what="uploaded", timeout=90)
    finally:
        output = daemon.stop()
        proxy.stop()
    assert "Traceback" not in output
    client = s3_server.client()
    stored = client.get_object(Bucket=bucket, Key=f"show/{A001}/Clips/BIG.mov")["Body"].read()
    assert stored == content
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
