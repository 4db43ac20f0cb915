"""Specification: a worker's outcome is recorded only if its volume is still the one it read
(`runtime.recording`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rollkeeper.core.lifecycle import CopyState, UploadStage
from rollkeeper.fs.progress import NoProgress
from rollkeeper.ledger.store import now_iso
from rollkeeper.mhl.verify import RollResult, RollVerdict
from rollkeeper.runtime.jobs import Work, work
from rollkeeper.runtime.recording import (
    Recording,
    VerificationOutcome,
    copy_verdict,
)
from rollkeeper.runtime.trackers import volume_key
from rollkeeper.transfer.roll import RollTransferResult

from tests.unit.runtime.conftest import A001, Cart, CartMaker, folder_target, started


def _verifying(cart: Cart) -> VerificationOutcome:
    """A001 marked VERIFYING, as `Jobs.submit` leaves it, and what a worker found of it."""
    cart.ledger.set_copy_state(
        A001, cart.volume.volume_id, CopyState.VERIFYING, event=started(cart)
    )
    key = volume_key(cart.volume.mounted)
    return work(Work(key, A001, cart.root / A001, 1, NoProgress(), None))


def _flip_a_byte(cart: Cart) -> None:
    """One byte of A001C002.mov flipped on the drive since the MHL was sealed."""
    clip = cart.root / A001 / "Clips" / "A001C002.mov"
    damaged = bytearray(clip.read_bytes())
    damaged[100] ^= 0x01
    clip.write_bytes(bytes(damaged))


def _record(cart: Cart, outcome: VerificationOutcome) -> None:
    Recording(cart.service.context, cart.service.uploads).record(outcome, cart.volume)


def test_a_verified_copy_is_recorded_with_each_files_evidence(cart: Cart) -> None:
    _record(cart, _verifying(cart))

    assert cart.state(A001) is CopyState.VERIFIED
    files = cart.ledger.verified_files(A001, cart.volume.volume_id)
    assert {f.path for f in files} == {"Clips/A001C001.mov", "Clips/A001C002.mov"}
    assert all(f.mtime_ns is not None and f.inode is not None for f in files)


def test_a_flipped_byte_is_recorded_as_a_mismatch_naming_the_file(cart: Cart) -> None:
    _flip_a_byte(cart)

    _record(cart, _verifying(cart))

    assert cart.state(A001) is CopyState.MISMATCH
    copy = cart.ledger.copy(A001, cart.volume.volume_id)
    assert copy is not None and any("A001C002.mov" in p for p in copy.problems)


def test_an_outcome_from_a_volume_that_went_away_meanwhile_is_an_interruption(
    cart: Cart,
) -> None:
    outcome = _verifying(cart)
    volume = cart.volume
    cart.service.volumes.clear()  # unplugged while the worker ran

    Recording(cart.service.context, cart.service.uploads).record(outcome, volume)

    copy = cart.ledger.copy(A001, volume.volume_id)
    assert copy is not None and copy.state is CopyState.SETTLING
    assert "verify_interrupted" in cart.kinds(A001)


def _failed_upload(make_cart: CartMaker, tmp_path: Path) -> Cart:
    """A001 verified, but its upload to a folder target (retried after an hour) failed."""
    cart = make_cart(target=folder_target(tmp_path / "store") | {"retry_after": "1h"})
    cart.scan()
    outcome = _verifying(cart)
    failed = RollTransferResult(UploadStage.UPLOAD_FAILED, problems=["store unreachable"])
    cart.ledger.upload_started(
        A001, cart.volume.volume_id, target="folder", key_prefix="show", bytes_total=1
    )
    _record(cart, dataclasses.replace(outcome, transfer=failed))
    return cart


def test_a_failed_upload_is_recorded_with_when_to_try_again(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _failed_upload(make_cart, tmp_path)

    upload = cart.ledger.roll_upload(A001)
    assert upload is not None and upload.state == UploadStage.UPLOAD_FAILED.value
    assert (upload.next_attempt_at or "") > now_iso()
    assert "upload_failed" in cart.kinds(A001)


def test_a_roll_whose_mhl_cannot_be_read_is_invalid_mhl() -> None:
    result = RollResult(Path("/RAID_A/A001R1AB"), RollVerdict.INVALID, error="not XML")

    assert copy_verdict(result) == (CopyState.INVALID_MHL, ["not XML"])


def test_a_verified_copy_is_said_verified_with_its_file_count(cart: Cart) -> None:
    _record(cart, _verifying(cart))

    assert cart.said("copy_verified", A001) == [f"roll {A001} on RAID_A: verified, 2 files"]


def test_a_mismatch_is_said_with_its_state_and_the_file_that_failed(cart: Cart) -> None:
    _flip_a_byte(cart)

    _record(cart, _verifying(cart))

    (said,) = cart.said("copy_failed", A001)
    assert said.startswith(f"MISMATCH: roll {A001} on RAID_A: mismatch Clips/A001C002.mov")


def test_an_interruption_says_the_volume_went_away_and_when_it_resumes(cart: Cart) -> None:
    outcome = _verifying(cart)
    volume = cart.volume
    cart.service.volumes.clear()

    Recording(cart.service.context, cart.service.uploads).record(outcome, volume)

    assert cart.said("verify_interrupted", A001) == [
        f"verification of roll {A001} interrupted (RAID_A went away during verification); it "
        "resumes when the volume is back"
    ]


def test_a_failed_upload_is_said_with_its_stage_and_the_uploads_problems(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _failed_upload(make_cart, tmp_path)

    assert cart.said("upload_failed", A001) == [
        f"UPLOAD_FAILED: roll {A001} from RAID_A: store unreachable"
    ]
