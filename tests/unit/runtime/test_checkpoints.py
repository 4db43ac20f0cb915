"""Specification: upload workers' checkpoint reports are made durable by the loop alone, in
the order they came (`runtime.checkpoints`)."""

from __future__ import annotations

import threading

from rollkeeper.runtime.checkpoints import CheckpointInbox, resume_view
from rollkeeper.transfer.checkpoints import (
    Checkpoint,
    CheckpointForgotten,
    PartDone,
    UploadBegun,
    UploadProgress,
)
from rollkeeper.transfer.targets import PartReceipt

from tests.unit.runtime.conftest import A001, Cart

PATH = "Clips/A001C001.mov"
FIRST = PartReceipt(1, 5, "etag-1", "crc-1")
SECOND = PartReceipt(2, 3, "etag-2", None)


def _begun(upload_id: str = "up-1") -> UploadBegun:
    return UploadBegun(A001, PATH, f"show/{A001}/{PATH}", 8, upload_id, 5)


def _inbox() -> CheckpointInbox:
    return CheckpointInbox(threading.Event())


def test_a_report_is_written_only_when_the_loop_drains(cart: Cart) -> None:
    inbox = _inbox()
    inbox.send(_begun())

    assert cart.ledger.checkpoint_of(A001, PATH) is None
    assert inbox.drain(cart.ledger) == 1
    assert cart.ledger.checkpoint_of(A001, PATH) is not None


def test_reports_applied_in_order_leave_the_parts_to_resume_from(cart: Cart) -> None:
    inbox = _inbox()
    for report in (
        _begun(),
        PartDone(A001, PATH, "up-1", FIRST),
        PartDone(A001, PATH, "up-1", SECOND),
    ):
        inbox.send(report)

    inbox.drain(cart.ledger)

    with resume_view(cart.service.context.state_dir, A001) as resume:
        assert resume(PATH) == Checkpoint("up-1", 5, {1: FIRST, 2: SECOND})


def test_an_upload_begun_again_voids_the_parts_of_the_earlier_one(cart: Cart) -> None:
    inbox = _inbox()
    for report in (_begun("up-1"), PartDone(A001, PATH, "up-1", FIRST), _begun("up-2")):
        inbox.send(report)

    inbox.drain(cart.ledger)

    with resume_view(cart.service.context.state_dir, A001) as resume:
        assert resume(PATH) == Checkpoint("up-2", 5, {})


def test_a_forgotten_checkpoint_leaves_no_part_to_resume(cart: Cart) -> None:
    inbox = _inbox()
    for report in (_begun(), PartDone(A001, PATH, "up-1", FIRST), CheckpointForgotten(A001, PATH)):
        inbox.send(report)

    inbox.drain(cart.ledger)

    with resume_view(cart.service.context.state_dir, A001) as resume:
        checkpoint = resume(PATH)
    assert checkpoint is not None and checkpoint.parts == {}


def test_a_progress_report_sets_the_bytes_the_rolls_upload_has_moved(cart: Cart) -> None:
    cart.ledger.upload_started(
        A001, cart.volume.volume_id, target="folder", key_prefix="show", bytes_total=100
    )
    inbox = _inbox()
    inbox.send(UploadProgress(A001, 40))

    inbox.drain(cart.ledger)

    upload = cart.ledger.roll_upload(A001)
    assert upload is not None and upload.bytes_done == 40


def test_a_report_wakes_the_loop() -> None:
    wake = threading.Event()

    CheckpointInbox(wake).send(UploadProgress(A001, 1))

    assert wake.is_set()


def test_a_file_never_begun_has_nothing_to_resume(cart: Cart) -> None:
    with resume_view(cart.service.context.state_dir, A001) as resume:
        assert resume(PATH) is None
