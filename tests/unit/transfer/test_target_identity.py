"""Specification: the target proves it is the target — an identity marker written at first use,
then required before anything is read from or written to it; and a folder under /Volumes, /mnt
or /media must be a mount (`must_be_mount`), so even the first use never lands on the boot disk.

Real folders, and (as root) real tmpfs mounts; a test that needs a mount skips when not root.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.transfer.fs_target import FolderTarget, mount_expected, mount_holding
from rollkeeper.transfer.identity import MARKER_NAME, IdentifiedTarget, marker_key
from rollkeeper.transfer.targets import TargetUnusable

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


def guarded(
    root: Path, *, mount_prefixes: tuple[Path, ...] = (), must_be_mount: bool | None = None
) -> IdentifiedTarget:
    """The folder target as the factory builds it: wrapped, its marker in the folder."""
    inner = FolderTarget(
        root, "crc64nvme", must_be_mount=must_be_mount, mount_prefixes=mount_prefixes
    )
    return IdentifiedTarget(inner, MARKER_NAME, recheck_writes=True)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    (tmp_path / "store").mkdir()
    return tmp_path / "store"


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs mounted at `prefix/nas` (the prefix stands in for /mnt)."""
    point = tmp_path / "mnt" / "nas"
    point.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(point)], check=True)
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_first_use_adopts_the_folder_and_writes_its_marker(store: Path) -> None:
    target = guarded(store)
    adopted = target.prove("CART_A")
    assert adopted is not None and adopted.written
    document = json.loads((store / MARKER_NAME).read_text())
    assert document["id"] == adopted.identity
    assert document["cart"] == "CART_A"


def test_a_marker_already_there_is_adopted_not_rewritten(store: Path) -> None:
    first = guarded(store).prove("CART_A")
    assert first is not None
    again = guarded(store).prove("CART_B")
    assert again is not None and not again.written
    assert again.identity == first.identity


def test_with_its_identity_recorded_the_same_folder_is_used(store: Path) -> None:
    adopted = guarded(store).prove("CART_A")
    assert adopted is not None
    target = guarded(store)
    target.expect(adopted.identity)
    assert target.prove("CART_A") is None
    target.put("day/clip.mov", b"x", None, {})
    assert (store / "day" / "clip.mov").read_bytes() == b"x"


def test_a_folder_without_the_marker_is_not_mounted_and_nothing_is_written_there(
    store: Path,
) -> None:
    target = guarded(store)
    target.expect("0123abcd")
    with pytest.raises(TargetUnusable, match="TARGET is not mounted \\(or is another disk\\)"):
        target.prove("CART_A")
    with pytest.raises(TargetUnusable, match="not mounted"):
        target.put("day/clip.mov", b"x", None, {})
    with pytest.raises(TargetUnusable, match="not mounted"):
        target.head("day/clip.mov")
    assert list(store.iterdir()) == []


def test_a_foreign_marker_is_another_disk(store: Path) -> None:
    guarded(store).prove("OTHER_CART")
    target = guarded(store)
    target.expect("0123abcd")
    with pytest.raises(TargetUnusable, match=r"another disk .* this cart recorded 0123abcd"):
        target.prove("CART_A")


def test_a_marker_removed_after_the_check_stops_the_next_write(store: Path) -> None:
    adopted = guarded(store).prove("CART_A")
    assert adopted is not None
    target = guarded(store)
    target.expect(adopted.identity)
    target.prove("CART_A")
    (store / MARKER_NAME).unlink()  # the NAS unmounted: its empty mount point remains
    with pytest.raises(TargetUnusable, match="not mounted"):
        target.put("day/clip.mov", b"x", None, {})
    assert not (store / "day").exists()


def test_a_listing_of_an_unmounted_folder_is_refused_not_taken_as_everything_gone(
    store: Path,
) -> None:
    adopted = guarded(store).prove("CART_A")
    assert adopted is not None
    target = guarded(store)
    target.expect(adopted.identity)
    target.prove("CART_A")
    (store / MARKER_NAME).unlink()  # unmounted between the check and the listing
    with pytest.raises(TargetUnusable, match="not mounted"):
        list(target.list_objects("day/"))


def test_an_object_missing_on_an_unmounted_folder_is_not_called_missing(store: Path) -> None:
    adopted = guarded(store).prove("CART_A")
    assert adopted is not None
    target = guarded(store)
    target.expect(adopted.identity)
    target.prove("CART_A")
    (store / MARKER_NAME).unlink()
    with pytest.raises(TargetUnusable):
        target.head("day/clip.mov")


def test_the_s3_marker_lies_under_the_prefix_and_the_folders_in_the_folder() -> None:
    assert marker_key("s3", "/show/") == f"show/{MARKER_NAME}"
    assert marker_key("s3", "") == MARKER_NAME
    assert marker_key("fs", "show") == MARKER_NAME


# --- must_be_mount ----------------------------------------------------------------------------


def test_must_be_mount_is_the_default_below_the_mount_prefixes_only() -> None:
    assert mount_expected(Path("/mnt/nas/rolls"))
    assert mount_expected(Path("/Volumes/NAS"))
    assert mount_expected(Path("/media/dit/NAS"))
    assert not mount_expected(Path("/mnt"))
    assert not mount_expected(Path("/srv/footage"))


def test_a_plain_folder_below_a_mount_prefix_is_refused_and_gets_no_marker(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "mnt" / "nas"
    folder.mkdir(parents=True)
    target = guarded(folder, mount_prefixes=(tmp_path / "mnt",))
    with pytest.raises(TargetUnusable, match="is not on a mounted volume \\(must_be_mount\\)"):
        target.prove("CART_A")
    assert list(folder.iterdir()) == []


def test_must_be_mount_false_takes_a_plain_folder_below_a_prefix(tmp_path: Path) -> None:
    folder = tmp_path / "mnt" / "nas"
    folder.mkdir(parents=True)
    target = guarded(folder, mount_prefixes=(tmp_path / "mnt",), must_be_mount=False)
    assert target.prove("CART_A") is not None


@root_only
def test_a_mounted_folder_and_a_folder_inside_it_are_on_a_mount(mounted: Path) -> None:
    prefixes = (mounted.parent,)
    (mounted / "rolls").mkdir()
    assert mount_holding(mounted, prefixes) == mounted
    assert mount_holding(mounted / "rolls", prefixes) == mounted
    target = guarded(mounted / "rolls", mount_prefixes=prefixes)
    assert target.prove("CART_A") is not None


@root_only
def test_an_unmounted_mount_point_is_refused_even_at_first_use(tmp_path: Path) -> None:
    point = tmp_path / "mnt" / "nas"
    point.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(point)], check=True)
    subprocess.run(["umount", str(point)], check=True)
    target = guarded(point, mount_prefixes=(tmp_path / "mnt",))
    with pytest.raises(TargetUnusable, match="must_be_mount"):
        target.prove("CART_A")
    assert list(point.iterdir()) == []
