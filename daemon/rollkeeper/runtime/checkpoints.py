"""The loop's side of the checkpoint protocol: upload workers' reports, made durable here.

Workers never write the ledger. Their books (`transfer.checkpoints.ReportingBook`) send each
started upload, finished part, forgotten checkpoint and progress sum to the `CheckpointInbox`;
the loop applies them in arrival order, each in its own transaction, on every pass and before it
records a job's outcome. So a kill -9 resumes from the parts already reported, and a worker that
crashes can leave no half-written row. A worker reads the checkpoints it resumes from through a
read-only view (`resume_view`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from queue import Empty, SimpleQueue

from rollkeeper.ledger.store import Ledger
from rollkeeper.transfer.checkpoints import (
    Checkpoint,
    CheckpointForgotten,
    CheckpointReport,
    PartDone,
    ResumeLookup,
    UploadBegun,
    UploadProgress,
)
from rollkeeper.transfer.targets import PartReceipt


def apply_report(ledger: Ledger, report: CheckpointReport) -> None:
    """Record one report (durable when its transaction, or the drain's batch, commits)."""
    match report:
        case UploadBegun():
            ledger.checkpoint_started(
                report.roll_id,
                report.path,
                report.key,
                report.size,
                report.upload_id,
                report.part_size,
            )
        case PartDone(receipt=receipt):
            ledger.checkpoint_part(
                report.roll_id,
                report.path,
                report.upload_id,
                receipt.number,
                receipt.size,
                receipt.etag,
                receipt.checksum,
            )
        case CheckpointForgotten():
            ledger.checkpoint_forget(report.roll_id, report.path)
        case UploadProgress():
            ledger.upload_progress(report.roll_id, report.bytes_done)


class CheckpointInbox:
    """Reports from upload workers, waiting for the loop; each one wakes the loop."""

    def __init__(self, wake: threading.Event) -> None:
        self._queue: SimpleQueue[CheckpointReport] = SimpleQueue()
        self._wake = wake

    def send(self, report: CheckpointReport) -> None:
        """Called on worker threads."""
        self._queue.put(report)
        self._wake.set()

    def drain(self, ledger: Ledger) -> int:
        """Apply every report waiting, in the order they came, made durable together; how
        many there were."""
        applied = 0
        if self._queue.empty():
            return applied  # an idle pass asks the ledger nothing
        with ledger.batch():
            while True:
                try:
                    report = self._queue.get_nowait()
                except Empty:
                    return applied
                apply_report(ledger, report)
                applied += 1


@contextmanager
def resume_view(state_dir: Path, roll_id: str) -> Iterator[ResumeLookup]:
    """A roll's unfinished uploads as the ledger holds them, read on a read-only connection."""
    ledger = Ledger.in_state_dir(state_dir, readonly=True)

    def checkpoint(path: str) -> Checkpoint | None:
        found = ledger.checkpoint_of(roll_id, path)
        if found is None:
            return None
        parts = {p.number: PartReceipt(p.number, p.size, p.etag, p.checksum) for p in found.parts}
        return Checkpoint(found.upload_id, found.part_size, parts)

    try:
        yield checkpoint
    finally:
        ledger.close()
