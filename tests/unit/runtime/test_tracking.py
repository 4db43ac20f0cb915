"""Specification: after a walk, the rolls the folder layout finds are recorded and followed
(`runtime.scanning`, `runtime.tracking`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from rollkeeper.core.lifecycle import CopyState
from rollkeeper.fs.scan import scan_tree
from rollkeeper.ledger.rows import FileIdentity
from rollkeeper.runtime.tracking import changes_since_recorded

from tests.builders import clip
from tests.unit.runtime.conftest import A001, A002, Cart, CartMaker, make_roll


def test_a_walk_records_a_sealed_roll_as_a_settling_copy(cart: Cart) -> None:
    assert cart.state(A001) is CopyState.SETTLING
    tracker = cart.service.trackers[(A001, next(iter(cart.service.volumes)))]
    assert set(tracker.files) >= {"Clips/A001C001.mov", "Clips/A001C002.mov"}
    assert tracker.reading.manifest is not None


def test_a_roll_whose_mhl_does_not_read_is_invalid_and_an_alarm(make_cart: CartMaker) -> None:
    cart = make_cart()
    (mhl,) = (cart.root / A001).glob("*.mhl")
    mhl.write_text("<hashlist version='1.1'><hash>", encoding="utf-8")

    cart.scan()

    assert cart.state(A001) is CopyState.INVALID_MHL
    assert "copy_failed" in cart.kinds(A001)


def test_a_roll_folder_that_disappears_is_recorded_gone(cart: Cart) -> None:
    shutil.rmtree(cart.root / A001)

    cart.scan()

    assert cart.state(A001) is CopyState.GONE
    assert cart.service.trackers == {}
    assert cart.said("copy_gone", A001) == [
        f"roll {A001}: its MHL or folder {A001} disappeared from RAID_A"
    ]
    copy = cart.ledger.copy(A001, cart.volume.volume_id)
    assert copy is not None and copy.problems == [f"{A001}: MHL or folder gone"]


def test_a_broken_mhl_is_said_with_its_error_and_once_repaired_the_roll_settles_again(
    make_cart: CartMaker,
) -> None:
    cart = make_cart()
    (mhl,) = (cart.root / A001).glob("*.mhl")
    sealed = mhl.read_bytes()
    mhl.write_text("<hashlist version='1.1'><hash>", encoding="utf-8")
    cart.scan()
    (broken,) = cart.said("copy_failed", A001)
    assert broken.startswith(f"roll {A001} on RAID_A: ")

    mhl.write_bytes(sealed)
    cart.scan()

    assert cart.state(A001) is CopyState.SETTLING


def test_a_verified_copy_whose_file_changed_is_stale_and_names_the_change(cart: Cart) -> None:
    cart.service.steps.settling.evaluate()
    cart.service.steps.jobs.collect(wait_for_one=True)
    with (cart.root / A001 / "Clips" / "A001C002.mov").open("ab") as changed:
        changed.write(b"one byte more")

    cart.scan()

    assert cart.state(A001) is CopyState.SETTLING
    assert cart.said("copy_stale", A001) == [
        f"STALE: roll {A001} on RAID_A changed after it was verified "
        "(Clips/A001C002.mov (changed)); it will be verified again"
    ]


def test_a_roll_added_between_walks_is_found_by_the_next_one(cart: Cart) -> None:
    make_roll(cart.root, A002, {"Clips/A002C001.mov": clip(3, 4096)})

    cart.scan()

    assert cart.state(A002) is CopyState.SETTLING


def test_a_folder_outside_the_layout_is_recorded_as_unaccounted(make_cart: CartMaker) -> None:
    cart = make_cart()
    (cart.root / "stray").mkdir()
    (cart.root / "stray" / "notes.mov").write_bytes(b"not in any roll")

    cart.scan()

    (volume,) = cart.ledger.volumes()
    assert volume.unaccounted == ["stray/"]


def test_what_a_walk_changed_is_noted_for_the_drives_clearance(make_cart: CartMaker) -> None:
    cart = make_cart()
    notes = cart.service.context.clearance
    notes.begin()

    cart.scan()

    assert notes.dirty
    assert notes.touch(cart.volume.volume_id, [])
    assert notes.touch(-1, [A001])


def test_a_walk_that_finds_nothing_new_notes_nothing(cart: Cart) -> None:
    notes = cart.service.context.clearance
    notes.begin()

    cart.scan()

    assert not notes.dirty


def _recorded(path: str, size: int, mtime_ns: int, inode: int) -> FileIdentity:
    return FileIdentity(path=path, size=size, mtime_ns=mtime_ns, inode=inode, status="ok")


def test_a_checked_copys_deleted_changed_and_new_files_are_named(tmp_path: Path) -> None:
    roll = make_roll(tmp_path, "A001R1AB", {"kept.mov": b"k" * 10, "grown.mov": b"g" * 10})
    scan = scan_tree(roll)
    kept, grown = scan.files["kept.mov"], scan.files["grown.mov"]
    recorded = [
        _recorded("kept.mov", kept.size, kept.mtime_ns, kept.inode),
        _recorded("grown.mov", 5, grown.mtime_ns, grown.inode),
        _recorded("deleted.mov", 10, 1, 1),
    ]
    (roll / "new.mov").write_bytes(b"n")

    changes = changes_since_recorded(recorded, scan_tree(roll))

    assert changes == ["grown.mov (changed)", "deleted.mov (deleted)", "new.mov (new file)"]
