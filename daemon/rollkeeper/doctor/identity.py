"""The target's identity marker as the daemon would see it: the id the ledger recorded for the
target against the one its marker holds (`transfer.identity`)."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.core.errors import RollkeeperError
from rollkeeper.doctor.model import Finding, fail, ok
from rollkeeper.ledger.store import LEDGER_FILE, Ledger
from rollkeeper.transfer.identity import MARKER_NAME, IdentifiedTarget, marker_id

MOVING = "mount the storage used so far, or see the README's 'Moving storage deliberately'"


def recorded_identity(state_dir: Path, description: str) -> str | None:
    """The identity this cart's ledger recorded for the target (None: none, or no ledger that
    can be read: the daemon then adopts the target at its first use)."""
    path = state_dir / LEDGER_FILE
    if not path.exists():
        return None
    try:
        ledger = Ledger(path, readonly=True)
    except RollkeeperError:
        return None
    try:
        return ledger.target_identity(description)
    except RollkeeperError:
        return None
    finally:
        ledger.close()


def _marker(target: IdentifiedTarget) -> str | None:
    """The id the target's marker holds (None: no marker)."""
    inner = target.inner
    if inner.head(target.marker_key) is None:
        return None
    with inner.open_read(target.marker_key) as stream:
        data = stream.read(64 * 1024 + 1)
    return marker_id(data) or "(not a rollkeeper marker)"


def identity_finding(target: IdentifiedTarget, recorded: str | None) -> Finding:
    """Whether the daemon would take this storage for the target it used so far."""
    name = "target-identity"
    try:
        found = _marker(target)
    except (RollkeeperError, OSError) as err:
        return fail(
            name,
            f"the identity marker {MARKER_NAME} of {target.description} cannot be read ({err})",
            "check the target's permissions and that it is mounted",
        )
    facts = {"recorded": recorded, "marker": found, "marker_key": target.marker_key}
    if recorded is None and found is None:
        return ok(
            name,
            f"{target.description} holds no {MARKER_NAME} yet: the daemon writes one at its "
            "first use and records its id",
            facts=facts,
        )
    if recorded is None:
        return ok(
            name,
            f"{target.description} holds the marker id {found}; this cart recorded none yet and "
            "adopts it at its first use",
            facts=facts,
        )
    if found == recorded:
        return ok(
            name,
            f"{target.description} holds the marker id {found} this cart recorded",
            facts=facts,
        )
    target.expect(recorded)
    try:
        target.confirm()
    except RollkeeperError as err:
        return fail(name, str(err), MOVING, facts=facts)
    return ok(name, f"{target.description} holds the marker this cart recorded", facts=facts)
