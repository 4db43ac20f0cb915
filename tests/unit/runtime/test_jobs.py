"""Specification: a ready copy goes to a worker that writes nothing; the loop records what it
found and makes its reports durable (`runtime.jobs`)."""

from __future__ import annotations

from concurrent.futures import Future, wait
from pathlib import Path

from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs.progress import NoProgress
from rollkeeper.mhl.verify import RollVerdict
from rollkeeper.runtime.jobs import Work, work
from rollkeeper.runtime.recording import VerificationOutcome
from rollkeeper.transfer.gate import UploadGate

from tests.builders import clip
from tests.unit.runtime.conftest import A001, A001_FILES, Cart, CartMaker, folder_target, make_roll

MiB = 1024 * 1024


def _work(folder: Path) -> Work:
    return Work("RAID_A", A001, folder, 1, NoProgress(), None)


def _uploading_cart(
    make_cart: CartMaker, tmp_path: Path, rolls: dict[str, dict[str, bytes]] | None = None
) -> Cart:
    """RAID_A with A001 (or `rolls`) and a folder target, walked once: the roll's job (verify
    and upload) is submitted."""
    (tmp_path / "store").mkdir()
    cart = make_cart(rolls, target=folder_target(tmp_path / "store"))
    cart.scan()
    cart.service.steps.settling.evaluate()
    return cart


def test_the_worker_verifies_every_listed_file_of_a_good_roll(tmp_path: Path) -> None:
    roll = make_roll(tmp_path, A001, A001_FILES)

    outcome = work(_work(roll))

    assert outcome.result is not None and outcome.result.verdict is RollVerdict.VERIFIED
    assert outcome.device == roll.stat().st_dev
    assert outcome.transfer is None


def test_the_worker_says_why_when_the_roll_folder_is_gone(tmp_path: Path) -> None:
    outcome = work(_work(tmp_path / "unplugged"))

    assert outcome.result is None
    assert outcome.error == "No such file or directory"


def test_a_finished_job_is_recorded_when_collected(cart: Cart) -> None:
    cart.service.steps.settling.evaluate()

    cart.service.steps.jobs.collect(wait_for_one=True)

    assert cart.state(A001) is CopyState.VERIFIED
    assert cart.service.steps.jobs.pending == {}
    assert not cart.service.trackers[(A001, next(iter(cart.service.volumes)))].verifying


def _crash(cart: Cart) -> None:
    """A001's job ends in a bug, and the loop collects it."""
    jobs = cart.service.steps.jobs
    crashed: Future[VerificationOutcome] = Future()
    crashed.set_exception(RuntimeError("a bug"))
    jobs.pending[crashed] = cart.volume
    jobs.jobs[crashed] = A001
    jobs.collect(wait_for_one=False)


def test_with_a_target_the_copy_is_uploaded_in_the_same_pass(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _uploading_cart(make_cart, tmp_path)

    cart.service.steps.jobs.collect(wait_for_one=True)

    roll, upload = cart.ledger.roll(A001), cart.ledger.roll_upload(A001)
    assert roll is not None and roll.state == "uploaded"
    assert {u.state for u in cart.ledger.file_uploads(A001).values()} == {"stored"}
    assert upload is not None
    assert cart.said("copy_state", A001) == [
        f"roll {A001} on RAID_A is ready (every listed file present and quiet); verifying and "
        "uploading in one pass"
    ]
    assert cart.said("upload_done", A001) == [
        f"UPLOADED: roll {A001} from RAID_A: 2 files stored and proven; manifest "
        f"{upload.manifest_key}"
    ]


def test_what_a_worker_reports_reaches_the_ledger_only_through_the_loop(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    cart = _uploading_cart(make_cart, tmp_path)
    wait(cart.service.steps.jobs.pending)  # the worker is done; what it reported waits

    upload = cart.ledger.roll_upload(A001)
    assert upload is not None and upload.bytes_done == 0
    cart.service.steps.jobs.drain()
    upload = cart.ledger.roll_upload(A001)
    assert upload is not None and upload.bytes_done == sum(map(len, A001_FILES.values()))


def test_a_multipart_upload_leaves_no_checkpoint_once_its_outcome_is_recorded(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    big = {"Clips/A001C001.mov": clip(7, 40 * MiB)}  # above half a part: a multipart upload
    cart = _uploading_cart(make_cart, tmp_path, {A001: big})

    cart.service.steps.jobs.collect(wait_for_one=True)

    assert cart.ledger.open_upload_ids() == set()
    assert cart.ledger.file_uploads(A001)["Clips/A001C001.mov"].state == "stored"


def test_a_job_that_crashed_puts_the_copy_back_to_settling_with_an_alarm(cart: Cart) -> None:
    _crash(cart)

    assert cart.state(A001) is CopyState.SETTLING
    assert "internal_error" in cart.kinds(A001)
    assert cart.service.steps.jobs.pending == {}


class HaltOnFirstPart:
    """A bandwidth limit during whose first wait the daemon is told to stop."""

    def __init__(self, gate: UploadGate) -> None:
        self.gate = gate

    def take(self, count: int) -> None:
        self.gate.halt()


def test_stopping_records_an_upload_that_finished_meanwhile(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    # A roll stored while the daemon stops is recorded uploaded: the next start must not
    # upload it again (and write a second manifest).
    cart = _uploading_cart(make_cart, tmp_path)

    cart.service.steps.jobs.shutdown()

    assert cart.service.steps.jobs.pending == {}
    assert cart.state(A001) is CopyState.VERIFIED
    roll = cart.ledger.roll(A001)
    assert roll is not None and roll.state == "uploaded"


def test_stopping_starts_no_more_jobs(make_cart: CartMaker, tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    cart = make_cart(target=folder_target(tmp_path / "store"))
    cart.scan()
    cart.service.uploads.gate.halt()

    cart.service.steps.settling.evaluate()

    assert cart.service.steps.jobs.pending == {}


def test_a_job_stopped_mid_pass_records_nothing_and_leaves_its_copy_to_the_next_start(
    make_cart: CartMaker, tmp_path: Path
) -> None:
    big = {"Clips/A001C001.mov": clip(7, 40 * MiB)}
    (tmp_path / "store").mkdir()
    cart = make_cart({A001: big}, target=folder_target(tmp_path / "store"))
    cart.scan()
    gate = cart.service.uploads.gate
    cart.service.uploads.settings.bandwidth = HaltOnFirstPart(gate)  # stopped mid-file
    cart.service.steps.settling.evaluate()

    cart.service.steps.jobs.shutdown()

    assert cart.state(A001) is CopyState.VERIFYING  # `resume_interrupted` takes it at the start
    assert not [p for p in (tmp_path / "store").rglob("*") if p.is_file() and "A001" in str(p)]


def test_a_job_that_crashed_names_the_error_and_when_the_roll_is_tried_again(
    cart: Cart,
) -> None:
    _crash(cart)

    assert cart.said("internal_error", A001) == [
        f"internal error while processing roll {A001} (RuntimeError: a bug); it is tried again "
        "in 60s"
    ]


def test_stopping_drops_a_job_that_never_began_without_an_alarm(cart: Cart) -> None:
    jobs = cart.service.steps.jobs
    queued: Future[VerificationOutcome] = Future()
    queued.cancel()  # still queued when the pool was shut down
    jobs.pending[queued] = cart.volume
    jobs.jobs[queued] = A001

    jobs.shutdown()

    assert jobs.pending == {}
    assert "internal_error" not in cart.kinds(A001)
