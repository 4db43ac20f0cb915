"""Drives erased: a cleared drive wiped, reformatted, or said erased by the DIT, recorded.

A copy a drive was cleared for — covered by a clear verdict recorded after the copy was
verified — that leaves its drive was erased, as the clearance allowed: it is recorded ERASED
(news, not an alarm), no longer counts as an on-set copy and no longer blocks its drive, and the
drive is recorded erased with the time. A copy that leaves a drive never cleared for it is
`copy_gone`, an alarm (`runtime.tracking`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from rollkeeper.core import happened
from rollkeeper.core.lifecycle import ABSENT_COPY_STATES, CopyState
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.rolls import RollRecords

#: How many of a drive's latest clear verdicts are read to know what it was cleared for.
_VERDICTS_READ = 50


def _rolls_of(evidence: str) -> set[str]:
    """The roll ids a recorded drive verdict's evidence covered."""
    try:
        rolls = json.loads(evidence).get("rolls", [])
        return {str(r["roll"]["roll_id"]) for r in rolls}
    except (ValueError, TypeError, KeyError, AttributeError):
        return set()


class ErasureRecords(RollRecords):
    """What a drive was cleared for, and recording its copies erased."""

    def cleared_for(self, volume_id: int) -> set[str]:
        """The rolls whose copy on this volume a clear verdict covered, recorded after the copy
        was verified (a copy changed or verified again since is not covered)."""
        verdicts = self.db.execute(
            "SELECT at, evidence FROM clearances WHERE subject = 'drive' AND volume_id = ? "
            "AND clear = 1 ORDER BY id DESC LIMIT ?",
            (volume_id, _VERDICTS_READ),
        ).fetchall()
        if not verdicts:
            return set()
        verified = {
            c.roll_id: c.verified_at
            for c in self.copies(volume_id=volume_id)
            if c.verified_at is not None
        }
        cleared: set[str] = set()
        for at, evidence in verdicts:
            # strictly after: a verification in the very millisecond of the verdict is not
            # known to be the one it judged (so its copy vanishing is an alarm, not news)
            cleared |= {r for r in _rolls_of(evidence) if (verified.get(r) or "~") < at}
        return cleared

    def ever_cleared(self, volume_id: int) -> bool:
        """Whether any verdict ever cleared this volume for erasure."""
        row = self.db.execute(
            "SELECT 1 FROM clearances WHERE subject = 'drive' AND volume_id = ? AND clear = 1 "
            "LIMIT 1",
            (volume_id,),
        ).fetchone()
        return row is not None

    def erase_copies(
        self, volume_id: int, roll_ids: Iterable[str], *, how: str, cleared: bool
    ) -> list[str]:
        """Record the copies of `roll_ids` on the volume erased, and the volume erased now
        (`how`: wiped, reformatted or told; `cleared`: whether it had been cleared). Copies
        already gone or erased are left as they are. Returns the rolls whose copy was erased."""
        with self.transaction():
            label = self.db.execute("SELECT label FROM volumes WHERE id = ?", (volume_id,))
            name = str(label.fetchone()[0])
            erased = []
            for roll_id in sorted(set(roll_ids)):
                copy = self.copy(roll_id, volume_id)
                if copy is None or copy.state in ABSENT_COPY_STATES:
                    continue
                self._set_copy_state(roll_id, volume_id, CopyState.ERASED, [])
                self._refresh_roll(roll_id)
                remaining = self._onset_copies(roll_id)
                self._record(
                    happened.copy_erased(roll_id, volume_id, label=name, onset_copies=remaining)
                )
                erased.append(roll_id)
            already = self.db.execute("SELECT erased_at FROM volumes WHERE id = ?", (volume_id,))
            if not erased and already.fetchone()[0] is not None:
                return []  # said before (a request applied again after a crash): nothing new
            self.db.execute("UPDATE volumes SET erased_at = ? WHERE id = ?", (now_iso(), volume_id))
            self._record(
                happened.volume_erased(
                    volume_id, label=name, how=how, cleared=cleared, rolls=erased
                )
            )
        return erased

    def uncleared_copies(self, volume_id: int) -> list[str]:
        """The rolls on the volume (not gone nor erased) no clear verdict covered."""
        cleared = self.cleared_for(volume_id)
        return sorted(
            c.roll_id
            for c in self.copies(volume_id=volume_id)
            if c.state not in ABSENT_COPY_STATES and c.roll_id not in cleared
        )

    def erased_as_told(self, volume_id: int) -> list[str]:
        """The DIT says the volume was erased (`rollkeeper erased`): every copy on it is; a
        warning unless the drive had been cleared for every one of them."""
        present = [
            c.roll_id for c in self.copies(volume_id=volume_id) if c.state not in ABSENT_COPY_STATES
        ]
        cleared = self.ever_cleared(volume_id) and not self.uncleared_copies(volume_id)
        return self.erase_copies(volume_id, present, how="told", cleared=cleared)

    def reformatted_namesakes(self, volume_id: int) -> list[int]:
        """A drive first seen with the label of a known drive but another filesystem: the known
        drive was reformatted. Its copies it was cleared for are recorded erased; the volumes
        so recorded are returned. (Copies it was never cleared for are left as they are: the
        label alone does not prove that the old drive is gone.)"""
        new = self.db.execute(
            "SELECT label, fs_uuid FROM volumes WHERE id = ?", (volume_id,)
        ).fetchone()
        if new is None or not new[1]:
            return []
        namesakes = self.db.execute(
            "SELECT id FROM volumes WHERE label = ? AND id != ? AND fs_uuid != '' AND fs_uuid != ?",
            (new[0], volume_id, new[1]),
        ).fetchall()
        erased = []
        for (old,) in namesakes:
            present = {
                c.roll_id for c in self.copies(volume_id=old) if c.state is CopyState.VERIFIED
            }
            gone = present & self.cleared_for(old)
            if gone:
                self.erase_copies(old, gone, how="reformatted", cleared=True)
                erased.append(old)
        return erased

    def _onset_copies(self, roll_id: str) -> int:
        """Verified on-set copies holding the roll's content."""
        content = self.roll_content(roll_id)
        return sum(
            1
            for c in self.copies(roll_id=roll_id)
            if c.state is CopyState.VERIFIED
            and (content is None or c.mhl_fingerprint == content.fingerprint)
        )
