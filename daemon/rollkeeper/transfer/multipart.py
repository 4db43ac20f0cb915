"""A large file sent in parts: each part read into a reusable buffer, fed to every hash and
sent by an uploader as a view of that buffer; the upload is completed only if the whole file
matched its MHL, and is dropped otherwise."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future

from rollkeeper.transfer.checkpoints import UploadState
from rollkeeper.transfer.file_transfer import FileTransfer, PassAborted
from rollkeeper.transfer.gate import UploadHalted, UploadPaused
from rollkeeper.transfer.pass_hashes import PassHashes, read_into
from rollkeeper.transfer.proof import commit_and_prove
from rollkeeper.transfer.resume import PartsPlan
from rollkeeper.transfer.settings import retrying
from rollkeeper.transfer.targets import PartReceipt, TargetUnusable, TransientFailure
from rollkeeper.transfer.uplink import Uplink


class MultipartUpload:
    """One file's multipart upload: read and sent on the reader thread, completed on another.

    Parts are in flight on the uploaders while the reader reads on; the first error of any of
    them wins and stops the reading.
    """

    def __init__(self, uplink: Uplink, item: FileTransfer, plan: PartsPlan) -> None:
        self._uplink = uplink
        self._item = item
        self._writer = plan.writer
        self._part_size = plan.part_size
        self._sent_before = dict(plan.sent_before)  # forgotten once the source proves changed
        self._hashes = PassHashes(item.result.expected, uplink.target.checksum_algorithm)
        self._in_flight: list[Future[PartReceipt]] = []
        self._error: BaseException | None = None
        self._receipts: dict[int, PartReceipt] = {}

    def read_and_send(self) -> Callable[[], None]:
        """Read, hash and send every part; returns what completes the upload once they land."""
        try:
            matches = self._send_parts()
        except (UploadHalted, UploadPaused):
            self._leave_for_later()
            raise
        except BaseException as err:
            if isinstance(err, TargetUnusable | TransientFailure):
                self._error = self._error or err
            self._drop_if_refused()
            raise
        return lambda: self._finish(matches=matches)

    def _leave_for_later(self) -> None:
        """Stopped at a part boundary (a pause, or the daemon stopping): the parts in flight
        are not waited for. A store that resumes keeps the upload and its checkpointed parts;
        one that cannot (a folder) has its temporary file removed now."""
        if not self._writer.resumable:
            with contextlib.suppress(TransientFailure, TargetUnusable, OSError):
                self._writer.abort()
            self._uplink.book.forget(self._item.path)

    def _send_parts(self) -> bool:
        """The reading loop; True when the file matched its MHL."""
        buffers, hashes, part_size = self._uplink.buffers, self._hashes, self._part_size
        checksum = hashes.checksum
        size = 0
        number = 0
        gate = self._uplink.settings.gate
        with self._item.source.open("rb", buffering=0) as handle:
            while self._error is None:
                gate.check()  # a pause or a stop takes effect here, between parts
                part = buffers.take(part_size)
                try:
                    with memoryview(part) as view:
                        count = read_into(handle, view)
                        hashes.feed(view[:count])
                except BaseException:
                    buffers.give_back(part)
                    raise
                if count == 0 and number > 0:
                    buffers.give_back(part)
                    break
                number += 1
                part_checksum = checksum.end_part()
                size += count
                previous = self._sent_before.get(number)
                if previous is not None and previous.checksum == part_checksum:
                    self._receipts[number] = previous  # sent before a restart: never re-sent
                    self._uplink.book.bytes_moved(count)
                    buffers.give_back(part)
                else:
                    if previous is not None:  # the source changed under a half-done upload
                        self._sent_before.clear()
                    self._send(number, part, count, part_checksum)
                if count < part_size:
                    break
        if self._error is not None:
            raise self._error
        matches = hashes.judge(self._item, size)
        self._item.local_checksum = checksum.whole()
        return matches

    def _send(self, number: int, part: bytearray, size: int, part_checksum: str | None) -> None:
        """Upload the first `size` bytes of `part` on an uploader; the buffer goes back after."""
        uplink, item, writer = self._uplink, self._item, self._writer
        if uplink.settings.bandwidth is not None:
            uplink.settings.bandwidth.take(size)
        try:
            uplink.settings.gate.check()  # the wait for bandwidth may have been cut short
        except BaseException:
            uplink.buffers.give_back(part)
            raise
        body = memoryview(part)[:size]  # the last part is shorter than its buffer

        def upload() -> PartReceipt:
            try:
                receipt = retrying(
                    uplink.settings, lambda: writer.write_part(number, body, part_checksum)
                )
                uplink.book.part_done(item.path, writer.upload_id, receipt)
                uplink.book.bytes_moved(size)
                self._receipts[number] = receipt
                return receipt
            except BaseException as err:
                self._error = self._error or err
                raise
            finally:
                uplink.buffers.give_back(part)

        self._in_flight.append(uplink.uploaders.submit(upload))

    def _finish(self, *, matches: bool) -> None:
        """Complete the upload; once stored, its checkpoint is forgotten."""
        try:
            self._complete(matches=matches)
        except BaseException as err:
            if isinstance(err, TargetUnusable | TransientFailure):
                self._error = self._error or err
            self._drop_if_refused()
            raise
        if self._item.state is UploadState.STORED:
            self._uplink.book.forget(self._item.path)

    def _complete(self, *, matches: bool) -> None:
        """Wait for every part to land, then commit the upload (only if the MHL matched)."""
        for future in self._in_flight:
            with contextlib.suppress(BaseException):
                future.result()
        if self._error is not None:
            raise self._error
        if not matches:
            raise PassAborted  # the upload is dropped by `_finish`
        item, writer = self._item, self._writer
        parts = [self._receipts[n] for n in sorted(self._receipts)]
        commit_and_prove(
            self._uplink,
            item,
            self._hashes.checksum,
            lambda: writer.commit(parts, item.local_checksum),
            multipart=True,
        )

    def _drop_if_refused(self) -> None:
        """Nothing may be committed for a mismatch or a conflict, and nothing half-written may
        stay on a target that failed: drop the upload (a store that cannot be reached to drop
        it keeps its checkpoint, and the upload is resumed or aborted at the next start)."""
        failed = isinstance(self._error, TargetUnusable | TransientFailure)
        if failed or self._item.state in (UploadState.MISMATCH, UploadState.CONFLICT):
            with contextlib.suppress(TransientFailure, TargetUnusable, OSError):
                self._writer.abort()
                self._uplink.book.forget(self._item.path)
