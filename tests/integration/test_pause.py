"""`rollkeeper pause` / `resume` with the real daemon: uploads stop at a part boundary while
verification goes on, and go on from the last part sent; a pause `--for` a while ends by itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_states,
    run_cli,
    status,
    upload_state_in_ledger,
    wait_until,
    write_config,
)
from tests.integration.test_stopping import parts_checkpointed
from tests.integration.test_upload_fs import events
from tests.integration.test_upload_s3 import objects, target_table
from tests.s3server import S3Server
from tests.tcpproxy import CountingProxy

MiB = 1024 * 1024


pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


def test_a_pause_mid_file_holds_the_upload_and_resume_sends_only_the_parts_left(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    proxy = CountingProxy(s3_server.s3_port).start()
    try:
        volume = tmp_path / "RAID_A"
        volume.mkdir()
        extra = target_table(proxy.endpoint, bucket, bandwidth_limit="4MB/s", max_concurrency=1)
        config = write_config(
            tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(volume), "raid")], settle=0,
            extra=extra,
        )  # fmt: skip
        content = clip(11, 40 * MiB)  # eight parts of 5 MiB
        make_roll(volume, A001, {"Clips/BIG.mov": content})
        state = tmp_path / "state"
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: parts_checkpointed(state) >= 2, what="two parts", timeout=60)
            paused = run_cli("pause", "--config", str(config))
            assert paused.returncode == 0, paused.stderr
            assert "asked for uploads to pause until `rollkeeper resume`" in paused.stdout

            # The upload stops at a part boundary; the roll is verified all the same, and waits.
            wait_until(
                lambda: upload_state_in_ledger(state, A001) == "waiting_for_storage",
                what="the upload held", timeout=60,
            )  # fmt: skip
            document = status(config)
            assert document["upload_control"]["paused"] is True
            assert document["upload_control"]["paused_until"] is None
            (roll,) = document["rolls"]
            assert roll["state"] == "verified"
            assert "UPLOADS PAUSED" in (roll["upload"]["last_error"] or "")
            sent_before = set(proxy.parts_sent)
            proxy.parts_sent.clear()

            assert run_cli("resume", "--config", str(config)).returncode == 0
            wait_until(
                lambda: roll_states(config) == {A001: "uploaded"}, what="uploaded", timeout=90
            )
        finally:
            daemon.stop()

        assert not sent_before & set(proxy.parts_sent)  # nothing sent twice
        assert objects(s3_server, bucket)[f"show/{A001}/Clips/BIG.mov"] == content
        assert status(config)["upload_control"]["paused"] is False
    finally:
        proxy.stop()


def test_a_pause_for_a_while_holds_new_rolls_then_ends_by_itself(tmp_path: Path) -> None:
    volume, nas = tmp_path / "RAID_A", tmp_path / "NAS"
    volume.mkdir()
    nas.mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(volume), "raid")], settle=0,
        extra=f'[target]\nkind = "fs"\npath = "{nas}"\nretry_after = "1h"\n',
    )  # fmt: skip
    (tmp_path / "state").mkdir()
    paused = run_cli("pause", "--for", "8s", "--config", str(config))
    assert paused.returncode == 0, paused.stderr
    assert "the daemon is not running; it applies this when it starts" in paused.stdout
    make_roll(volume, A001, {"Clips/A.mov": clip(12, MiB)})
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: roll_states(config) == {A001: "uploaded"}, what="uploaded", timeout=60)
    finally:
        daemon.stop()

    assert (nas / A001 / "Clips/A.mov").read_bytes() == clip(12, MiB)
    (waited,) = events(tmp_path / "state", "storage_waiting")
    assert "verified — waiting for storage (UPLOADS PAUSED by `rollkeeper pause` until" in waited


def test_pause_for_a_duration_that_is_not_one_is_refused_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "RAID_A").mkdir()
    config = write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(tmp_path / "RAID_A"), "raid")]
    )

    done = run_cli("pause", "--for", "soon", "--config", str(config))

    assert done.returncode == 2
    assert "'soon' is not a duration; use a number of seconds or e.g. '30s'" in done.stderr
    assert not (tmp_path / "state" / "requests").exists()
