"""The command side of the requests inbox: what `rollkeeper erased` and `rollkeeper reverify`
check before they ask, the request they leave, and when it takes effect.

A command reads the ledger (read-only) to refuse what cannot be meant — an unknown drive or
roll, a drive never cleared — then leaves its request (`fs.requests`) for the daemon's loop, the
ledger's one writer, and says whether a running daemon applies it now or the next one to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rollkeeper.core.errors import BadInputError, EnvironmentProblem, RollkeeperError
from rollkeeper.fs.presence import read_presence
from rollkeeper.fs.requests import Request, requests_dir, write_request
from rollkeeper.ledger.rows import RollRecord, VolumeRow
from rollkeeper.ledger.store import Ledger
from rollkeeper.reports.ledger_file import require_ledger
from rollkeeper.runtime.pausing import PAUSE, RESUME
from rollkeeper.runtime.requests import ERASED, REVERIFY

NO_LEDGER_HINT = "nothing is recorded on this cart yet; start `rollkeeper run` first"


class Refused(RollkeeperError):
    """A request rollkeeper will not make as asked (exit 1): the sentence says why and how."""


@dataclass(frozen=True, slots=True)
class Asked:
    """A request left for the daemon, and the sentence saying when it takes effect."""

    request: Request
    what: str
    when: str


def when_applied(state_dir: Path) -> str:
    """Whether a daemon runs to apply a request now, or the next one to start will."""
    presence = read_presence(state_dir)
    if presence is not None and presence.running(datetime.now(UTC)):
        return f"recorded; the running daemon (pid {presence.pid}) applies it within seconds"
    return (
        "the daemon is not running; it applies this when it starts, or run `rollkeeper run --once`"
    )


def _ask(state_dir: Path, kind: str, arguments: dict[str, Any], what: str) -> Asked:
    try:
        request = write_request(state_dir, kind, arguments)
    except OSError as err:
        raise EnvironmentProblem(
            f"{requests_dir(state_dir)}: cannot leave the request there ({err.strerror or err}); "
            "check that the state folder is writable by you"
        ) from err
    return Asked(request, what, when_applied(state_dir))


def _open(state_dir: Path) -> Ledger:
    require_ledger(state_dir, NO_LEDGER_HINT)
    return Ledger.in_state_dir(state_dir, readonly=True)


def ask_erased(state_dir: Path, label: str, *, force: bool) -> Asked:
    """`rollkeeper erased LABEL`: the drive must be known and have been cleared (or `force`)."""
    ledger = _open(state_dir)
    try:
        volume, cleared = _erasable(ledger, label, force=force)
    finally:
        ledger.close()
    arguments = {"volume_id": volume.id, "label": volume.label, "force": force}
    what = f"{volume.label} to be recorded as erased" + ("" if cleared else " (forced)")
    return _ask(state_dir, ERASED, arguments, what)


def _erasable(ledger: Ledger, label: str, *, force: bool) -> tuple[VolumeRow, bool]:
    """The drive of that label (the latest one ever cleared, else the latest seen), and whether
    it was cleared for every roll on it; refused when it was not, unless `force`."""
    volumes = sorted((v for v in ledger.volumes() if v.label == label), key=lambda v: -v.id)
    if not volumes:
        known = ", ".join(sorted({v.label for v in ledger.volumes()})) or "none yet"
        raise BadInputError(f"no drive labelled {label!r} is known (known: {known})")
    volume = next((v for v in volumes if ledger.ever_cleared(v.id)), volumes[0])
    again = f"if it really was erased, say so with `rollkeeper erased {label} --force`"
    if not ledger.ever_cleared(volume.id):
        if force:
            return volume, False
        raise Refused(
            f"{label} was never cleared for erasure, so rollkeeper does not record it as "
            f"erased; {again}"
        )
    uncleared = ledger.uncleared_copies(volume.id)
    if uncleared and not force:
        more = len(uncleared) - 3
        shown = ", ".join(uncleared[:3]) + (f" and {more} more" if more > 0 else "")
        raise Refused(
            f"{label} holds {len(uncleared)} roll(s) it was not cleared for ({shown}), so "
            f"rollkeeper does not record it as erased; {again}"
        )
    return volume, not uncleared


def ask_reverify(state_dir: Path, roll: str) -> Asked:
    """`rollkeeper reverify ROLL`: the roll (id or unambiguous name) must have a bad copy."""
    ledger = _open(state_dir)
    try:
        record = find_roll(ledger.rolls(), roll)
        bad = ledger.bad_copies(record.id)
    finally:
        ledger.close()
    if not bad:
        raise Refused(
            f"roll {record.id} has no copy marked mismatch or incomplete (it is {record.state}); "
            "there is nothing to verify again"
        )
    copies = "1 bad copy" if len(bad) == 1 else f"{len(bad)} bad copies"
    what = f"roll {record.id} to be verified again ({copies})"
    return _ask(state_dir, REVERIFY, {"roll_id": record.id}, what)


def find_roll(rolls: list[RollRecord], name: str) -> RollRecord:
    """The roll named by its id (shoot-day/media/roll) or by a bare roll name that only one
    roll carries."""
    by_id = [r for r in rolls if r.id == name.strip("/")]
    found = by_id or [r for r in rolls if r.roll == name]
    if len(found) == 1:
        return found[0]
    if not found:
        raise BadInputError(f"no roll {name!r} is known; `rollkeeper status` lists the rolls")
    ids = ", ".join(sorted(r.id for r in found))
    raise BadInputError(f"{name!r} names {len(found)} rolls ({ids}); name one by its id")


def ask_pause(state_dir: Path, seconds: float | None) -> Asked:
    """`rollkeeper pause [--for DURATION]`: uploads stop at their next part boundary, for that
    long from now (or until `rollkeeper resume`); verification goes on."""
    if seconds is not None and seconds <= 0:
        raise BadInputError("--for must be longer than nothing, e.g. --for 2h")
    until = None
    what = "uploads to pause until `rollkeeper resume`"
    if seconds is not None:
        moment = datetime.now(UTC) + timedelta(seconds=seconds)
        until = moment.isoformat(timespec="seconds")
        what = f"uploads to pause until {moment:%Y-%m-%d %H:%M} UTC"
    return _ask(state_dir, PAUSE, {"until": until}, what)


def ask_resume(state_dir: Path) -> Asked:
    """`rollkeeper resume`: paused uploads go on (the rolls waiting are uploaded)."""
    return _ask(state_dir, RESUME, {}, "uploads to resume")
