"""How fresh a clearance's evidence is, and what a listing of the stored objects says about them.

Pure: the ledger records what each upload stored (key, size, ETag) and when each piece of
evidence was last checked; this module compares a listing with that record and tells evidence
older than the production's `max_evidence_age` from fresh. A listing answers per object: key,
size and ETag (S3), or size and an mtime/inode token (a folder) — cheap, one request per 1,000
keys, and enough to see an object gone, resized or rewritten. It cannot see a same-size rewrite
on a store whose ETag does not change with the bytes (none we know of); a HEAD of the stored
checksum, made before a `clearance` answer on stale evidence, can.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

#: Upload states whose objects a re-check compares with storage.
CHECKED_STATES = frozenset({"stored", "changed"})


@dataclass(frozen=True, slots=True)
class RecordedObject:
    """A stored object as the ledger knows it: the file, its key and size, the ETag it was
    stored with (or first listed with; None: not known yet), and its upload state."""

    path: str
    key: str
    size: int
    etag: str | None
    state: str
    stored_checksum: str | None = None  # the store's checksum the upload proved
    xxh64: str | None = None  # the MHL hash of the bytes uploaded


class Listed(Protocol):
    """An object as a listing shows it: key, size and ETag (a target's own listed objects are
    compared as they come, not copied)."""

    @property
    def key(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def etag(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class ListedObject:
    """An object as a listing shows it, written out."""

    key: str
    size: int
    etag: str | None


@dataclass(frozen=True, slots=True)
class ListingFindings:
    """What a listing found, by file path: objects gone, objects newly found changed (another
    size under the key), objects whose ETag alone differs (`suspect`: a rewrite, or the same
    bytes copied onto themselves, e.g. into another storage class — to be settled by the
    checksum), objects found as stored again after a change, and the ETags to compare later
    listings with (`baselines`: seen first, or the same content under a new ETag)."""

    missing: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()
    baselines: Mapping[str, str] = field(default_factory=dict)
    suspect: tuple[str, ...] = ()

    def settled(self, changed: Sequence[str], same: Mapping[str, str]) -> ListingFindings:
        """The findings once the suspects are settled: `changed` hold other bytes, `same`
        (path to its new ETag) the very bytes uploaded."""
        return replace(
            self,
            changed=(*self.changed, *changed),
            baselines={**self.baselines, **same},
            suspect=(),
        )

    @property
    def alarming(self) -> bool:
        """Whether anything was found gone or newly changed."""
        return bool(self.missing or self.changed)


def same_etag(left: str | None, right: str | None) -> bool:
    """ETags compare without the quotes S3 puts around them."""
    return (left or "").strip('"') == (right or "").strip('"')


def _etag_differs(record: RecordedObject, listed: Listed) -> bool:
    return (
        record.etag is not None
        and listed.etag is not None
        and not same_etag(record.etag, listed.etag)
    )


def compare_listing(
    recorded: Iterable[RecordedObject], listed: Iterable[Listed]
) -> ListingFindings:
    """Compare each stored (or known changed) object with the listing of its roll."""
    seen = {entry.key: entry for entry in listed}
    found: dict[str, list[str]] = {"missing": [], "changed": [], "restored": [], "suspect": []}
    baselines: dict[str, str] = {}
    for record in recorded:
        if record.state not in CHECKED_STATES:
            continue
        entry = seen.get(record.key)
        verdict = _compared(record, entry)
        if verdict is not None:
            found[verdict].append(record.path)
        if entry is not None and entry.etag is not None and record.etag is None:
            baselines[record.path] = entry.etag
    return ListingFindings(
        missing=tuple(found["missing"]),
        changed=tuple(found["changed"]),
        restored=tuple(found["restored"]),
        baselines=baselines,
        suspect=tuple(found["suspect"]),
    )


def listing_digest(listed: Iterable[Listed]) -> str:
    """A digest of a listing: every object's key, size and ETag, in key order. Two listings
    with one digest list the very same objects, so the second compares with the record exactly
    as the first did (`runtime.roll_listings`: a roll listed as last found needs no comparison)."""
    entries = sorted((entry.key, entry.size, entry.etag) for entry in listed)
    return hashlib.blake2b(repr(entries).encode(), digest_size=16).hexdigest()


def _compared(record: RecordedObject, entry: Listed | None) -> str | None:
    """One object's finding: "missing", "changed", "suspect", "restored" or None (as stored)."""
    if entry is None:
        return "missing"
    known_changed = record.state == "changed"
    if entry.size != record.size:
        return None if known_changed else "changed"
    if _etag_differs(record, entry):
        return None if known_changed else "suspect"
    return "restored" if known_changed else None


#: A check recorded further than this in the future (seconds) means the clock was set back
#: since: its age is unknown, so its evidence is not believed (and is checked again at once).
#: A step back of the clock would otherwise make old evidence look fresh until the clock
#: caught up with it again.
FUTURE_TOLERANCE = 5.0


def from_the_future(checked_at: datetime, now: datetime) -> bool:
    """Was this recorded at a moment the clock has not reached yet (the clock set back)?"""
    return checked_at - now > timedelta(seconds=FUTURE_TOLERANCE)


def is_stale(checked_at: datetime | None, now: datetime, max_age: float) -> bool:
    """Evidence never checked, checked longer than `max_age` seconds ago, or checked at a time
    still to come (the clock was set back since) is stale."""
    if checked_at is None or from_the_future(checked_at, now):
        return True
    return now - checked_at > timedelta(seconds=max_age)


def oldest(moments: Sequence[datetime | None]) -> datetime | None:
    """The oldest of the evidence's check times (None if any was never checked)."""
    if not moments or any(m is None for m in moments):
        return None
    return min(m for m in moments if m is not None)


@dataclass(frozen=True, slots=True)
class RecheckTimes:
    """When a roll's stored objects were last listed, and its archive status last polled."""

    objects_checked_at: datetime | None
    archive_checked_at: datetime | None


def recheck_due(
    times: RecheckTimes, now: datetime, *, interval: float, max_age: float, cleared: bool
) -> bool:
    """Is a listing of the roll's stored objects due? Never listed; its archive status polled
    since the last listing; or the last listing older than `interval` — or, for a roll that a
    clearance rests on (`cleared`), older than half of `max_age`, so that clearance stays fresh
    while the daemon runs."""
    checked = times.objects_checked_at
    if checked is None or from_the_future(checked, now):
        return True
    # at the same millisecond (what the ledger keeps) the poll may have come after: list again
    if times.archive_checked_at is not None and times.archive_checked_at >= checked:
        return True
    every = min(interval, max_age / 2) if cleared else interval
    return now - checked >= timedelta(seconds=every)
