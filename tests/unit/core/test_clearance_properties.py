"""Properties over random evidence: clearance fails closed, whatever the evidence says."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar, cast

from hypothesis import given, settings
from hypothesis import strategies as st
from rollkeeper.core.clearance import (
    ArchiveStatus,
    CopyFileEvidence,
    DriveEvidence,
    FileEvidence,
    Policy,
    RollEvidence,
    RollOnDrive,
    judge_drive,
    judge_roll,
)
from rollkeeper.core.lifecycle import CopyState, RollState

from tests.unit.core.clearance_cases import (
    CARD_FACTS,
    CLEARABLE,
    COPY_FACTS,
    on_drive,
    proven_drive,
    proven_file,
    proven_roll,
)

# --------------------------------------------------------------------------------------------
# Properties over random evidence

PATHS = st.sampled_from(
    ("Clips/C001.mov", "Clips/C002.mov", "Clips/C003.mov", "a.wav", ".DS_Store", "Clips/._C001.mov")
)
POLICIES = st.builds(Policy, st.booleans(), st.integers(min_value=0, max_value=4), st.booleans())
#: How healthy a random evidence set is: the odds of each fact being good rather than one bad value.
#: High odds make fully clear evidence common, so "clear" examples are drawn too.
ODDS = st.sampled_from((1, 8, 60, 400, 5000))
T = TypeVar("T")


def pick(draw: st.DrawFn, odds: int, good: T, *bad: T) -> T:
    """`good` with weight `odds`, each of `bad` with weight 1 (shrinks towards `good`)."""
    i = draw(st.integers(min_value=0, max_value=odds + len(bad) - 1))
    return good if i < odds else bad[i - odds]


def fact(draw: st.DrawFn, odds: int) -> bool | None:
    return pick(draw, odds, True, False, None)


def random_file(draw: st.DrawFn, odds: int, path: str) -> FileEvidence:
    return FileEvidence(
        path=path,
        listed_in_mhl=pick(draw, odds, True, False),
        hidden=path.rsplit("/", maxsplit=1)[-1].startswith("."),
        verified=fact(draw, odds),
        stored_proven=fact(draw, odds),
        archived=fact(draw, odds),
        source_unchanged=fact(draw, odds),
        object_present=fact(draw, odds),
    )


def random_roll(draw: st.DrawFn, odds: int, roll_id: str) -> RollEvidence:
    paths = draw(st.lists(PATHS, max_size=4, unique=True))
    other_states = (*(s.value for s in RollState), "??")
    archive: ArchiveStatus = pick(draw, odds, "archived", "none", "pending", "failed", "unknown")
    return RollEvidence(
        roll_id=roll_id,
        state=pick(draw, odds, draw(st.sampled_from(CLEARABLE)), *other_states),
        problems=pick(draw, odds, (), ("unreadable folder",)),
        files=tuple(random_file(draw, odds, p) for p in paths),
        manifest_written=pick(draw, odds, True, False),
        archive=archive,
        onset_copies=draw(st.integers(min_value=0, max_value=4)),
    )


def random_roll_on_drive(draw: st.DrawFn, odds: int, roll_id: str) -> RollOnDrive:
    roll = random_roll(draw, odds, roll_id)
    copies = [
        CopyFileEvidence(f.path, f.listed_in_mhl, f.hidden, fact(draw, odds), fact(draw, odds))
        for f in roll.files
        if pick(draw, odds, True, False)  # sometimes no record on this drive
    ]
    return RollOnDrive(
        roll=roll,
        copy_state=pick(draw, odds, CopyState.VERIFIED.value, *(s.value for s in CopyState)),
        extras=pick(draw, odds, (), (".DS_Store",), ("Clips/C099.mov",)),
        copy_files=tuple(copies),
        same_content=fact(draw, odds),
        content_drive=pick(draw, odds, "RAID_A", None),
    )


@st.composite
def roll_evidence(draw: st.DrawFn) -> RollEvidence:
    return random_roll(draw, draw(ODDS), "A001R1AB")


@st.composite
def drive_evidence(draw: st.DrawFn) -> DriveEvidence:
    odds = draw(ODDS)
    count = draw(st.integers(min_value=0, max_value=3))
    return DriveEvidence(
        label="SHUTTLE_01",
        role=draw(st.sampled_from(("rotation", "raid"))),
        volume_id=1,
        mounted=pick(draw, odds, True, False),
        fully_scanned=pick(draw, odds, True, False),
        problems=pick(draw, odds, (), ("layout error",)),
        unaccounted=pick(
            draw,
            odds,
            (),
            ("Reports/",),
            (".Trashes/",),
            ("Day/Reports/x.pdf",),
            ("Temp/",),
            ("x.mov",),
        ),
        rolls=tuple(random_roll_on_drive(draw, odds, f"R{i}") for i in range(count)),
    )


def listed(files: tuple[Any, ...]) -> list[Any]:
    return [f for f in files if f.listed_in_mhl and not f.hidden]


def roll_facts_all_true(roll: RollEvidence, *, raid: bool) -> bool:
    files = listed(roll.files)
    facts = CARD_FACTS + (("archived",) if raid else ())
    return (
        roll.state in CLEARABLE
        and not roll.problems
        and roll.manifest_written is True
        and bool(files)
        and all(getattr(f, fact) is True for f in files for fact in facts)
        and (not raid or roll.archive == "archived")
    )


def drive_facts_all_true(drive: DriveEvidence) -> bool:
    # copies recorded erased are no longer on the drive: they neither count nor block
    on_it = [r for r in drive.rolls if r.copy_state != CopyState.ERASED.value]
    if not (drive.mounted and drive.fully_scanned and not drive.problems and on_it):
        return False
    if any(u in ("Temp/", "x.mov") for u in drive.unaccounted):
        return False
    for placed in on_it:
        records = {c.path: c for c in placed.copy_files}
        if not roll_facts_all_true(placed.roll, raid=drive.role == "raid"):
            return False
        if placed.copy_state != CopyState.VERIFIED.value or "Clips/C099.mov" in placed.extras:
            return False
        if placed.same_content is not True:  # the copy holds the roll's stored content
            return False
        if any(c.listed_in_mhl is False and not c.hidden for c in placed.copy_files):
            return False
        for f in listed(placed.roll.files):
            record = records.get(f.path)
            if record is None or record.verified is not True or record.unchanged is not True:
                return False
    return True


PROPERTY = settings(max_examples=80, deadline=None)


@PROPERTY
@given(roll_evidence())
def test_property_roll_clearance_requires_every_fact_true(roll: RollEvidence) -> None:
    verdict = judge_roll(roll)
    assert verdict.cards_clear == roll_facts_all_true(roll, raid=False)
    assert verdict.raid_clear == roll_facts_all_true(roll, raid=True)


@PROPERTY
@given(roll_evidence(), POLICIES)
def test_property_every_roll_no_has_a_reason(roll: RollEvidence, policy: Policy) -> None:
    verdict = judge_roll(roll, policy)
    assert verdict.cards_clear == (not verdict.reasons)
    assert verdict.raid_clear == (verdict.cards_clear and not verdict.raid_reasons)
    assert all(r.startswith(f"{roll.roll_id}: ") for r in verdict.reasons + verdict.raid_reasons)


@PROPERTY
@given(
    st.lists(PATHS.filter(lambda p: not p.split("/")[-1].startswith(".")), min_size=1, unique=True),
    st.data(),
)
def test_property_any_missing_or_failed_fact_refuses_the_roll(
    paths: list[str], data: st.DataObject
) -> None:
    roll = proven_roll("R", *(proven_file(p) for p in paths))
    assert judge_roll(roll).raid_clear
    victim = data.draw(st.integers(min_value=0, max_value=len(paths) - 1))
    fact = data.draw(st.sampled_from((*CARD_FACTS, "archived")))
    value = data.draw(st.sampled_from((None, False)))
    files = list(roll.files)
    files[victim] = replace(files[victim], **cast(dict[str, Any], {fact: value}))
    verdict = judge_roll(replace(roll, files=tuple(files)))
    assert not verdict.raid_clear
    assert verdict.cards_clear == (fact == "archived")


@PROPERTY
@given(drive_evidence())
def test_property_drive_clearance_requires_every_fact_true(drive: DriveEvidence) -> None:
    verdict = judge_drive(drive)
    assert verdict.clear_to_erase == drive_facts_all_true(drive)


@PROPERTY
@given(drive_evidence(), POLICIES)
def test_property_every_drive_no_has_a_reason_and_a_level_of_none(
    drive: DriveEvidence, policy: Policy
) -> None:
    verdict = judge_drive(drive, policy)
    assert verdict.clear_to_erase == (not verdict.blocking)
    assert all(b.reason for b in verdict.blocking)
    expected_level = (
        ("raid" if drive.role == "raid" else "cards") if verdict.clear_to_erase else "none"
    )
    assert verdict.level == expected_level


@PROPERTY
@given(drive_evidence(), POLICIES)
def test_property_verdicts_are_deterministic(drive: DriveEvidence, policy: Policy) -> None:
    assert judge_drive(drive, policy) == judge_drive(copy.deepcopy(drive), policy)
    for placed in drive.rolls:
        assert judge_roll(placed.roll, policy) == judge_roll(copy.deepcopy(placed.roll), policy)


def _set_roll(drive: DriveEvidence, index: int, **fields: Any) -> DriveEvidence:
    rolls = list(drive.rolls)
    rolls[index] = replace(rolls[index], roll=replace(rolls[index].roll, **fields))
    return replace(drive, rolls=tuple(rolls))


def _set_copy(drive: DriveEvidence, index: int, **fields: Any) -> DriveEvidence:
    rolls = list(drive.rolls)
    rolls[index] = replace(rolls[index], **fields)
    return replace(drive, rolls=tuple(rolls))


def _set_file_fact(fact: str) -> Mutation:
    def mutate(drive: DriveEvidence, index: int, file: int, value: Any) -> DriveEvidence:
        files = list(drive.rolls[index].roll.files)
        files[file] = replace(files[file], **{fact: value})
        return _set_roll(drive, index, files=tuple(files))

    return mutate


def _set_copy_file_fact(fact: str) -> Mutation:
    def mutate(drive: DriveEvidence, index: int, file: int, value: Any) -> DriveEvidence:
        files = list(drive.rolls[index].copy_files)
        files[file] = replace(files[file], **{fact: value})
        return _set_copy(drive, index, copy_files=tuple(files))

    return mutate


def _drop_copy_file(drive: DriveEvidence, index: int, file: int, value: Any) -> DriveEvidence:
    files = list(drive.rolls[index].copy_files)
    del files[file]
    return _set_copy(drive, index, copy_files=tuple(files))


#: (drive, roll index, file index, None or False) -> the drive with one more blocking fact
Mutation = Callable[[DriveEvidence, int, int, Any], DriveEvidence]

BLOCKING_FACTS: dict[str, Mutation] = {
    "unmounted": lambda d, i, j, v: replace(d, mounted=v),
    "not fully scanned": lambda d, i, j, v: replace(d, fully_scanned=v),
    "scan problem": lambda d, i, j, v: replace(d, problems=(*d.problems, "unreadable folder X")),
    "unknown folder": lambda d, i, j, v: replace(d, unaccounted=(*d.unaccounted, "Temp/")),
    "unknown file": lambda d, i, j, v: replace(d, unaccounted=(*d.unaccounted, "clip.mov")),
    "no rolls": lambda d, i, j, v: replace(d, rolls=()),
    "roll failed": lambda d, i, j, v: _set_roll(d, i, state=RollState.CONFLICT.value),
    "roll not uploaded": lambda d, i, j, v: _set_roll(d, i, state=RollState.VERIFIED.value),
    "roll problem": lambda d, i, j, v: _set_roll(d, i, problems=("something",)),
    "manifest": lambda d, i, j, v: _set_roll(d, i, manifest_written=v),
    "roll empty": lambda d, i, j, v: _set_roll(d, i, files=()),
    **{f"file {fact}": _set_file_fact(fact) for fact in CARD_FACTS},
    "copy state": lambda d, i, j, v: _set_copy(d, i, copy_state=CopyState.VERIFYING.value),
    "copy extra": lambda d, i, j, v: _set_copy(d, i, extras=("Clips/C099.mov",)),
    **{f"copy file {fact}": _set_copy_file_fact(fact) for fact in COPY_FACTS},
    "copy file missing": _drop_copy_file,
}


@PROPERTY
@given(
    st.sampled_from(("rotation", "raid")),
    st.integers(min_value=1, max_value=3),
    st.sampled_from(sorted(BLOCKING_FACTS)),
    st.sampled_from((None, False)),
    st.data(),
)
def test_property_adding_a_blocking_fact_to_a_clear_drive_removes_clearance(
    role: str, count: int, name: str, value: bool | None, data: st.DataObject
) -> None:
    drive = proven_drive("D", role, *(on_drive(proven_roll(f"R{i}")) for i in range(count)))
    assert judge_drive(drive).clear_to_erase
    index = data.draw(st.integers(min_value=0, max_value=count - 1))
    file = data.draw(st.integers(min_value=0, max_value=len(drive.rolls[index].roll.files) - 1))
    verdict = judge_drive(BLOCKING_FACTS[name](drive, index, file, value))
    assert not verdict.clear_to_erase
    assert verdict.level == "none"
    assert verdict.blocking


@PROPERTY
@given(
    st.integers(min_value=1, max_value=3), st.sampled_from(("none", "pending", "failed", "unknown"))
)
def test_property_a_raid_never_clears_while_any_roll_is_unarchived(
    count: int, archive: str
) -> None:
    rolls = [on_drive(proven_roll(f"R{i}")) for i in range(count)]
    rolls[-1] = on_drive(proven_roll("LAST", archive=archive))
    assert not judge_drive(proven_drive("RAID_A", "raid", *rolls)).clear_to_erase
