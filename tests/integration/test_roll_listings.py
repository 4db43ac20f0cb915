"""Specification: the rolls due a re-check under one folder are listed in one sweep of it when
most of the uploaded rolls there are due (`runtime.roll_listings`), and each roll's findings are
what listing it alone finds; a few due among many are listed one by one.

Real SeaweedFS (the session's server); the requests are counted through boto3's own event
hooks, not timed.
"""

from __future__ import annotations

import pytest
from rollkeeper.config.sections import TargetSettings
from rollkeeper.core.clearance.freshness import RecordedObject
from rollkeeper.ledger.object_checks import ListingOutcome
from rollkeeper.runtime.roll_listings import DueRoll, list_rolls
from rollkeeper.transfer.s3_target import S3Target

from tests.s3server import S3Server

pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py

DAY = "show/20261206_EP101_Day01/Camera_Media"
CLIPS = ("C001.mov", "C002.mov", "C003.mov")


def _target(s3_server: S3Server, bucket: str) -> tuple[S3Target, list[str]]:
    """The target, and the listing requests it sends from now on."""
    target = S3Target(
        TargetSettings(
            kind="s3", bucket=bucket, endpoint_url=s3_server.endpoint, region="us-east-1",
            access_key_id_env="RK_TEST_KEY_ID", secret_access_key_env="RK_TEST_SECRET",
            max_attempts=1,
        )
    )  # fmt: skip
    sent: list[str] = []
    target.client.meta.events.register(
        "before-send.s3.ListObjectsV2", lambda request, **_: sent.append(request.url)
    )
    return target, sent


def _upload(s3_server: S3Server, bucket: str, roll: str) -> DueRoll:
    """A roll of three clips stored under `DAY/roll`, due with the record of each."""
    client, recorded = s3_server.client(), []
    for clip in CLIPS:
        key = f"{DAY}/{roll}/Clips/{clip}"
        etag = client.put_object(Bucket=bucket, Key=key, Body=roll.encode())["ETag"]
        recorded.append(RecordedObject(f"Clips/{clip}", key, len(roll), etag, "stored"))
    return DueRoll(roll, f"{DAY}/{roll}", tuple(recorded))


def _findings(outcomes: list[ListingOutcome]) -> dict[str, tuple[tuple[str, ...], ...]]:
    return {
        o.roll_id: (o.findings.missing, o.findings.changed) if o.findings else (("unchecked",),)
        for o in outcomes
    }


def test_rolls_due_together_under_one_folder_are_listed_in_one_sweep(
    s3_server: S3Server, bucket: str
) -> None:
    rolls = [_upload(s3_server, bucket, roll) for roll in ("A001", "A002", "A003")]
    target, sent = _target(s3_server, bucket)

    outcomes = list_rolls(target, rolls)

    assert len(sent) == 1
    assert _findings(outcomes) == {roll.roll_id: ((), ()) for roll in rolls}


def test_a_sweep_finds_for_each_roll_what_listing_it_alone_finds(
    s3_server: S3Server, bucket: str
) -> None:
    rolls = [_upload(s3_server, bucket, roll) for roll in ("A001", "A001_B", "A002")]
    client = s3_server.client()
    client.delete_object(Bucket=bucket, Key=f"{DAY}/A001/Clips/C002.mov")
    client.put_object(Bucket=bucket, Key=f"{DAY}/A002/Clips/C003.mov", Body=b"other bytes")
    client.put_object(Bucket=bucket, Key=f"{DAY}/A009/Clips/C001.mov", Body=b"not due")
    target, _sent = _target(s3_server, bucket)

    swept = list_rolls(target, rolls)
    alone = [outcome for roll in rolls for outcome in list_rolls(target, [roll])]

    assert (
        _findings(swept)
        == _findings(alone)
        == {
            "A001": (("Clips/C002.mov",), ()),
            "A001_B": ((), ()),
            "A002": ((), ("Clips/C003.mov",)),
        }
    )


def test_a_few_rolls_due_among_many_uploaded_are_listed_one_by_one(
    s3_server: S3Server, bucket: str
) -> None:
    rolls = [_upload(s3_server, bucket, roll) for roll in ("A001", "A002")]
    uploaded = [f"{DAY}/A{n:03d}" for n in range(1, 11)]
    target, sent = _target(s3_server, bucket)

    outcomes = list_rolls(target, rolls, uploaded)

    assert len(sent) == 2
    assert _findings(outcomes) == {"A001": ((), ()), "A002": ((), ())}


def test_a_sweep_the_store_cannot_answer_leaves_each_roll_unchecked_with_the_reason(
    s3_server: S3Server, bucket: str
) -> None:
    rolls = [_upload(s3_server, bucket, roll) for roll in ("A001", "A002")]
    target, _sent = _target(s3_server, bucket)
    client = s3_server.client()
    for roll in rolls:
        for record in roll.recorded or ():
            client.delete_object(Bucket=bucket, Key=record.key)
    client.delete_bucket(Bucket=bucket)

    outcomes = list_rolls(target, rolls)

    assert [o.findings for o in outcomes] == [None, None]
    assert all(o.problem and bucket in o.problem for o in outcomes)


def test_rolls_sharing_one_prefix_are_each_listed_alone_and_see_all_under_it(
    s3_server: S3Server, bucket: str
) -> None:
    roll, other = _upload(s3_server, bucket, "A001"), _upload(s3_server, bucket, "A002")
    twin = DueRoll("A001 (another card, the same name)", roll.prefix, roll.recorded)
    target, sent = _target(s3_server, bucket)

    outcomes = list_rolls(target, [roll, twin, other])

    assert len(sent) == 3
    assert _findings(outcomes) == {roll.roll_id: ((), ()), twin.roll_id: ((), ()), "A002": ((), ())}
