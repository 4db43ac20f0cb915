"""Archive status and erase clearance end to end, against SeaweedFS and real drive folders.

The archive tier is simulated the way a provider would act: a lifecycle rule changing storage
classes (done here with a server-side copy onto the same key), a second bucket filled by a copy
job, or nothing at all.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rollkeeper.ledger.store import Ledger

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    DAY,
    S001,
    Daemon,
    make_roll,
    roll_state_in_ledger,
    run_cli,
    status,
    wait_until,
    write_config,
)
from tests.s3server import S3Server

FILES = {"Clips/A001C001.mov": clip(1, 6 * 1024 * 1024), "Clips/A001C002.mov": clip(2, 4000)}


pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


def s3_lines(endpoint: str, bucket: str) -> list[str]:
    return [
        f'bucket = "{bucket}"',
        f'endpoint_url = "{endpoint}"',
        'region = "us-east-1"',
        'access_key_id_env = "RK_TEST_KEY_ID"',
        'secret_access_key_env = "RK_TEST_SECRET"',
    ]


class Cart:
    """A cart with a RAID and a rotation drive, uploading to one bucket."""

    def __init__(
        self, root: Path, server: S3Server, bucket: str, archive: list[str], extra: str = ""
    ) -> None:
        self.root = root
        self.server = server
        self.bucket = bucket
        self.raid = root / "RAID_A"
        self.shuttle = root / "SHUTTLE_01"
        self.raid.mkdir()
        self.shuttle.mkdir()
        target = ["[target]", 'kind = "s3"', *s3_lines(server.endpoint, bucket)]
        self.config = write_config(
            root / "rollkeeper.toml",
            root / "state",
            [(str(self.raid), "raid"), (str(self.shuttle), "rotation")],
            settle=0,
            extra="\n".join([*target, "[archive]", *archive, extra]) + "\n",
        )

    def offload(self, folder: str = A001, files: dict[str, bytes] = FILES) -> None:
        """The same card on the RAID and the shuttle, with the very same MHL."""
        raid_roll = make_roll(self.raid, folder, files)
        shuttle_roll = self.shuttle / folder
        shuttle_roll.mkdir(parents=True)
        for path in raid_roll.rglob("*"):
            if path.is_file():
                copy = shuttle_roll / path.relative_to(raid_roll)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(path.read_bytes())

    def run(self) -> None:
        done = run_cli("run", "--once", "--config", str(self.config))
        assert "Traceback" not in done.stderr, done.stderr

    def clearance(self, drive: str) -> tuple[int, dict[str, Any]]:
        done = run_cli("clearance", drive, "--json", "--config", str(self.config))
        assert done.returncode in (0, 1), done.stderr
        document: dict[str, Any] = json.loads(done.stdout)
        return done.returncode, document["drives"][0]

    def events(self, kind: str) -> list[dict[str, Any]]:
        ledger = Ledger.in_state_dir(self.root / "state", readonly=True)
        try:
            return [asdict(e) for e in ledger.events() if e.kind == kind]
        finally:
            ledger.close()

    def stored_keys(self) -> list[str]:
        listing = self.server.client().list_objects_v2(Bucket=self.bucket)
        return [o["Key"] for o in listing.get("Contents", []) if o["Key"].endswith(".mov")]

    def set_storage_class(self, key: str, storage_class: str) -> None:
        """What a lifecycle rule does: the same bytes, now in another storage class."""
        client = self.server.client()
        current = client.get_object(Bucket=self.bucket, Key=key)
        client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=current["Body"].read(),
            Metadata=current["Metadata"],
            StorageClass=storage_class,
            ChecksumAlgorithm="CRC64NVME",
        )


@pytest.fixture
def cart(tmp_path: Path, s3_server: S3Server, bucket: str) -> Cart:
    """A cart without an archive tier, its card offloaded to both drives, after one pass."""
    proven = Cart(tmp_path, s3_server, bucket, ['provider = "none"'])
    proven.offload()
    proven.run()
    return proven


@pytest.fixture
def archive_bucket(s3_server: S3Server, bucket: str) -> str:
    """A second, empty bucket on the same server: the s3-copy provider's archive."""
    name = f"{bucket}-arch"
    s3_server.client().create_bucket(Bucket=name)
    return name


def reasons(drive: dict[str, Any]) -> str:
    return " | ".join(b["reason"] for b in drive["blocking"])


# --- the rotation drive ---------------------------------------------------------------------


def test_a_rotation_drive_is_cleared_once_the_primary_copy_is_proven(cart: Cart) -> None:
    code, shuttle = cart.clearance("SHUTTLE_01")

    assert code == 0
    assert (shuttle["clear_to_erase"], shuttle["level"], shuttle["role"]) == (
        True,
        "cards",
        "rotation",
    )
    (granted,) = [e for e in cart.events("clearance_granted") if "SHUTTLE_01" in e["message"]]
    assert "YOU MAY ERASE SHUTTLE_01" in granted["message"]


