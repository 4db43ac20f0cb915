"""`rollkeeper clearance --roll ROLL` and `--day DAY`: may a roll's cards, and its RAID copies,
be erased? Judged now, with the daemon's parts, and said with when each piece of evidence was
last checked.

A roll is named by its id (`shoot-day/media/roll`) or by its bare name when only one roll has
it; a day by its shoot-day folder name or its yyyyMMdd prefix when only one folder has it. A
name that fits several is refused with every match listed (exit 2). Each roll is judged as the
daemon judges it (`core.clearance.judge_roll`), its stored objects older than
`max_evidence_age` looked up again first (`reports.live_objects.LiveObjects`); every answer is
recorded in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rollkeeper.core.clearance import RollVerdict, judge_roll
from rollkeeper.core.errors import BadInputError
from rollkeeper.core.lifecycle import CopyState
from rollkeeper.core.words import describe_roll
from rollkeeper.ledger.rows import RollRecord
from rollkeeper.ledger.store import Ledger, now_iso
from rollkeeper.reports.drive_decision import Judges
from rollkeeper.reports.evidence import Rechecks, as_json, as_recorded, roll_evidence
from rollkeeper.reports.ledger_file import require_ledger
from rollkeeper.reports.live_objects import LiveObjects, object_check

#: How many matches (or known names) a refusal lists.
NAMES_LISTED = 12


@dataclass(frozen=True, slots=True)
class EvidenceChecked:
    """When each piece of a roll's evidence was last checked (ISO 8601 UTC; None: never):
    its MHL verification, its source files re-stat'ed, its stored objects, its archive copy."""

    mhl_verification: str | None
    source_files: str | None
    stored_objects: str | None
    archive_copy: str | None


@dataclass(frozen=True, slots=True)
class RollAnswer:
    """One roll's verdict, its sentence, and how fresh its evidence is."""

    verdict: RollVerdict
    sentence: str
    checked: EvidenceChecked

    @property
    def cards_clear(self) -> bool:
        return self.verdict.cards_clear


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(sorted(names)[:NAMES_LISTED])
    more = len(names) - NAMES_LISTED
    return shown + (f" (and {more} more)" if more > 0 else "")


def find_roll(rolls: Sequence[RollRecord], name: str) -> RollRecord:
    """The roll with id `name`, or the one roll whose bare name is `name`."""
    exact = [r for r in rolls if r.id == name]
    if exact:
        return exact[0]
    named = [r for r in rolls if r.roll == name]
    if len(named) == 1:
        return named[0]
    if named:
        raise BadInputError(
            f"roll name {name!r} is ambiguous: {_listed([r.id for r in named])}; name one by "
            "its id (shoot-day/media/roll)"
        )
    known = _listed([r.id for r in rolls]) or "none yet"
    raise BadInputError(f"no roll {name!r} is known (known: {known})")


def find_day(rolls: Sequence[RollRecord], day: str) -> list[RollRecord]:
    """The rolls of the shoot day named `day`, or of the one day folder starting with it."""
    days = sorted({r.shoot_day for r in rolls})
    chosen = [day] if day in days else [d for d in days if d.startswith(day)]
    if len(chosen) > 1:
        raise BadInputError(
            f"shoot day {day!r} is ambiguous: {_listed(chosen)}; name one by its folder name"
        )
    if not chosen:
        raise BadInputError(f"no shoot day {day!r} is known (known: {_listed(days) or 'none yet'})")
    return [r for r in rolls if r.shoot_day == chosen[0]]


def _checked(
    ledger: Ledger,
    roll_id: str,
    objects: LiveObjects | None,
    archive_provider: str,
    *,
    sources_now: bool,
) -> EvidenceChecked:
    """When each piece of the roll's evidence was last checked (no archive tier: never). With
    `sources_now` the source files are re-stat'ed by this very answer; else they were as of the
    last judgment of the drive the roll was uploaded from."""
    upload = ledger.roll_upload(roll_id)
    copies = ledger.copies(roll_id=roll_id)
    source = next((c for c in copies if upload and c.volume_id == upload.volume_id), None)
    verified = [c.verified_at for c in copies if c.state is CopyState.VERIFIED and c.verified_at]
    mhl = source.verified_at if source is not None else max(verified, default=None)
    volume = ledger.volume(source.volume_id) if source is not None else None
    stored = [u.checked_at for u in ledger.file_uploads(roll_id).values() if u.state == "stored"]
    archive = ledger.archive_check(roll_id) if archive_provider != "none" else None
    live = objects.checked_at if objects is not None else None
    sources: str | None = None
    if volume is not None and volume.mounted and sources_now:
        sources = now_iso()
    elif volume is not None and volume.mounted:
        judged = ledger.last_drive_clearance(volume.id)
        sources = judged.at if judged is not None else None
    return EvidenceChecked(
        mhl_verification=mhl,
        source_files=sources,
        stored_objects=live or _oldest(stored),
        archive_copy=archive.checked_at if archive is not None else None,
    )


