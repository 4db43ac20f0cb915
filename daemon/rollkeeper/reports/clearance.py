"""`rollkeeper clearance`: the answer to "may I erase this drive?", re-checked right now."""

from __future__ import annotations

from typing import Any

from rollkeeper import __version__
from rollkeeper.archive.build import build_provider
from rollkeeper.config.schema import Config
from rollkeeper.core.clearance import DriveVerdict, Policy
from rollkeeper.core.errors import BadInputError
from rollkeeper.core.words import describe
from rollkeeper.ledger.store import LEDGER_FILE, Ledger
from rollkeeper.reports.drive_decision import decide
from rollkeeper.transfer.factory import build_target

CLEARANCE_SCHEMA = "rollkeeper.clearance/1"


def _drive_json(verdict: DriveVerdict) -> dict[str, Any]:
    return {
        "label": verdict.label,
        "role": verdict.role,
        "clear_to_erase": verdict.clear_to_erase,
        "level": verdict.level,
        "blocking": [{"roll_id": b.roll_id, "reason": b.reason} for b in verdict.blocking],
        "warnings": list(verdict.warnings),
    }


def answer(config: Config, drive: str | None) -> tuple[str, dict[str, Any], bool]:
    """Judge the named drive (or every known one) with live re-checks; record the verdicts."""
    state_dir = config.state.resolved_dir()
    if not (state_dir / LEDGER_FILE).exists():
        raise BadInputError(f"{state_dir}: no ledger yet; nothing has been proven on this cart")
    target = build_target(config.target) if config.target else None
    provider = build_provider(config.archive, config.target, target)
    policy = Policy(
        extras_block_drive=config.clearance.extras_block_drive,
        min_onset_copies=config.clearance.min_onset_copies,
    )
    ledger = Ledger.in_state_dir(state_dir)
    try:
        volumes = [v for v in ledger.volumes() if drive is None or v.label == drive]
        if drive is not None and not volumes:
            known = ", ".join(sorted(v.label for v in ledger.volumes())) or "none yet"
            raise BadInputError(f"no drive labelled {drive!r} is known (known: {known})")
        verdicts = [
            decide(
                ledger,
                volume,
                target=target,
                archive_provider=provider.name,
                policy=policy,
                record_unchanged=True,  # every answer given to a person is in the audit trail
            ).verdict
            for volume in volumes
        ]
    finally:
        ledger.close()
    lines = [describe(v) for v in verdicts]
    for verdict in verdicts:
        if not verdict.clear_to_erase and len(verdict.blocking) > 5:
            lines += [f"  - {b.reason}" for b in verdict.blocking]
        lines += [f"  warning: {w}" for w in verdict.warnings]
    document = {
        "schema": CLEARANCE_SCHEMA,
        "tool": {"name": "rollkeeper", "version": __version__},
        "drives": [_drive_json(v) for v in verdicts],
    }
    all_clear = bool(verdicts) and all(v.clear_to_erase for v in verdicts)
    return "\n".join(lines) or "No drives known yet.", document, all_clear
