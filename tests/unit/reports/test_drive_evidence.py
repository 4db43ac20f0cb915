"""Specification: a drive's evidence (`reports.evidence.drive_evidence`) re-checks each file on
the drive once, also for a roll uploaded from that very drive, whose copy's files and whose
source files are then the same files (a 200,000-file drive was stat'ed twice per judgment)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from rollkeeper.core.clearance import DriveEvidence
from rollkeeper.reports.evidence import Rechecks, drive_evidence

from tests.unit.reports.cart import A001, Cart


def _source_drive(cart: Cart) -> str:
    with cart.ledger() as ledger:
        upload = ledger.roll_upload(A001)
        assert upload is not None and upload.volume_id is not None
        volume = ledger.volume(upload.volume_id)
        assert volume is not None
        return volume.label


def _evidence(cart: Cart, label: str) -> DriveEvidence:
    with cart.ledger() as ledger:
        return drive_evidence(
            ledger, cart.volume(label), archive_provider="none", rechecks=Rechecks()
        )


def test_each_file_of_the_drive_a_roll_was_uploaded_from_is_stat_ed_once(
    cart: Cart, monkeypatch: pytest.MonkeyPatch
) -> None:
    label = _source_drive(cart)
    asked: Counter[str] = Counter()
    real_stat = os.stat

    def counted(path: str | Path, *args: object, **kwargs: object) -> os.stat_result:
        asked[str(path)] += 1
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", counted)
    evidence = _evidence(cart, label)
    (on_drive,) = evidence.rolls
    media = [f for f in asked if f.endswith(".mov")]
    assert len(media) == len([f for f in on_drive.copy_files if f.path.endswith(".mov")]) > 0
    assert all(asked[f] == 1 for f in media)


def test_a_file_changed_on_the_source_drive_is_changed_for_the_copy_and_for_the_roll(
    cart: Cart,
) -> None:
    label = _source_drive(cart)
    touched = (cart.raid if label == "RAID_A" else cart.shuttle) / A001 / "Clips/A001C002.mov"
    os.utime(touched, ns=(0, touched.stat().st_mtime_ns + 1_000_000_000))
    (on_drive,) = _evidence(cart, label).rolls
    copy_file = next(f for f in on_drive.copy_files if f.path == "Clips/A001C002.mov")
    source_file = next(f for f in on_drive.roll.files if f.path == "Clips/A001C002.mov")
    assert copy_file.unchanged is False and source_file.source_unchanged is False
    others = [f for f in on_drive.roll.files if f.path != "Clips/A001C002.mov"]
    assert others and all(f.source_unchanged for f in others)
