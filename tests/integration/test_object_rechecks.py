"""Specification: every uploaded roll's stored objects are re-checked by listing them, against
SeaweedFS and real drive folders: an object gone revokes the clearances resting on it and the
roll is uploaded again from a mounted copy verified again; an object changed is an alarm and is
never written over; storage that cannot be checked keeps the cards; a listing costs one request
per 1,000 keys.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from rollkeeper.config.sections import TargetSettings
from rollkeeper.core.clearance.freshness import RecordedObject
from rollkeeper.core.errors import EnvironmentProblem
from rollkeeper.runtime.roll_listings import DueRoll, list_rolls
from rollkeeper.transfer.s3_target import S3Target

from tests.integration.daemon_harness import A001, Daemon, run_cli, wait_until
from tests.integration.test_archive_and_clearance import FILES, Cart, reasons
from tests.s3server import SECRET_KEY, S3Server

RECHECK_ALWAYS = '[clearance]\nrecheck_interval = "0s"'
CLIP = f"{A001}/Clips/A001C002.mov"


pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


@pytest.fixture
def cleared(tmp_path: Path, s3_server: S3Server, bucket: str) -> Cart:
    """A card on the RAID and a shuttle, uploaded and proven: the shuttle cleared; its objects
    listed again on every pass."""
    cart = Cart(tmp_path, s3_server, bucket, ['provider = "none"'], RECHECK_ALWAYS)
    cart.offload()
    cart.run()
    assert cart.clearance("SHUTTLE_01")[0] == 0
    return cart


def stored_bytes(cart: Cart, key: str) -> bytes:
    body: bytes = cart.server.client().get_object(Bucket=cart.bucket, Key=key)["Body"].read()
    return body


def shuttle_events(cart: Cart, kind: str) -> list[dict[str, Any]]:
    return [e for e in events_so_far(cart, kind) if "SHUTTLE_01" in e["message"]]


def events_so_far(cart: Cart, kind: str) -> list[dict[str, Any]]:
    """The events of `kind`; none while the starting daemon has not made its ledger yet."""
    try:
        return cart.events(kind)
    except EnvironmentProblem:
        return []


def test_an_object_deleted_after_clearance_is_found_by_listing_revoked_and_uploaded_again(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    """The running daemon, its listing every second: no clearance command is asked."""
    cart = Cart(
        tmp_path, s3_server, bucket, ['provider = "none"'], '[clearance]\nrecheck_interval = "1s"'
    )
    cart.offload()
    daemon = Daemon(cart.config).start()
    try:
        wait_until(lambda: bool(shuttle_events(cart, "clearance_granted")), what="cleared")
        cart.server.client().delete_object(Bucket=cart.bucket, Key=CLIP)
        wait_until(lambda: bool(events_so_far(cart, "object_missing")), what="found gone")
        wait_until(lambda: len(shuttle_events(cart, "clearance_granted")) == 2, what="again")
    finally:
        daemon.stop()
    (missing,) = cart.events("object_missing")
    assert "A001C002.mov is gone from storage (found by listing it)" in missing["message"]
    assert missing["severity"] == "alarm"
    assert len(shuttle_events(cart, "clearance_revoked")) == 1
    assert stored_bytes(cart, CLIP) == FILES["Clips/A001C002.mov"]
    assert len(cart.events("upload_done")) == 2  # verified again and uploaded from the copy


def test_the_cards_of_a_roll_whose_object_is_gone_are_not_clear_until_it_is_stored_again(
    cleared: Cart,
) -> None:
    cleared.server.client().delete_object(Bucket=cleared.bucket, Key=CLIP)

    cleared.run()  # lists, finds it gone, revokes

    code, shuttle = cleared.clearance("SHUTTLE_01")
    assert code == 1
    assert "UPLOAD_FAILED" in reasons(shuttle)
    assert "A001C002.mov missing from storage" in reasons(shuttle)
    assert len(cleared.events("object_missing")) == 1
    cleared.run()  # uploads it again from the verified copy
    assert cleared.clearance("SHUTTLE_01")[0] == 0
    assert len(cleared.events("object_missing")) == 1


def test_an_object_overwritten_with_other_bytes_of_the_same_size_alarms_once_and_is_kept(
    cleared: Cart,
) -> None:
    other = bytes(reversed(FILES["Clips/A001C002.mov"]))
    cleared.server.client().put_object(Bucket=cleared.bucket, Key=CLIP, Body=other)

    cleared.run()
    cleared.run()

    (changed,) = cleared.events("object_changed")
    assert changed["severity"] == "alarm"
    assert "A001C002.mov holds other bytes in storage than were uploaded" in changed["message"]
    code, shuttle = cleared.clearance("SHUTTLE_01")
    assert code == 1
    assert "CONFLICT" in reasons(shuttle)
    assert stored_bytes(cleared, CLIP) == other  # never written over
    assert not cleared.events("object_missing")


def test_a_changed_object_moved_aside_by_the_operator_is_uploaded_again(cleared: Cart) -> None:
    """The README's way to replace a changed object: move it aside; the next re-check finds
    the key empty and the roll is uploaded again from a verified copy."""
    client = cleared.server.client()
    client.put_object(Bucket=cleared.bucket, Key=CLIP, Body=b"x" * 4000)
    cleared.run()
    assert cleared.events("object_changed")
    client.copy_object(
        Bucket=cleared.bucket,
        Key=f"aside/{CLIP}",
        CopySource={"Bucket": cleared.bucket, "Key": CLIP},
    )
    client.delete_object(Bucket=cleared.bucket, Key=CLIP)

    cleared.run()  # found gone
    cleared.run()  # uploaded again

    assert stored_bytes(cleared, CLIP) == FILES["Clips/A001C002.mov"]
    assert cleared.clearance("SHUTTLE_01")[0] == 0


def test_the_same_bytes_rewritten_under_a_new_etag_are_not_an_alarm(cleared: Cart) -> None:
    """A single PUT of a multipart object's bytes (as a storage-class copy makes) changes its
    ETag, not its content: the full-object checksum settles it."""
    key = f"{A001}/Clips/A001C001.mov"
    before = cleared.server.client().head_object(Bucket=cleared.bucket, Key=key)["ETag"]
    cleared.set_storage_class(key, "STANDARD_IA")
    assert cleared.server.client().head_object(Bucket=cleared.bucket, Key=key)["ETag"] != before

    cleared.run()
    cleared.run()

    assert not cleared.events("object_changed")
    assert cleared.clearance("SHUTTLE_01")[0] == 0


def stale(cart: Cart) -> None:
    """Every piece of evidence older than the limit: a clearance looks each object up."""
    text = cart.config.read_text(encoding="utf-8")
    cart.config.write_text(text + 'max_evidence_age = "0s"\n', encoding="utf-8")


def test_a_head_denied_keeps_the_cards_as_storage_that_cannot_be_checked(
    cleared: Cart, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale(cleared)
    monkeypatch.setenv("RK_TEST_SECRET", "not-the-secret")

    code, shuttle = cleared.clearance("SHUTTLE_01")

    assert code == 1
    assert "keep — storage cannot be checked" in reasons(shuttle)
    assert "SignatureDoesNotMatch" in reasons(shuttle) or "AccessDenied" in reasons(shuttle)
    assert "not-the-secret" not in json.dumps(shuttle)
    assert not cleared.events("object_missing")  # nothing is uploaded again on a denial


def test_a_bucket_gone_keeps_the_cards_and_is_never_taken_for_objects_missing(
    cleared: Cart,
) -> None:
    stale(cleared)
    client = cleared.server.client()
    for key in [o["Key"] for o in client.list_objects_v2(Bucket=cleared.bucket)["Contents"]]:
        client.delete_object(Bucket=cleared.bucket, Key=key)
    client.delete_bucket(Bucket=cleared.bucket)

    code, shuttle = cleared.clearance("SHUTTLE_01")

    assert code == 1
    assert "keep — storage cannot be checked" in reasons(shuttle)
    assert "bucket does not exist" in reasons(shuttle)
    assert not cleared.events("object_missing")


def test_a_listing_the_daemon_cannot_make_keeps_the_cards_and_says_so_once(
    cleared: Cart, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RK_TEST_SECRET", "not-the-secret")

    cleared.run()
    cleared.run()

    (unchecked,) = cleared.events("storage_unchecked")
    assert "storage cannot be checked" in unchecked["message"]
    assert "not-the-secret" not in unchecked["message"]
    assert len(shuttle_events(cleared, "clearance_revoked")) == 1
    code, shuttle = cleared.clearance("SHUTTLE_01")
    assert code == 1
    assert "keep — storage cannot be checked" in reasons(shuttle)
    assert not cleared.events("object_missing")
    monkeypatch.setenv("RK_TEST_SECRET", SECRET_KEY)
    # the store answers again: `clearance` looks every object up (fresh evidence or not)
    assert cleared.clearance("SHUTTLE_01")[0] == 0


def test_listing_costs_one_request_per_thousand_objects(s3_server: S3Server, bucket: str) -> None:
    """Measured through boto3's own event hooks: the requests sent, not the time taken."""
    client = s3_server.client()
    keys = [f"show/Day01/Camera_Media/A001/Clips/C{i:05d}.mov" for i in range(2500)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda key: client.put_object(Bucket=bucket, Key=key, Body=b"x"), keys))
    client.put_object(Bucket=bucket, Key="show/Day01/Camera_Media/B002/other.mov", Body=b"y")
    target = S3Target(
        TargetSettings(
            kind="s3",
            bucket=bucket,
            endpoint_url=s3_server.endpoint,
            region="us-east-1",
            access_key_id_env="RK_TEST_KEY_ID",
            secret_access_key_env="RK_TEST_SECRET",
        )
    )
    requests: list[str] = []
    target.client.meta.events.register(
        "before-send.s3.*", lambda request, **_: requests.append(request.url)
    )

    listed = list(target.list_objects("show/Day01/Camera_Media/A001/"))

    assert sorted(o.key for o in listed) == keys
    assert all(o.size == 1 and o.etag for o in listed)
    assert len(requests) == 3  # ceil(2500 / 1000)


