"""Listing the stored objects of the rolls due a re-check, and comparing each with its record.

A roll is listed under its own folder (`<prefix>/`), or — when most of the uploaded rolls under
one folder are due together, as every roll under a cleared drive is — all of them in one sweep
of that folder: a listing answers up to 1,000 keys per request, and a roll holds a few hundred,
so a sweep asks the store a fifth as often and costs the daemon about 30 % less CPU
(bench/RESULTS.md, the backlog). Every roll of a sweep is checked as of the moment the sweep
began; a sweep the store cannot answer leaves each of its rolls unchecked, with the reason.

A roll whose listing is exactly its last one found as recorded (the same digest: every key,
size and ETag) is found as recorded without reading its record or comparing object by object —
a cleared drive's rolls, listed every few minutes, cost little more than their listing. One
that differs is listed again and compared whole (`differs`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rollkeeper.core.clearance.freshness import (
    Listed,
    ListingFindings,
    RecordedObject,
    compare_listing,
    listing_digest,
)
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.ledger.object_checks import ListingOutcome
from rollkeeper.ledger.store import now_iso
from rollkeeper.transfer.targets import Target

#: A folder is swept when at least this share of the uploaded rolls under it are due.
SWEEP_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class DueRoll:
    """A roll whose objects are to be listed: under which prefix, compared with what — its
    record, or (`recorded` None: not read) the digest of its last listing found as recorded."""

    roll_id: str
    prefix: str
    recorded: tuple[RecordedObject, ...] | None
    uploaded_at: str | None = None  # the upload listed (when it finished)
    listing_digest: str | None = None


def list_rolls(
    target: Target, rolls: Sequence[DueRoll], uploaded: Collection[str] | None = None
) -> list[ListingOutcome]:
    """List each roll's objects and compare them with the record (off the loop's thread).
    `uploaded`: the key prefixes of every uploaded roll, due or not (None: only these)."""
    outcomes: list[ListingOutcome] = []
    for folder, group in _grouped(rolls, uploaded):
        if folder is None:
            outcomes.extend(_list_one(target, roll) for roll in group)
        else:
            outcomes.extend(_sweep(target, folder, group))
    return outcomes


def _grouped(
    rolls: Sequence[DueRoll], uploaded: Collection[str] | None
) -> list[tuple[str | None, list[DueRoll]]]:
    """The due rolls by the folder holding them: (folder, rolls) to sweep, or (None, rolls) to
    list one by one (alone under their folder, or too few of the rolls there)."""
    due: dict[str, list[DueRoll]] = defaultdict(list)
    for roll in rolls:
        due[_parent(roll.prefix)].append(roll)
    present: dict[str, int] = defaultdict(int)
    for prefix in uploaded if uploaded is not None else (r.prefix for r in rolls):
        present[_parent(prefix)] += 1
    groups: list[tuple[str | None, list[DueRoll]]] = []
    for folder, group in due.items():
        swept = folder and len(group) >= 2 and len(group) >= SWEEP_SHARE * present[folder]
        groups.append((folder if swept else None, group))
    return groups


def _parent(prefix: str) -> str:
    return prefix.rpartition("/")[0]


def _sweep(target: Target, folder: str, rolls: list[DueRoll]) -> list[ListingOutcome]:
    """One listing of `folder` for every roll in it (objects of other rolls are passed over).
    Rolls sharing one prefix are each listed alone: each of them sees all that is under it."""
    by_name = {roll.prefix[len(folder) + 1 :]: roll for roll in rolls}
    if len(by_name) < len(rolls):
        return [_list_one(target, roll) for roll in rolls]
    checked_at = now_iso()
    listed: dict[str, list[Listed]] = {roll.roll_id: [] for roll in rolls}
    try:
        for found in target.list_objects(f"{folder}/"):
            name, slash, _rest = found.key[len(folder) + 1 :].partition("/")
            roll = by_name.get(name)
            if roll is not None and slash:
                listed[roll.roll_id].append(found)
    except (RollkeeperError, OSError) as err:
        return [_unchecked(roll, checked_at, err) for roll in rolls]
    return [_compared(target, roll, checked_at, listed[roll.roll_id]) for roll in rolls]


def _list_one(target: Target, roll: DueRoll) -> ListingOutcome:
    """One roll listed under its own folder."""
    checked_at = now_iso()
    try:
        listed: list[Listed] = list(target.list_objects(f"{roll.prefix}/"))
    except (RollkeeperError, OSError) as err:
        return _unchecked(roll, checked_at, err)
    return _compared(target, roll, checked_at, listed)


def _compared(
    target: Target, roll: DueRoll, checked_at: str, listed: list[Listed]
) -> ListingOutcome:
    digest = listing_digest(listed)
    if roll.recorded is None:
        return ListingOutcome(
            roll.roll_id,
            checked_at,
            uploaded_at=roll.uploaded_at,
            listing_digest=digest,
            told_by=roll.listing_digest,
        )
    try:
        findings = compare_listing(roll.recorded, listed)
        if findings.suspect:
            findings = _settle(target, roll.recorded, findings, listed)
    except (RollkeeperError, OSError) as err:
        return _unchecked(roll, checked_at, err)
    return ListingOutcome(
        roll.roll_id, checked_at, findings=findings, uploaded_at=roll.uploaded_at,
        listing_digest=digest,
    )  # fmt: skip


def _unchecked(roll: DueRoll, checked_at: str, err: Exception) -> ListingOutcome:
    return ListingOutcome(roll.roll_id, checked_at, problem=str(err), uploaded_at=roll.uploaded_at)


def _settle(
    target: Target,
    recorded: tuple[RecordedObject, ...],
    findings: ListingFindings,
    listed: list[Listed],
) -> ListingFindings:
    """An object listed with its size but another ETag may hold the very bytes uploaded (copied
    onto itself, into another storage class): its checksum, or its bytes read back, settle it."""
    records = {record.path: record for record in recorded}
    etags = {entry.key: entry.etag for entry in listed}
    changed: list[str] = []
    same: dict[str, str] = {}
    for path in findings.suspect:
        record = records[path]
        etag = etags.get(record.key)
        if etag is not None and _same_bytes(target, record):
            same[path] = etag
        else:
            changed.append(path)
    return findings.settled(changed, same)


def _same_bytes(target: Target, record: RecordedObject) -> bool:
    """The stored checksum as proven at upload, or else the bytes read back hash as uploaded."""
    if not target.proven_by_read_back and record.stored_checksum is not None:
        stored = target.head(record.key)
        if stored is not None and stored.checksum == record.stored_checksum:
            return stored.size == record.size
    if record.xxh64 is None:
        return False
    return target.read_back(record.key).xxh64 == record.xxh64
