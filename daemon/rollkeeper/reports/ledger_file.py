"""The ledger a view reads must already exist: a view never creates one."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.core.errors import BadInputError
from rollkeeper.ledger.state_dir import check_state_dir
from rollkeeper.ledger.store import LEDGER_FILE


def require_ledger(state_dir: Path, hint: str) -> None:
    """Refuse a state folder without a ledger, saying what `hint` says to do about it (opening
    one for writing would create it empty, and an empty ledger answers every question wrongly)."""
    check_state_dir(state_dir)  # there, a folder, readable: else exit 3 naming the fix
    if not (state_dir / LEDGER_FILE).exists():
        raise BadInputError(f"{state_dir}: no ledger yet; {hint}")