def test_a_rotation_drive_with_an_unknown_folder_is_blocked_with_the_reason(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    cart = Cart(tmp_path, s3_server, bucket, ['provider = "none"'])
    cart.offload()
    (cart.shuttle / "DIT_scratch").mkdir()
    (cart.shuttle / "DIT_scratch" / "notes.txt").write_text("not backed up anywhere")
    cart.run()

    code, shuttle = cart.clearance("SHUTTLE_01")

    assert code == 1
    assert not shuttle["clear_to_erase"]
    assert "DIT_scratch" in reasons(shuttle)


def test_a_roll_on_fewer_volumes_than_the_copy_rule_warns_but_does_not_block(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    cart = Cart(
        tmp_path, s3_server, bucket, ['provider = "none"'], "[clearance]\nmin_onset_copies = 2"
    )
    make_roll(cart.shuttle, S001, {"S001_T01.wav": clip(3, 5000)})  # on the shuttle only
    cart.run()

    code, shuttle = cart.clearance("SHUTTLE_01")

    assert code == 0
    assert any("only 1 on-set copy" in w for w in shuttle["warnings"])


def test_an_object_deleted_from_the_bucket_after_clearance_revokes_it(cart: Cart) -> None:
    """`clearance` looks the objects up again (its evidence older than `max_evidence_age`,
    here 0 s); the daemon's own listing finds the same (`test_object_rechecks`)."""
    assert cart.clearance("SHUTTLE_01")[0] == 0
    with cart.config.open("a", encoding="utf-8") as config:
        config.write('[clearance]\nmax_evidence_age = "0s"\n')
    cart.server.client().delete_object(Bucket=cart.bucket, Key=f"{A001}/Clips/A001C002.mov")

    code, shuttle = cart.clearance("SHUTTLE_01")

    assert code == 1
    assert "A001C002.mov" in reasons(shuttle)
    (revoked,) = cart.events("clearance_revoked")
    assert "CLEARANCE REVOKED" in revoked["message"]
    assert cart.events("object_missing")
    cart.run()  # the roll is uploaded again, and the drive cleared again
    assert cart.clearance("SHUTTLE_01")[0] == 0


def test_a_source_file_touched_after_verification_revokes_and_is_verified_again(cart: Cart) -> None:
    assert cart.clearance("SHUTTLE_01")[0] == 0
    touched = cart.shuttle / A001 / "Clips/A001C002.mov"
    touched.write_bytes(touched.read_bytes())  # same bytes, new mtime: proof no longer current

    code, _ = cart.clearance("SHUTTLE_01")
    assert code == 1
    assert cart.events("clearance_revoked")
    cart.run()  # the daemon notices, verifies the copy again, and it still matches
    assert cart.events("copy_stale")
    assert cart.clearance("SHUTTLE_01")[0] == 0


def test_restarting_between_every_step_repeats_no_announcement(cart: Cart) -> None:
    for _ in range(2):
        cart.run()
    verdicts = [cart.clearance("SHUTTLE_01")[1] for _ in range(2)]
    for verdict in verdicts:
        del verdict["checked_at"]  # each answer re-checks: when differs, the verdict does not

    assert verdicts[0] == verdicts[1]
    assert len(cart.events("clearance_granted")) == 1
    assert len(cart.events("upload_done")) == 1


# --- the RAID and the archive -------------------------------------------------------------------


def test_no_archive_tier_never_clears_a_raid_and_says_why(cart: Cart) -> None:
    code, raid = cart.clearance("RAID_A")

    assert code == 1
    assert "no archive tier is configured" in reasons(raid)


def test_storage_class_on_some_objects_only_is_not_archived_then_all_is(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    cart = Cart(
        tmp_path, s3_server, bucket, ['provider = "s3-storage-class"', 'poll_interval = "0s"']
    )
    cart.offload()
    cart.run()
    first, second = sorted(cart.stored_keys())
    cart.set_storage_class(first, "GLACIER")
    cart.run()
    assert cart.clearance("RAID_A")[0] == 1
    assert status(cart.config)["rolls"][0]["state"] == "uploaded"

    cart.set_storage_class(second, "DEEP_ARCHIVE")
    cart.run()

    code, raid = cart.clearance("RAID_A")
    assert code == 0, reasons(raid)
    assert raid["level"] == "raid"
    assert status(cart.config)["rolls"][0]["state"] == "archived"
    assert cart.events("archive_done")


def test_an_archive_bucket_copy_with_one_corrupted_object_is_not_archived_and_alarms(
    tmp_path: Path, s3_server: S3Server, bucket: str, archive_bucket: str
) -> None:
    cart = Cart(
        tmp_path,
        s3_server,
        bucket,
        [
            'provider = "s3-copy"',
            'poll_interval = "0s"',
            *s3_lines(s3_server.endpoint, archive_bucket),
        ],
    )
    cart.offload()
    cart.run()
    client = s3_server.client()
    for key in cart.stored_keys():
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        if key.endswith("A001C002.mov"):
            body = b"corrupted" + body[9:]
        client.put_object(Bucket=archive_bucket, Key=key, Body=body, ChecksumAlgorithm="CRC64NVME")

    cart.run()

    code, _raid = cart.clearance("RAID_A")
    assert code == 1
    (failed,) = cart.events("archive_failed")
    assert "A001C002.mov" in failed["message"]
    assert failed["severity"] == "alarm"


def test_s3_copy_with_make_copy_makes_and_verifies_the_archive(
    tmp_path: Path, s3_server: S3Server, bucket: str, archive_bucket: str
) -> None:
    cart = Cart(
        tmp_path,
        s3_server,
        bucket,
        ['provider = "s3-copy"', "make_copy = true", *s3_lines(s3_server.endpoint, archive_bucket)],
    )
    cart.offload()
    cart.run()

    code, raid = cart.clearance("RAID_A")

    assert code == 0, reasons(raid)
    archived = s3_server.client().list_objects_v2(Bucket=archive_bucket)["Contents"]
    assert {o["Key"] for o in archived} >= set(cart.stored_keys())


def test_replication_on_a_store_without_replication_is_said_at_start(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    cart = Cart(tmp_path, s3_server, bucket, ['provider = "s3-replication"'])
    cart.offload()
    cart.run()

    (unusable,) = cart.events("archive_unusable")
    assert "no replication configured" in unusable["message"]
    assert unusable["severity"] == "alarm"
    assert cart.clearance("RAID_A")[0] == 1


def test_an_archive_that_never_arrives_raises_an_overdue_alarm_once(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    cart = Cart(
        tmp_path,
        s3_server,
        bucket,
        ['provider = "s3-storage-class"', 'overdue_after = "0s"', 'poll_interval = "0s"'],
    )
    cart.offload()
    cart.run()
    cart.run()

    (overdue,) = cart.events("archive_overdue")
    assert overdue["severity"] == "alarm"
    assert A001 in overdue["message"]


def test_fs_copy_archive_is_verified_by_reading_it_back(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    lto = tmp_path / "LTO_STAGING"
    lto.mkdir()
    cart = Cart(
        tmp_path, s3_server, bucket, ['provider = "fs-copy"', f'path = "{lto}"', "make_copy = true"]
    )
    cart.offload()
    cart.run()

    code, raid = cart.clearance("RAID_A")

    assert code == 0, reasons(raid)
    assert (lto / A001 / "Clips/A001C001.mov").read_bytes() == FILES["Clips/A001C001.mov"]


# --- an archive portal over HTTP, and the running daemon's schedule ---------------------------


class Portal:
    """A MAM's status endpoint on loopback: answers what the test sets, records what it got."""

    def __init__(self) -> None:
        self.status = "in_progress"
        self.requests: list[tuple[str, str | None]] = []
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                portal.requests.append((self.path, self.headers.get("Authorization")))
                body = json.dumps({"archive": {"state": portal.status}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()


def test_an_http_portal_reports_pending_then_archived_with_the_auth_header(
    tmp_path: Path, s3_server: S3Server, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RK_MAM_AUTH", "Bearer portal-token")
    portal = Portal()
    try:
        cart = Cart(
            tmp_path,
            s3_server,
            bucket,
            [
                'provider = "http"',
                f'url = "{portal.url}/rolls/{{shoot_day}}/{{media_type}}/{{roll}}"',
                'status_pointer = "/archive/state"',
                'auth_header_env = "RK_MAM_AUTH"',
                'poll_interval = "0s"',
            ],
        )
        cart.offload()
        cart.run()
        assert cart.clearance("RAID_A")[0] == 1
        portal.status = "archived"

        cart.run()

        assert cart.clearance("RAID_A")[0] == 0
        path, auth = portal.requests[-1]
        assert path == f"/rolls/{DAY}/Camera_Media/A001R1AB"
        assert auth == "Bearer portal-token"
        assert "portal-token" not in json.dumps(status(cart.config))
    finally:
        portal.stop()


def test_the_running_daemon_polls_the_archive_on_its_schedule(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    cart = Cart(
        tmp_path,
        s3_server,
        bucket,
        ['provider = "s3-storage-class"', 'poll_interval = "1s"'],
    )
    cart.offload()
    daemon = Daemon(cart.config).start()
    try:
        state = tmp_path / "state"
        wait_until(lambda: roll_state_in_ledger(state, A001) == "uploaded", what="uploaded")
        for key in cart.stored_keys():
            cart.set_storage_class(key, "GLACIER")
        wait_until(lambda: roll_state_in_ledger(state, A001) == "archived", what="archived")
        # Cards are cleared at upload, the RAID only once archived: wait for the RAID's own.
        wait_until(
            lambda: any("RAID_A" in e["message"] for e in cart.events("clearance_granted")),
            what="the RAID's clearance announced",
        )
    finally:
        daemon.stop()
    granted = [e["message"] for e in cart.events("clearance_granted")]
    assert any("RAID_A" in m for m in granted)


def test_asking_about_an_unknown_drive_names_the_known_ones(cart: Cart) -> None:

    done = run_cli("clearance", "SHUTTLE_99", "--config", str(cart.config))

    assert done.returncode == 2
    assert "no drive labelled 'SHUTTLE_99' is known" in done.stderr
    assert "RAID_A" in done.stderr
    assert "SHUTTLE_01" in done.stderr
