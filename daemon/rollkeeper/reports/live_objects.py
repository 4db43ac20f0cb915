"""Looking stored objects up live before a clearance is announced or answered.

An object whose last check (a listing, or the upload's own proof) is younger than
`max_evidence_age` is taken as that check left it; any other is looked up again (a HEAD), and a
"not found" confirmed by a listing (a HEAD cannot tell a missing object from a missing bucket).
A store that cannot answer proves nothing either way: the object is unknown, and `problem`
says why ("keep — storage cannot be checked: …"). Fresh evidence is trusted only from storage
that still proves it is the target: its identity marker is read once per answer, so an unmounted
NAS withdraws every clearance resting on it at once, however recent its last listing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rollkeeper.core.clearance.freshness import is_stale
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.rows import FileUpload
from rollkeeper.transfer.identity import IdentifiedTarget
from rollkeeper.transfer.targets import Target

#: Upload states a re-check of storage found the object gone or changed in.
LOST_STATES = frozenset({"missing", "changed"})


class LiveObjects:
    """Is each stored object still there, with the size and checksum the upload proved?

    An object whose last listing (or HEAD) is younger than `max_age` seconds is taken as that
    check left it; any other is looked up again now (a HEAD). A lookup the store cannot answer
    (denied, bucket gone, timed out, folder not there) proves nothing either way: the object is
    unknown (None), `problem` says why, and the remaining objects are not asked about.
    """

    def __init__(self, target: Target, max_age: float | None = None) -> None:
        self.target = target
        self.max_age = max_age
        self.problem: str | None = None
        self.checked_at: str | None = None  # when the first lookup was made (None: none made)
        self._identified: bool | None = None  # whether the target proved its identity

    def __call__(self, upload: FileUpload, *, distrust: bool = False) -> bool | None:
        """Is it there as proven? `distrust`: look it up even on fresh evidence (the last
        listing of its roll could not check storage)."""
        if upload.state in LOST_STATES:
            return False
        if not distrust and self._fresh(upload):
            return upload.state == "stored" if self._is_the_target() else None
        if self.problem is not None:
            return None
        self.checked_at = self.checked_at or now_iso()
        try:
            stored = self.target.head(upload.key)
        except (RollkeeperError, OSError) as err:
            self.problem = str(err)
            return None
        if stored is None:
            return self._confirmed_gone(upload.key)
        if stored.size != upload.size:
            return False
        if self.target.proven_by_read_back or upload.stored_checksum is None:
            return True  # a folder or checksum-less store: present with the proven size
        return stored.checksum == upload.stored_checksum

    def _is_the_target(self) -> bool:
        """Does the storage still prove it is the target (its marker read now, once)? Without
        it, a recent listing proves nothing about what is mounted there now."""
        if self._identified is None:
            self._identified = True
            if isinstance(self.target, IdentifiedTarget):  # (not an object lookup: no checked_at)
                try:
                    self.target.confirm()
                except (RollkeeperError, OSError) as err:
                    self.problem, self._identified = str(err), False
        return self._identified

    def _confirmed_gone(self, key: str) -> bool | None:
        """A HEAD says only "not found", whether the object or its whole bucket is gone: a
        listing tells (the bucket gone is storage that cannot be checked, never "missing")."""
        try:
            for _found in self.target.list_objects(key):
                break
        except (RollkeeperError, OSError) as err:
            self.problem = str(err)
            return None
        return False

    def _fresh(self, upload: FileUpload) -> bool:
        if self.max_age is None or upload.checked_at is None:
            return False
        checked = datetime.fromisoformat(upload.checked_at)
        return not is_stale(checked, datetime.now(UTC), self.max_age)


def object_check(target: Target, max_age: float | None = None) -> LiveObjects:
    """The live check of stored objects: a HEAD of each whose evidence is older than `max_age`
    (None: of every one)."""
    return LiveObjects(target, max_age)