def recorded_checks(ledger: Ledger, roll_id: str, archive_provider: str) -> EvidenceChecked:
    """When each piece of the roll's evidence was last checked, as the ledger records it
    (nothing is checked again: the dashboard's roll page)."""
    return _checked(ledger, roll_id, None, archive_provider, sources_now=False)


def _oldest(moments: list[str | None]) -> str | None:
    """The oldest check of several (None when there is none, or one was never checked)."""
    known = [m for m in moments if m is not None]
    return min(known) if known and len(known) == len(moments) else None


def judge_one(ledger: Ledger, roll_id: str, judges: Judges) -> RollAnswer:
    """Judge one roll as the daemon does, its stale stored-object evidence looked up again."""
    objects = object_check(judges.target, judges.max_evidence_age) if judges.target else None
    evidence = roll_evidence(
        ledger,
        roll_id,
        archive_provider=judges.archive_provider,
        rechecks=Rechecks(sources=True, objects=objects or as_recorded),
    )
    verdict = judge_roll(evidence, judges.policy)
    answer = RollAnswer(
        verdict,
        describe_roll(verdict),
        _checked(ledger, roll_id, objects, judges.archive_provider, sources_now=True),
    )
    ledger.record_roll_clearance(
        roll_id=roll_id,
        clear=verdict.cards_clear,
        level="raid" if verdict.raid_clear else "cards" if verdict.cards_clear else "none",
        verdict=as_json(verdict),
        evidence={"roll": as_json(evidence), "checked_at": as_json(answer.checked)},
    )
    return answer


def answer_rolls(
    state_dir: Path, judges: Judges, *, roll: str | None = None, day: str | None = None
) -> tuple[RollAnswer, ...]:
    """Judge the roll named `roll`, or every roll of the shoot day `day`; record the answers."""
    require_ledger(state_dir, "nothing has been proven on this cart")
    ledger = Ledger.in_state_dir(state_dir)
    try:
        rolls = ledger.rolls()
        chosen = [find_roll(rolls, roll)] if roll is not None else find_day(rolls, day or "")
        return tuple(judge_one(ledger, r.id, judges) for r in chosen)
    finally:
        ledger.close()


def _when(moment: str | None) -> str:
    return moment if moment is not None else "never"


#: Each kind of evidence in words, by its field in `EvidenceChecked` (and in `checked_at`).
EVIDENCE_NAMES = {
    "mhl_verification": "MHL verification",
    "source_files": "source files",
    "stored_objects": "stored objects",
    "archive_copy": "archive copy",
}


def checked_line(c: EvidenceChecked) -> str:
    """When each piece of evidence under an answer was checked, in one line."""
    kinds = (f"{name} {_when(getattr(c, field))}" for field, name in EVIDENCE_NAMES.items())
    return "  checked: " + "; ".join(kinds)


def roll_answers_text(answers: Sequence[RollAnswer]) -> str:
    """Per roll: its sentence, then when each piece of evidence was checked, and warnings."""
    lines: list[str] = []
    for answer in answers:
        lines += [answer.sentence, checked_line(answer.checked)]
        lines += [f"  warning: {w}" for w in answer.verdict.warnings]
    return "\n".join(lines)


def roll_answer_json(answer: RollAnswer) -> dict[str, Any]:
    """One roll in the clearance document."""
    verdict = answer.verdict
    return {
        "roll_id": verdict.roll_id,
        "cards_clear": verdict.cards_clear,
        "raid_clear": verdict.raid_clear,
        "reason": answer.sentence,
        "reasons": list(verdict.reasons),
        "raid_reasons": list(verdict.raid_reasons),
        "warnings": list(verdict.warnings),
        "checked_at": as_json(answer.checked),
    }
