"""The clearance view: "may I erase this drive?", judged with live re-checks, as text and JSON.

It is given the parts that judge (`Judges`: target, archive provider's name, policy) rather than
building them: `runtime.wiring` builds them once, for the daemon and for the `clearance` command
alike, and a drive is judged and recorded as the daemon does it (`reports.drive_decision`).
Every answer given is recorded (the audit trail), through the ledger, in its own transactions.
The ledger is checked thoroughly as it is opened for writing (`ledger.integrity`), so no answer
is drawn from a damaged file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rollkeeper import __version__
from rollkeeper.core.clearance import DriveVerdict
from rollkeeper.core.errors import BadInputError
from rollkeeper.core.words import REASONS_IN_A_SENTENCE, describe
from rollkeeper.ledger.routing import Route
from rollkeeper.ledger.rows import VolumeRow
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.drive_checked import drive_checked
from rollkeeper.reports.drive_decision import Judges, judge, record_judgment
from rollkeeper.reports.evidence import as_json
from rollkeeper.reports.ledger_file import require_ledger
from rollkeeper.reports.roll_clearance import (
    EvidenceChecked,
    RollAnswer,
    checked_line,
    roll_answer_json,
)

CLEARANCE_SCHEMA = "rollkeeper.clearance/1"
NO_LEDGER_HINT = "nothing has been proven on this cart"


@dataclass(frozen=True, slots=True)
class ClearanceAnswer:
    """The verdicts of the drives asked about, in the ledger's order."""

    verdicts: tuple[DriveVerdict, ...]
    checked: tuple[EvidenceChecked, ...] = ()  # per verdict: when its evidence was checked

    @property
    def all_clear(self) -> bool:
        """Every drive asked about may be erased (and there was one to ask about)."""
        return bool(self.verdicts) and all(v.clear_to_erase for v in self.verdicts)


def require_clearance_ledger(state_dir: Path) -> None:
    """Refuse a cart without a ledger: nothing on it has been proven yet."""
    require_ledger(state_dir, NO_LEDGER_HINT)


def _drives_asked(ledger: Ledger, drive: str | None) -> list[VolumeRow]:
    """The drive labelled `drive`, or every known drive when none is named."""
    volumes = [v for v in ledger.volumes() if drive is None or v.label == drive]
    if drive is not None and not volumes:
        known = ", ".join(sorted(v.label for v in ledger.volumes())) or "none yet"
        raise BadInputError(f"no drive labelled {drive!r} is known (known: {known})")
    return volumes


def _answered(
    ledger: Ledger, volume: VolumeRow, judges: Judges
) -> tuple[DriveVerdict, EvidenceChecked]:
    """Judge one drive as the daemon does, and record the answer: every answer given to a
    person is in the audit trail, changed or not. With it, when its evidence was checked."""
    judgment = judge(ledger, volume, judges)
    record_judgment(ledger, judgment, record_unchanged=True)
    return judgment.verdict, drive_checked(ledger, judgment, judges)


def answer(
    state_dir: Path, drive: str | None, judges: Judges, routes: Sequence[Route] = ()
) -> ClearanceAnswer:
    """Judge the named drive (or every known one) with live re-checks; record the verdicts (a
    clearance granted or revoked is routed to the configured channels' `routes`)."""
    require_clearance_ledger(state_dir)
    ledger = Ledger.in_state_dir(state_dir, routes=routes)
    try:
        answers = [_answered(ledger, volume, judges) for volume in _drives_asked(ledger, drive)]
    finally:
        ledger.close()
    return ClearanceAnswer(tuple(a[0] for a in answers), tuple(a[1] for a in answers))


def clearance_text(view: ClearanceAnswer) -> str:
    """One verdict line a drive, then every reason of a refusal too long for its sentence, and
    the warnings."""
    lines: list[str] = []
    for index, verdict in enumerate(view.verdicts):
        lines.append(describe(verdict))
        if not verdict.clear_to_erase and len(verdict.blocking) > REASONS_IN_A_SENTENCE:
            lines += [f"  - {b.reason}" for b in verdict.blocking]
        if index < len(view.checked):
            lines.append(checked_line(view.checked[index]))
        lines += [f"  warning: {w}" for w in verdict.warnings]
    return "\n".join(lines) or "No drives known yet."


def _drive_json(verdict: DriveVerdict) -> dict[str, Any]:
    return {
        "label": verdict.label,
        "role": verdict.role,
        "clear_to_erase": verdict.clear_to_erase,
        "level": verdict.level,
        "blocking": [{"roll_id": b.roll_id, "reason": b.reason} for b in verdict.blocking],
        "warnings": list(verdict.warnings),
    }


def _padded(checked: tuple[EvidenceChecked, ...], count: int) -> list[EvidenceChecked | None]:
    return [*checked, *([None] * (count - len(checked)))]


def clearance_document(
    view: ClearanceAnswer, rolls: Sequence[RollAnswer] | None = None
) -> dict[str, Any]:
    """The versioned JSON document (`CLEARANCE_SCHEMA`): the drives asked about, or (asked
    with `--roll`/`--day`) the rolls."""
    document: dict[str, Any] = {
        "schema": CLEARANCE_SCHEMA,
        "tool": {"name": "rollkeeper", "version": __version__},
        "drives": [
            {**_drive_json(v), **({"checked_at": as_json(c)} if c is not None else {})}
            for v, c in zip(view.verdicts, _padded(view.checked, len(view.verdicts)), strict=True)
        ],
    }
    if rolls is not None:
        document["rolls"] = [roll_answer_json(r) for r in rolls]
    return document


def clearance_json(view: ClearanceAnswer, rolls: Sequence[RollAnswer] | None = None) -> str:
    """The document as indented JSON."""
    return json.dumps(clearance_document(view, rolls), indent=2, ensure_ascii=False)
