"""Specification: a drive verdict's evidence as the audit trail records it (`audit_json`): every
roll with its own facts, each file fact counted, and the files not proven named (the first
FILES_NAMED of them) — its size follows the problems, not the files on the drive."""

from __future__ import annotations

import json
from dataclasses import replace

from rollkeeper.core.clearance import (
    CopyFileEvidence,
    DriveEvidence,
    FileEvidence,
    RollEvidence,
    RollOnDrive,
)
from rollkeeper.reports.evidence_audit import FILES_NAMED, audit_json


def _file(n: int, **facts: bool | None) -> FileEvidence:
    proven = FileEvidence(f"Clips/C{n:06d}.mov", True, False, True, True, True, True, True)
    return replace(proven, **facts)  # type: ignore[arg-type]


def _drive(
    files: list[FileEvidence], extras: tuple[str, ...] = (), unaccounted: tuple[str, ...] = ()
) -> DriveEvidence:
    roll = RollEvidence("20261121_Day01/Camera_Media/A001R1AB", "uploaded", (), tuple(files),
                        True, "archived", 2)  # fmt: skip
    copy_files = tuple(CopyFileEvidence(f.path, True, False, True, True) for f in files)
    on_drive = RollOnDrive(roll, "verified", extras, copy_files, True, "RAID_A")
    return DriveEvidence("SHUTTLE_01", "rotation", 3, True, True, (), unaccounted, (on_drive,))


def test_every_roll_is_kept_with_its_own_facts() -> None:
    (roll,) = audit_json(_drive([_file(1)]))["rolls"]
    assert roll["roll"]["roll_id"] == "20261121_Day01/Camera_Media/A001R1AB"
    assert roll["roll"]["state"] == "uploaded" and roll["copy_state"] == "verified"


def test_each_file_fact_is_counted() -> None:
    files = [_file(1), _file(2, object_present=None), _file(3, stored_proven=False)]
    facts = audit_json(_drive(files))["rolls"][0]["roll"]["files"]
    assert facts["count"] == 3
    assert facts["facts"]["object_present"] == {"true": 2, "unknown": 1}
    assert facts["facts"]["stored_proven"] == {"false": 1, "true": 2}


def test_a_file_not_proven_is_named_with_all_its_facts() -> None:
    files = [_file(1), _file(2, source_unchanged=False)]
    named = audit_json(_drive(files))["rolls"][0]["roll"]["files"]["not_proven"]
    assert named["count"] == 1
    assert named["first"] == [
        {"path": "Clips/C000002.mov", "listed_in_mhl": True, "hidden": False, "verified": True,
         "stored_proven": True, "archived": True, "source_unchanged": False,
         "object_present": True}
    ]  # fmt: skip


def test_proven_files_are_counted_not_named_however_many() -> None:
    few = len(json.dumps(audit_json(_drive([_file(n) for n in range(10)]))))
    many = len(json.dumps(audit_json(_drive([_file(n) for n in range(10_000)]))))
    assert many < few + 100


def test_files_not_proven_are_named_up_to_a_limit_and_all_counted() -> None:
    files = [_file(n, archived=None) for n in range(FILES_NAMED + 5)]
    named = audit_json(_drive(files))["rolls"][0]["roll"]["files"]["not_proven"]
    assert named["count"] == FILES_NAMED + 5 and len(named["first"]) == FILES_NAMED


def test_extras_on_the_drive_are_named_up_to_the_limit_and_counted() -> None:
    extras = tuple(f"Clips/extra_{n}.mov" for n in range(FILES_NAMED + 1))
    (roll,) = audit_json(_drive([_file(1)], extras))["rolls"]
    assert (
        roll["extras"]["count"] == FILES_NAMED + 1 and len(roll["extras"]["first"]) == FILES_NAMED
    )


def test_what_lies_outside_every_roll_is_named_up_to_the_limit_and_counted() -> None:
    outside = tuple(f"stray_{n}.mov" for n in range(FILES_NAMED + 3))
    unaccounted = audit_json(_drive([_file(1)], unaccounted=outside))["unaccounted"]
    assert unaccounted == {"count": FILES_NAMED + 3, "first": list(outside[:FILES_NAMED])}
