"""What a scan saw, recorded: each roll folder found on a volume, with its MHL content.

A new roll or copy starts SETTLING; a copy whose MHL content changed goes back to SETTLING and
loses its proof; a copy seen again unchanged costs no write.
"""

from __future__ import annotations

import json

from rollkeeper.core import happened
from rollkeeper.core.lifecycle import ABSENT_COPY_STATES, CopyState, RollState
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.rolls import RollRecords
from rollkeeper.ledger.rows import CopyObservation, CopyRow

#: Up to this many copies are looked up one by one; more, by reading the volume's whole list.
_FEW = 32


class CopyDiscovery(RollRecords):
    """Recording the roll folders a scan found."""

    def observe_copy(self, observation: CopyObservation) -> CopyRow:
        """Record one roll folder seen on a volume (see `observe_copies`)."""
        return self.observe_copies([observation])[0]

    def observe_copies(self, observations: list[CopyObservation]) -> list[CopyRow]:
        """Record what one scan saw: each roll folder with its MHL content, on its volume.

        A new roll or copy is created in SETTLING. A copy whose MHL content changed since it was
        last seen (or verified) goes back to SETTLING, loudly: its proof no longer applies.
        Copies seen again unchanged cost no write; all the changes of one scan are one
        transaction, so discovering ten thousand rolls is one commit, not ten thousand.
        """
        known = {(c.roll_id, c.volume_id): c for c in self._copies_of(observations)}
        changed = [
            o
            for o in observations
            if (c := known.get((o.roll_id, o.volume_id))) is None
            or c.mhl_fingerprint != o.mhl_fingerprint
            or c.folder != o.folder
            or c.state in ABSENT_COPY_STATES
        ]
        keys = {(o.roll_id, o.volume_id) for o in changed}
        described = [
            o
            for o in observations
            if (o.roll_id, o.volume_id) not in keys and _redescribed(known, o)
        ]
        if changed or described:
            with self.transaction():
                for observation in changed:
                    self._observe(
                        observation, known.get((observation.roll_id, observation.volume_id))
                    )
                for observation in described:
                    self._describe(observation)
                for roll_id in {o.roll_id for o in changed}:
                    self._refresh_roll(roll_id)
            updated = changed + described
            known.update({(c.roll_id, c.volume_id): c for c in self._copies_of(updated)})
        return [known[(o.roll_id, o.volume_id)] for o in observations]

    def _describe(self, seen: CopyObservation) -> None:
        """Record the copy's MHL format and MHL files' digests (what the roll report shows)
        where only they changed: an MHL file re-written with the same content, or a copy first
        seen before they were recorded. Its state and proof are the content's, and stay."""
        self.db.execute(
            "UPDATE roll_copies SET mhl_format = ?, mhl_digests = ? "
            "WHERE roll_id = ? AND volume_id = ?",
            (seen.mhl_format, _digests_json(seen), seen.roll_id, seen.volume_id),
        )

    def _copies_of(self, observations: list[CopyObservation]) -> list[CopyRow]:
        if len(observations) <= _FEW:  # a rescan after an event: one lookup per roll
            found = (self.copy(o.roll_id, o.volume_id) for o in observations)
            return [copy for copy in found if copy is not None]
        volumes = {o.volume_id for o in observations}
        rolls = {o.roll_id for o in observations}
        return [
            copy
            for volume_id in volumes
            for copy in self.copies(volume_id=volume_id)
            if copy.roll_id in rolls
        ]

    def _observe(self, seen: CopyObservation, existing: CopyRow | None) -> None:
        stamp = now_iso()
        self._record_roll(seen, stamp)
        if existing is None:
            self._copy_found(seen, stamp)
        elif existing.mhl_fingerprint != seen.mhl_fingerprint or existing.folder != seen.folder:
            self._copy_changed(seen, was_proven=existing.state is CopyState.VERIFIED, stamp=stamp)
        else:  # the copy was gone (or recorded erased) and is back
            self._set_copy_state(seen.roll_id, seen.volume_id, CopyState.SETTLING, [])
            self._record(happened.copy_back(seen.roll_id, seen.volume_id, folder=seen.folder))
        if existing is not None:
            self._describe(seen)

    def _record_roll(self, seen: CopyObservation, stamp: str) -> None:
        """The roll itself, on its first sight on any volume."""
        self.db.execute(
            "INSERT OR IGNORE INTO rolls (id, shoot_day, media_type, roll, camera_format, "
            "state, mhl_fingerprint, first_seen, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                seen.roll_id,
                seen.shoot_day,
                seen.media_type,
                seen.roll,
                seen.camera_format,
                RollState.DISCOVERED.value,
                seen.mhl_fingerprint,
                stamp,
                stamp,
            ),
        )

    def _copy_found(self, seen: CopyObservation, stamp: str) -> None:
        roll_id, volume_id, folder = seen.roll_id, seen.volume_id, seen.folder
        self.db.execute(
            "INSERT INTO roll_copies (roll_id, volume_id, folder, mhl_fingerprint, state, "
            "updated_at, mhl_format, mhl_digests) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (roll_id, volume_id, folder, seen.mhl_fingerprint, CopyState.SETTLING.value, stamp,
             seen.mhl_format, _digests_json(seen)),
        )  # fmt: skip
        self._record(happened.copy_discovered(roll_id, volume_id, folder=folder))

    def _copy_changed(self, seen: CopyObservation, *, was_proven: bool, stamp: str) -> None:
        """The copy's MHL content (or folder) changed: it settles again, without its evidence."""
        roll_id, volume_id, folder = seen.roll_id, seen.volume_id, seen.folder
        self.db.execute(
            "UPDATE roll_copies SET folder = ?, mhl_fingerprint = ?, state = ?, "
            "problems = '[]', verified_at = NULL, updated_at = ? "
            "WHERE roll_id = ? AND volume_id = ?",
            (folder, seen.mhl_fingerprint, CopyState.SETTLING.value, stamp, roll_id, volume_id),
        )
        self.db.execute(
            "DELETE FROM files WHERE roll_id = ? AND volume_id = ?", (roll_id, volume_id)
        )
        self._record(happened.mhl_changed(roll_id, volume_id, folder=folder, proven=was_proven))


def _redescribed(known: dict[tuple[str, int], CopyRow], seen: CopyObservation) -> bool:
    """Whether a known copy's recorded MHL description differs from what was just read (a
    reading that describes nothing, e.g. an MHL that could not be parsed, changes nothing)."""
    copy = known.get((seen.roll_id, seen.volume_id))
    if copy is None or seen.mhl_format is None:
        return False
    return (copy.mhl_format, copy.mhl_digests) != (seen.mhl_format, seen.mhl_digests)


def _digests_json(seen: CopyObservation) -> str | None:
    return None if seen.mhl_format is None else json.dumps([list(d) for d in seen.mhl_digests])
