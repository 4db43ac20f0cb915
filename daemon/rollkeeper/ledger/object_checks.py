"""The ledger's re-checks of stored objects: which rolls' objects to list, what a listing found.

A roll's stored objects are listed on a schedule (`runtime.rechecks`); what the listing found is
recorded here in one transaction: when storage was last checked, the ETags seen first, the
objects gone (the roll is uploaded again) or changed (an alarm: never written over), or why
storage could not be checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from rollkeeper.core import happened
from rollkeeper.core.clearance.freshness import CHECKED_STATES, ListingFindings, RecordedObject
from rollkeeper.core.lifecycle import UploadStage
from rollkeeper.core.words.storage import object_changed_in_storage
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.uploads import UploadRecords

#: Upload stages whose objects are re-checked: uploaded, or held back by a changed object.
_RECHECKED_STAGES = (UploadStage.UPLOADED.value, UploadStage.CONFLICT.value)


@dataclass(frozen=True, slots=True)
class RecheckCandidate:
    """A roll whose stored objects a re-check may list: its key prefix, when they were last
    listed, and when its archive status was last polled (a poll asks for a listing too)."""

    roll_id: str
    key_prefix: str
    objects_checked_at: str | None
    archive_checked_at: str | None
    finished_at: str | None  # when its upload finished: a listing begun before it is stale
    listing_digest: str | None = None  # of its last listing found as recorded (None: none)


@dataclass(frozen=True, slots=True)
class ListingOutcome:
    """One roll's listing as the loop records it: its findings, or why storage could not be
    checked (`problem`), at `checked_at`."""

    roll_id: str
    checked_at: str
    findings: ListingFindings | None = None
    problem: str | None = None
    #: The upload the listing was of (its finish time when the listing began); None: compared
    #: by the clock instead, which a clock set back fools.
    uploaded_at: str | None = None
    #: The listing's digest (`freshness.listing_digest`), kept when it was found as recorded.
    listing_digest: str | None = None
    #: The digest of the roll's last listing found as recorded, when the listing was told by
    #: it alone, the record not read (None: compared with the record, object by object).
    told_by: str | None = None

    @property
    def as_last_found(self) -> bool:
        """Told by the digest, and the very listing last found as recorded."""
        return self.told_by is not None and self.told_by == self.listing_digest

    @property
    def differs(self) -> bool:
        """Told by the digest, and another listing: nothing is recorded; the roll is listed
        again and compared whole."""
        return self.told_by is not None and self.told_by != self.listing_digest


class ObjectCheckRecords(UploadRecords):
    """Re-checks of stored objects: candidates, the objects to compare, and the findings."""

    def recheck_candidates(self) -> list[RecheckCandidate]:
        """Every roll uploaded (or held back by a changed object), oldest listing first."""
        rows = self.db.execute(
            "SELECT u.roll_id, u.key_prefix, u.objects_checked_at, a.checked_at, u.finished_at, "
            "u.listing_digest "
            "FROM roll_uploads u LEFT JOIN archive_checks a ON a.roll_id = u.roll_id "
            "WHERE u.state IN (?, ?) ORDER BY u.objects_checked_at IS NOT NULL, "
            "u.objects_checked_at",
            _RECHECKED_STAGES,
        )
        return [RecheckCandidate(*row) for row in rows]

    def rolls_under_clearance(self) -> set[str]:
        """The rolls on every drive whose latest verdict lets it be erased."""
        rows = self.db.execute(
            "SELECT DISTINCT c.roll_id FROM roll_copies c JOIN clearances k "
            "ON k.volume_id = c.volume_id WHERE k.clear = 1 AND k.id = (SELECT MAX(id) "
            "FROM clearances WHERE subject = 'drive' AND volume_id = c.volume_id)"
        )
        return {row[0] for row in rows}

    def recorded_objects(self, roll_id: str) -> list[RecordedObject]:
        """The roll's objects a listing is compared with, each with the ETag it was last
        listed with (else the one it was stored with) and the proof of its bytes."""
        rows = self.db.execute(
            "SELECT path, key, size, COALESCE(listed_etag, etag), state, stored_checksum, "
            "xxh64 FROM uploads "
            "WHERE roll_id = ? ORDER BY path",
            (roll_id,),
        )
        return [RecordedObject(*row) for row in rows if row[4] in CHECKED_STATES]

    @staticmethod
    def _uploaded_since(finished_at: str | None, outcome: ListingOutcome) -> bool:
        """Was the roll uploaded again after its listing began? Known by the upload itself
        when the listing says which one it was of, else by the clock."""
        if outcome.uploaded_at is not None:
            return finished_at != outcome.uploaded_at
        return finished_at is not None and finished_at > outcome.checked_at

    def record_listing(self, outcome: ListingOutcome) -> bool:
        """Record one roll's listing; True when its clearances may have changed (something
        found gone, changed or restored, or storage newly uncheckable)."""
        if outcome.differs:
            return False  # not compared: nothing to record
        with self.transaction():
            upload = self.roll_upload(outcome.roll_id)
            if upload is None or upload.state not in _RECHECKED_STAGES:
                return False  # failed (or uploading again) meanwhile: this listing is stale
            if self._uploaded_since(upload.finished_at, outcome):
                return False  # uploaded again since the listing began
            if outcome.as_last_found and upload.listing_digest != outcome.told_by:
                return False  # its record changed since it was due: compared whole next time
            if outcome.problem is not None:
                return self._unchecked(outcome.roll_id, outcome.problem, upload.objects_check_error)
            findings = outcome.findings or ListingFindings()
            self._stamp_objects(outcome.roll_id, findings)
            if findings.changed:
                self._mark_changed(outcome.roll_id, list(findings.changed))
            if findings.missing:
                self._mark_missing(outcome.roll_id, list(findings.missing), "")
            elif findings.restored and not self._still_changed(outcome.roll_id):
                self.db.execute(
                    "UPDATE roll_uploads SET state = ?, last_error = NULL WHERE roll_id = ?",
                    (UploadStage.UPLOADED.value, outcome.roll_id),
                )
                self._refresh_roll(outcome.roll_id)
            self._checked(outcome, None if findings.alarming else outcome.listing_digest)
            return bool(findings.alarming or findings.restored or upload.objects_check_error)

    def _unchecked(self, roll_id: str, problem: str, before: str | None) -> bool:
        """Storage could not be checked: said once (until it can be checked again)."""
        self.db.execute(
            "UPDATE roll_uploads SET objects_check_error = ? WHERE roll_id = ?",
            (problem, roll_id),
        )
        if before is None:
            self._record(happened.storage_unchecked(roll_id, problem))
        return before is None

    def _stamp_objects(self, roll_id: str, findings: ListingFindings) -> None:
        """The objects found as stored again, and the ETags seen first (nothing is stamped per
        file: every object the roll holds as stored was found at the roll's check, and
        `file_uploads` reads that time for each)."""
        self.db.executemany(
            "UPDATE uploads SET state = 'stored', updated_at = ? WHERE roll_id = ? AND path = ?",
            [(now_iso(), roll_id, path) for path in findings.restored],
        )
        self.db.executemany(
            "UPDATE uploads SET listed_etag = ? WHERE roll_id = ? AND path = ?",
            [(etag, roll_id, path) for path, etag in findings.baselines.items()],
        )

    def _checked(self, outcome: ListingOutcome, digest: str | None) -> None:
        """When storage was checked, and the digest of a listing found as recorded (None: not);
        last, as a change to the records above forgets a digest."""
        self.db.execute(
            "UPDATE roll_uploads SET objects_checked_at = ?, objects_check_error = NULL, "
            "listing_digest = ? WHERE roll_id = ?",
            (outcome.checked_at, digest, outcome.roll_id),
        )

    def _mark_changed(self, roll_id: str, paths: list[str]) -> None:
        """Other bytes under the keys: an alarm; the roll is held back, never uploaded over."""
        self.db.executemany(
            "UPDATE uploads SET state = 'changed', updated_at = ? WHERE roll_id = ? AND path = ?",
            [(now_iso(), roll_id, path) for path in paths],
        )
        self.db.execute(
            "UPDATE roll_uploads SET state = ?, next_attempt_at = NULL, last_error = ? "
            "WHERE roll_id = ?",
            (UploadStage.CONFLICT.value, object_changed_in_storage(paths), roll_id),
        )
        self._record(happened.objects_changed(roll_id, paths=paths))
        self._refresh_roll(roll_id)

    def _still_changed(self, roll_id: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM uploads WHERE roll_id = ? AND state = 'changed' LIMIT 1", (roll_id,)
        ).fetchone()
        return row is not None