def test_asking_about_a_roll_after_the_daemon_found_it_gone_says_it(cleared: Cart) -> None:
    cleared.server.client().delete_object(Bucket=cleared.bucket, Key=CLIP)
    cleared.run()
    done = run_cli("status", "--json", "--config", str(cleared.config))
    (roll,) = json.loads(done.stdout)["rolls"]
    assert roll["state"] == "upload_failed"
    assert "A001C002.mov" in roll["upload"]["last_error"]


def test_an_archive_copy_appearing_clears_the_raid_and_disappearing_withdraws_it(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    lto = tmp_path / "LTO_STAGING"
    lto.mkdir()
    archive = ['provider = "fs-copy"', f'path = "{lto}"', 'poll_interval = "0s"']
    cart = Cart(tmp_path, s3_server, bucket, archive, RECHECK_ALWAYS)
    cart.offload()
    cart.run()
    assert cart.clearance("RAID_A")[0] == 1
    for path, data in FILES.items():  # the archive job lands
        (lto / A001 / path).parent.mkdir(parents=True, exist_ok=True)
        (lto / A001 / path).write_bytes(data)

    cart.run()
    assert [e for e in cart.events("clearance_granted") if "RAID_A" in e["message"]]
    (lto / A001 / "Clips/A001C002.mov").unlink()  # and goes away again
    cart.run()

    revoked = [e for e in cart.events("clearance_revoked") if "RAID_A" in e["message"]]
    assert len(revoked) == 1
    (lost,) = cart.events("archive_failed")
    assert lost["severity"] == "alarm"
    code, raid = cart.clearance("RAID_A")
    assert code == 1
    assert "archiv" in reasons(raid)
    assert cart.clearance("SHUTTLE_01")[0] == 0  # the cards level does not rest on the archive


def test_an_unreachable_store_is_a_listing_problem_never_objects_missing() -> None:
    """Nothing listens on the port: the listing fails, and says so in one sentence."""
    target = S3Target(
        TargetSettings(
            kind="s3",
            bucket="nowhere",
            endpoint_url="http://127.0.0.1:9",
            region="us-east-1",
            access_key_id_env="RK_TEST_KEY_ID",
            secret_access_key_env="RK_TEST_SECRET",
            max_attempts=1,
        )
    )
    recorded = (RecordedObject("a.mov", "show/A001/a.mov", 1, None, "stored"),)

    (outcome,) = list_rolls(target, [DueRoll("R", "show/A001", recorded)])

    assert outcome.findings is None
    assert outcome.problem == (
        "s3://nowhere/ at http://127.0.0.1:9: listing show/A001/ failed (EndpointConnectionError)"
    )
