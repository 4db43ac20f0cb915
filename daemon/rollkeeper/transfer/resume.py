"""Where a file's multipart upload starts: from the ledger's checkpoint, if the store still
holds its parts, else afresh (an upload that cannot be resumed is dropped, not left behind)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from rollkeeper.transfer.checkpoints import Checkpoint
from rollkeeper.transfer.file_transfer import FileTransfer
from rollkeeper.transfer.targets import (
    ObjectWriter,
    PartReceipt,
    Target,
    TargetUnusable,
    TransientFailure,
)
from rollkeeper.transfer.uplink import Uplink


@dataclass(frozen=True, slots=True)
class PartsPlan:
    """How one file goes up in parts: its writer (new, or resumed), the part size, and the
    parts a previous run already sent, which the store still holds."""

    writer: ObjectWriter
    part_size: int
    sent_before: dict[int, PartReceipt] = field(default_factory=dict)


def plan_parts(uplink: Uplink, item: FileTransfer) -> PartsPlan:
    """Resume from the ledger's checkpoint if the store still holds its parts; else start anew
    and record the new upload in the checkpoint book."""
    target, book = uplink.target, uplink.book
    part_size = target.part_size(item.size)
    checkpoint = book.checkpoint(item.path)
    if checkpoint is not None:
        resumed = _resume(target, item, checkpoint, part_size)
        if resumed is not None:
            return resumed
    writer = target.open_writer(item.key, item.size, item.metadata(), None)
    book.started(item.path, item.key, item.size, writer.upload_id, part_size)
    return PartsPlan(writer, part_size)


def _resume(
    target: Target, item: FileTransfer, checkpoint: Checkpoint, part_size: int
) -> PartsPlan | None:
    """The checkpoint's upload with the parts the store holds; None (and the upload aborted)
    when it cannot be resumed."""
    held = None
    if checkpoint.part_size == part_size:
        held = target.uploaded_parts(item.key, checkpoint.upload_id)
    previous = target.open_writer(item.key, item.size, item.metadata(), checkpoint.upload_id)
    if held is None:  # cannot be resumed: do not leave it behind
        with contextlib.suppress(TransientFailure, TargetUnusable, OSError):
            previous.abort()
        return None
    sent = {n: r for n, r in checkpoint.parts.items() if held.get(n) == r.size}
    return PartsPlan(previous, part_size, sent)
