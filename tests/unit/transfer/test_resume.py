"""Where a multipart upload starts: from its checkpoint when the store still holds the parts,
else afresh, with an upload that cannot be resumed dropped rather than left behind."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rollkeeper.transfer.checkpoints import Checkpoint
from rollkeeper.transfer.resume import plan_parts
from rollkeeper.transfer.targets import PartReceipt
from rollkeeper.transfer.uplink import Uplink

from tests.unit.transfer.passes import SMALL_PART, FileMaker, RecordingBook, SmallPartFolder, media

SIZE = 3 * SMALL_PART + 100


class HoldingFolder(SmallPartFolder):
    """A folder target that answers, as S3 does, which parts of an unfinished upload it holds."""

    def __init__(self, root: Path, held: dict[int, int]) -> None:
        super().__init__(root, "crc64nvme")
        self.held = held

    def uploaded_parts(self, key: str, upload_id: str) -> dict[int, int] | None:
        return self.held


def receipt(number: int, size: int = SMALL_PART) -> PartReceipt:
    return PartReceipt(number, size, f"etag-{number}", f"crc-{number}")


def test_without_a_checkpoint_a_new_upload_is_started_and_booked(
    uplink: Uplink, book: RecordingBook, source_file: FileMaker
) -> None:
    item = source_file("clip.mov", media(1, SIZE))

    plan = plan_parts(uplink, item)

    assert plan.part_size == SMALL_PART
    assert plan.sent_before == {}
    assert book.checkpoints[item.path] == Checkpoint(plan.writer.upload_id, SMALL_PART, {})
    plan.writer.abort()


def test_a_checkpoint_the_store_cannot_resume_is_dropped_and_started_anew(
    uplink: Uplink, store: SmallPartFolder, book: RecordingBook, source_file: FileMaker
) -> None:
    item = source_file("clip.mov", media(2, SIZE))
    earlier = store.open_writer(item.key, SIZE, {}, "earlier")
    earlier.write_part(1, media(2, SMALL_PART), None)
    book.checkpoints[item.path] = Checkpoint("earlier", SMALL_PART, {1: receipt(1)})

    plan = plan_parts(uplink, item)

    assert plan.writer.upload_id != "earlier"
    assert plan.sent_before == {}
    assert not store.partial_path(item.key, "earlier").exists()
    assert book.checkpoints[item.path].upload_id == plan.writer.upload_id
    plan.writer.abort()


def test_a_checkpoint_resumes_with_the_parts_the_store_holds_whole(
    uplink: Uplink, book: RecordingBook, source_file: FileMaker, tmp_path: Path
) -> None:
    store = HoldingFolder(tmp_path / "store", {1: SMALL_PART, 2: SMALL_PART - 1})
    item = source_file("clip.mov", media(3, SIZE))
    parts = {n: receipt(n) for n in (1, 2, 3)}
    book.checkpoints[item.path] = Checkpoint("earlier", SMALL_PART, parts)

    plan = plan_parts(replace(uplink, target=store), item)

    assert plan.writer.upload_id == "earlier"
    assert plan.sent_before == {1: parts[1]}  # part 2 is short in the store, part 3 absent
    assert book.checkpoints[item.path].upload_id == "earlier"
    plan.writer.abort()


def test_a_checkpoint_of_another_part_size_is_not_resumed(
    uplink: Uplink, book: RecordingBook, source_file: FileMaker, tmp_path: Path
) -> None:
    store = HoldingFolder(tmp_path / "store", {1: 2 * SMALL_PART})
    item = source_file("clip.mov", media(4, SIZE))
    book.checkpoints[item.path] = Checkpoint("earlier", 2 * SMALL_PART, {1: receipt(1)})

    plan = plan_parts(replace(uplink, target=store), item)

    assert plan.writer.upload_id != "earlier"
    assert plan.sent_before == {}
    plan.writer.abort()
