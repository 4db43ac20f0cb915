"""Proof that what a key holds is the verified bytes: after our own write, or found already there.

Nothing counts as stored unless the store's checksum (or a read-back) equals ours; a key that
holds anything else is a conflict, and is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable

from rollkeeper.transfer.checkpoints import UploadState
from rollkeeper.transfer.checksums import ObjectChecksum
from rollkeeper.transfer.file_transfer import FileTransfer, PassAborted
from rollkeeper.transfer.pass_hashes import PassHashes, read_into
from rollkeeper.transfer.settings import retrying
from rollkeeper.transfer.targets import KeyConflict, StoredObject, Target, TransientFailure
from rollkeeper.transfer.uplink import Uplink


def prove(
    target: Target,
    item: FileTransfer,
    stored: StoredObject,
    checksum: ObjectChecksum,
    *,
    multipart: bool,
    found: bool,
) -> None:
    """The stored object must be these bytes: by the store's checksum, else by reading it
    (also when the store keeps no checksum of ours for it, e.g. a found object written by
    another tool)."""
    item.stored = stored
    if target.proven_by_read_back or stored.checksum is None:
        back = target.read_back(item.key)
        proven = back.size == item.size and back.xxh64 == item.xxh64
        how = f"read back: {back.size} bytes, xxh64 {back.xxh64}"
    else:
        proven = stored.size == item.size and checksum.matches(stored.checksum, multipart=multipart)
        how = f"store's {target.checksum_algorithm} {stored.checksum}"
        if stored.size != item.size:  # the same checksum over other bytes cannot be: say why
            how += f", {stored.size} bytes stored of {item.size}"
    if proven:
        item.state = UploadState.STORED
        item.proof = ("found identical; " if found else "") + how
        return
    item.state = UploadState.CONFLICT if found else UploadState.FAILED
    item.detail = (
        f"{item.key} already holds different content ({how}, ours "
        f"{item.local_checksum}); nothing was written"
        if found
        else f"the stored object does not prove equal to the verified bytes ({how}, ours "
        f"{item.local_checksum})"
    )


def judge_found(
    target: Target,
    item: FileTransfer,
    existing: StoredObject,
    checksum: ObjectChecksum,
    *,
    multipart: bool,
) -> None:
    """Judge the object already under the key against the verified bytes."""
    if existing.size != item.size:
        raise KeyConflict(
            f"{item.key} already holds {existing.size} bytes, not this file's {item.size}"
        )
    prove(target, item, existing, checksum, multipart=multipart, found=True)


def commit_and_prove(
    uplink: Uplink,
    item: FileTransfer,
    checksum: ObjectChecksum,
    write: Callable[[], StoredObject],
    *,
    multipart: bool,
) -> None:
    """Run a committing write with retries, then prove what it stored.

    If the key turns out to be taken (If-None-Match refused us), or the write kept failing,
    whatever the key holds is judged as found: an earlier attempt of ours that landed
    despite a lost answer, or a previous run's upload, proves identical; anything else is
    a conflict, and nothing was overwritten.
    """
    try:
        stored = retrying(uplink.settings, write)
    except (KeyConflict, TransientFailure):
        existing = uplink.target.head(item.key)
        if existing is None:
            raise
        judge_found(uplink.target, item, existing, checksum, multipart=multipart)
        return
    prove(uplink.target, item, stored, checksum, multipart=multipart, found=False)


def compare_with_existing(uplink: Uplink, item: FileTransfer, existing: StoredObject) -> None:
    """The key is taken: identical content counts as uploaded, anything else is a conflict."""
    hashes = PassHashes(item.result.expected, uplink.target.checksum_algorithm)
    checksum = hashes.checksum
    size = 0
    part_size = uplink.target.part_size(item.size)
    buffer = uplink.buffers.take(part_size)
    try:
        with item.source.open("rb", buffering=0) as handle, memoryview(buffer) as view:
            while count := read_into(handle, view):
                hashes.feed(view[:count])
                checksum.end_part()
                size += count
                uplink.book.bytes_moved(count)
                if count < part_size:
                    break
    finally:
        uplink.buffers.give_back(buffer)
    if not hashes.judge(item, size):
        raise PassAborted
    item.local_checksum = checksum.whole()
    judge_found(uplink.target, item, existing, checksum, multipart=size > part_size)
